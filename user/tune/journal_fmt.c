// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The journal's format (journal.c keeps the file): a header line, then
 * one line per change made, written and fsynced before the change itself:
 *
 *   rtbpf-state 2
 *   <fnv1a32> <kind> <stage> =<path> =<old> =<restore> =<new>[ =<tid> =<start>]
 *
 * Fields are percent-escaped (space, '%', control and non-ASCII bytes), so
 * a journal holds only printable ASCII, blanks between fields and newlines:
 * any other byte (a NUL...) is corruption. <kind> names the knob's kind
 * (kind.h): file, created (a file rtbpf created; revert removes it), sched
 * (a thread's policy), affinity (a thread's CPUs) or netdev (a NIC's
 * channel counts). <old> is the exact previous content, <restore> what a
 * kernel file takes to get it back, <new> what rtbpf wrote; thread kinds
 * add <tid>, the thread (also named by <path>), and <start>, its start time
 * (field 22 of its stat) so revert can tell it from a later thread with the
 * same TID. <path> must be one the record's stage writes (jpath.c).
 *
 * Format 1 ("rtbpf-state 1", rtbpf before the kinds had names) is still
 * read, and appended to in its own format: <kind> is a letter (F, C, S, A,
 * N), a thread record's TID is only in its path ("tid:N",
 * "/proc/P/task/T/affinity") and its <start> optional.
 */
#define _GNU_SOURCE
#include "journal.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t jrec_checksum(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* The escape of in, in a new string; NULL on ENOMEM. */
static char *esc(const char *in)
{
	char *out = malloc(3 * strlen(in) + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (; *in; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch <= ' ' || ch >= 0x7f || ch == '%')
			o += (size_t)sprintf(out + o, "%%%02X", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
	return out;
}

static int hex_digit(char ch)
{
	return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
}

/*
 * Unescapes in[0..n) into out (len bytes, NUL included): every '%' takes
 * exactly two hex digits and makes a byte other than NUL. -EBADMSG for
 * anything else, -EOVERFLOW when out is too small.
 */
static int unesc(const char *in, size_t n, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int v;

		if (o + 1 >= len)
			return -EOVERFLOW;
		if (in[i] != '%') {
			out[o++] = in[i];
			continue;
		}
		if (i + 2 >= n || !isxdigit((unsigned char)in[i + 1]) ||
		    !isxdigit((unsigned char)in[i + 2]))
			return -EBADMSG;
		v = hex_digit(in[i + 1]) << 4 | hex_digit(in[i + 2]);
		if (!v)
			return -EBADMSG;
		out[o++] = (char)v;
		i += 2;
	}
	out[o] = '\0';
	return 0;
}

/* A value field into a new string *out, shorter than TUNE_VAL_MAX. */
static int unesc_value(const char *in, char **out, const char *what, char *why,
		       size_t wlen)
{
	size_t n = strlen(in);
	int err;

	*out = malloc(n + 1); /* unescaping never lengthens */
	if (!*out)
		return -ENOMEM;
	err = unesc(in, n, *out, n + 1 < TUNE_VAL_MAX ? n + 1 : TUNE_VAL_MAX);
	if (err == -EOVERFLOW)
		snprintf(why, wlen, "%s value over the %d-byte limit", what,
			 TUNE_VAL_MAX - 1);
	else if (err)
		snprintf(why, wlen, "bad escape in the %s value", what);
	return err ? -EBADMSG : 0;
}

void jrec_fini(struct jrec *r)
{
	free(r->old);
	free(r->restore);
	free(r->new_);
	r->old = r->restore = r->new_ = NULL;
}

/* A plain decimal number without leading zeros, at most max digits. */
static bool decimal(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n && n <= max && strspn(s, "0123456789") == n &&
	       (s[0] != '0' || n == 1);
}

/* The thread fields after <new>: format 2 "=<tid> =<start>" (both, on
 * thread kinds only), format 1 "[=<start>]" (the TID in the path). */
static int parse_thread(struct jrec *r, int version, char **f, int n, char *why,
			size_t wlen)
{
	bool thread = r->kind->flags & KIND_THREAD;
	pid_t path_tid = thread ? r->kind->path_tid(r->path) : -1;
	int extra = version == 1 ? (n == 1) : 2;

	if (!thread ? n != 0 : n != extra)
		return -EBADMSG;
	for (int i = 0; i < n; i++)
		if (!decimal(f[i] + 1, i + 1 < n ? 9 : 19))
			return -EBADMSG;
	if (!thread)
		return 0;
	if (version == 1 && n == 0) {
		r->tid = path_tid;
	} else {
		r->tid = n == 2 ? (pid_t)strtol(f[0] + 1, NULL, 10) : path_tid;
		r->start = strtoull(f[n - 1] + 1, NULL, 10);
		r->has_start = true;
	}
	if (r->tid <= 0 || r->tid != path_tid) {
		if (path_tid > 0)
			snprintf(why, wlen, "'%s' is not thread %d", r->path,
				 (int)r->tid);
		else
			snprintf(why, wlen, "'%s' names no thread", r->path);
		return -EBADMSG;
	}
	return 0;
}

/* The kind, stage and value fields f[0..5] into r. */
static int parse_fields(struct jrec *r, int version, char **f, char *why,
			size_t wlen)
{
	int err;

	r->kind = version == 1 ?
			  (strlen(f[0]) == 1 ? knob_kind_by_letter(f[0][0]) :
					       NULL) :
			  knob_kind_by_name(f[0]);
	if (!r->kind || strlen(f[1]) >= sizeof(r->stage))
		return -EBADMSG;
	snprintf(r->stage, sizeof(r->stage), "%s", f[1]);
	if (unesc(f[2] + 1, strlen(f[2] + 1), r->path, sizeof(r->path))) {
		snprintf(why, wlen, "bad or overlong path");
		return -EBADMSG;
	}
	err = unesc_value(f[3] + 1, &r->old, "old", why, wlen);
	if (!err)
		err = unesc_value(f[4] + 1, &r->restore, "restore", why, wlen);
	if (!err)
		err = unesc_value(f[5] + 1, &r->new_, "new", why, wlen);
	return err;
}

int jrec_parse(char *line, int version, struct jrec *r, char *why, size_t wlen)
{
	char *f[9], *save = NULL, *tok;
	unsigned long h;
	char *end;
	int n = 0, err;

	snprintf(why, wlen, "malformed record");
	tok = strtok_r(line, " ", &save);
	if (!tok)
		return -EBADMSG;
	h = strtoul(tok, &end, 16);
	if (*end || end - tok != 8 || h != jrec_checksum(save ? save : "")) {
		snprintf(why, wlen, "checksum mismatch");
		return -EBADMSG;
	}
	while (n < 9 && (tok = strtok_r(NULL, " ", &save)))
		f[n++] = tok;
	memset(r, 0, sizeof(*r));
	if (n < 6 || n > 8)
		return -EBADMSG;
	for (int i = 2; i < n; i++)
		if (f[i][0] != '=')
			return -EBADMSG;
	err = parse_fields(r, version, f, why, wlen);
	if (err)
		return err;
	if (jpath_check(r, why, wlen))
		return -EBADMSG;
	snprintf(why, wlen, "malformed record");
	return parse_thread(r, version, f + 6, n - 6, why, wlen);
}

ssize_t jrec_format(int version, const struct jrec *r, const char *new_,
		    char **line)
{
	char *p = esc(r->path), *o = esc(r->old), *s = esc(r->restore);
	char *w = esc(new_), *body = NULL, kind[16], tail[48] = "";
	bool thread = r->kind->flags & KIND_THREAD;
	ssize_t len = -ENOMEM;

	*line = NULL;
	if (version == 1)
		snprintf(kind, sizeof(kind), "%c", r->kind->letter);
	else
		snprintf(kind, sizeof(kind), "%s", r->kind->name);
	if (version == 1 && r->has_start)
		snprintf(tail, sizeof(tail), " =%llu", r->start);
	else if (version != 1 && thread)
		snprintf(tail, sizeof(tail), " =%d =%llu", (int)r->tid,
			 r->start);
	if (version != 1 && thread && !r->has_start)
		len = -EINVAL;
	else if (p && o && s && w &&
		 asprintf(&body, "%s %s =%s =%s =%s =%s%s", kind, r->stage, p,
			  o, s, w, tail) >= 0)
		len = asprintf(line, "%08x %s\n", jrec_checksum(body), body);
	else
		body = NULL;
	if (len < 0 && len != -EINVAL) {
		*line = NULL;
		len = -ENOMEM;
	}
	free(p);
	free(o);
	free(s);
	free(w);
	free(body);
	return len;
}
