// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The journal: ROOT/var/lib/rtbpf/state, mode 0600, one line per change
 * made, written and fsynced before the change itself:
 *
 *   rtbpf-state 1
 *   <fnv1a32> <kind> <stage> =<path> =<old> =<restore> =<new>[ =<start>]
 *
 * Fields are percent-escaped (space, '%', control and non-ASCII bytes), so
 * a journal holds only printable ASCII, blanks between fields and newlines:
 * any other byte (a NUL...) is corruption. <kind> is F (file), S (a
 * thread's policy), A (a thread's affinity), N (a NIC's channel counts) or
 * C (a file rtbpf created; revert removes it). <old> is the exact previous
 * content, <restore> what a kernel file takes to get it back, <new> what
 * rtbpf wrote; <start>, on S and A records, the thread's start time (field
 * 22 of its stat) so revert can tell it from a later thread with the same
 * TID. <path> must be one the record's stage writes (jpath.c). A last line
 * without its newline is a record torn by a crash (its change was never
 * made: the write only follows the fsync) or a file cut short: refused
 * unless revert --drop-torn, which drops it. Any other
 * damage, or a foreign header, is refused before anything is touched. A
 * second apply appends only paths not already recorded, so the first
 * originals survive.
 *
 * revert writes what the journal says as root, so the journal is trusted
 * only when root alone can have written it: ROOT/var/lib/rtbpf must be a
 * directory (not a symlink) owned by the effective user and not writable by
 * group or others; the state and lock files in it regular files owned the
 * same way (opened O_NOFOLLOW | O_NONBLOCK, checked before and after open:
 * a FIFO never blocks, a device is never opened). Otherwise refused, with
 * the reason, nothing changed. ROOT/var/lib/rtbpf/lock is flock()ed for the
 * whole apply or revert.
 */
#define _GNU_SOURCE
#include "tune.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "log.h"

#define HEADER "rtbpf-state 1\n"

static uint32_t fnv1a(const char *s)
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

static void jrec_fini(struct jrec *r)
{
	free(r->old);
	free(r->restore);
	free(r->new_);
	r->old = r->restore = r->new_ = NULL;
}

/* The TID an S ("tid:T") or A ("/proc/P/task/T/affinity") record names,
 * or -1. */
pid_t jrec_tid(const struct jrec *r)
{
	int pid, tid = -1, n = 0;

	if (r->kind == 'S')
		sscanf(r->path, "tid:%d%n", &tid, &n);
	else if (r->kind == 'A')
		sscanf(r->path, "/proc/%d/task/%d/affinity%n", &pid, &tid, &n);
	return n && !r->path[n] && tid > 0 ? (pid_t)tid : -1;
}

/* One record line into r (its strings the caller's to free, also on
 * error); why says what is wrong with it. -EBADMSG or -ENOMEM. */
static int parse_line(char *line, struct jrec *r, char *why, size_t wlen)
{
	char *f[8], *save = NULL, *tok;
	unsigned long h;
	char *end;
	int n = 0, err;

	snprintf(why, wlen, "malformed record");
	tok = strtok_r(line, " ", &save);
	if (!tok)
		return -EBADMSG;
	h = strtoul(tok, &end, 16);
	if (*end || end - tok != 8 || h != fnv1a(save ? save : "")) {
		snprintf(why, wlen, "checksum mismatch");
		return -EBADMSG;
	}
	while (n < 8 && (tok = strtok_r(NULL, " ", &save)))
		f[n++] = tok;
	if (n < 6 || n > 7)
		return -EBADMSG;
	memset(r, 0, sizeof(*r));
	if (strlen(f[0]) != 1 || !strchr("FSACN", f[0][0]) ||
	    strlen(f[1]) >= sizeof(r->stage))
		return -EBADMSG;
	r->kind = f[0][0];
	snprintf(r->stage, sizeof(r->stage), "%s", f[1]);
	for (int i = 2; i < n; i++)
		if (f[i][0] != '=')
			return -EBADMSG;
	if (unesc(f[2] + 1, strlen(f[2] + 1), r->path, sizeof(r->path))) {
		snprintf(why, wlen, "bad or overlong path");
		return -EBADMSG;
	}
	err = unesc_value(f[3] + 1, &r->old, "old", why, wlen);
	if (!err)
		err = unesc_value(f[4] + 1, &r->restore, "restore", why, wlen);
	if (!err)
		err = unesc_value(f[5] + 1, &r->new_, "new", why, wlen);
	if (err)
		return err;
	if (n == 7) {
		const char *s = f[6] + 1;

		/* A start time: only on thread records, plain decimal. */
		if ((r->kind != 'S' && r->kind != 'A') || !*s ||
		    strspn(s, "0123456789") != strlen(s) || strlen(s) > 19 ||
		    (s[0] == '0' && s[1]))
			return -EBADMSG;
		r->start = strtoull(s, NULL, 10);
		r->has_start = true;
	}
	if (jpath_check(r, why, wlen))
		return -EBADMSG;
	if ((r->kind == 'S' || r->kind == 'A') && jrec_tid(r) < 0) {
		snprintf(why, wlen, "'%s' names no thread", r->path);
		return -EBADMSG;
	}
	return 0;
}

/* Appends r, taking its strings. */
static int push(struct journal *j, struct jrec *r)
{
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;
		struct jrec *v = realloc(j->r, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		j->r = v;
		j->cap = cap;
	}
	j->r[j->n++] = *r;
	memset(r, 0, sizeof(*r));
	return 0;
}

/* A path seen before keeps its first original; only what rtbpf wrote last
 * is updated (apply ultra, then low-latency). */
static bool same_target(const struct jrec *a, const struct jrec *b)
{
	/* A thread record is one thread: same TID, same start time. */
	return a->kind == b->kind && !strcmp(a->path, b->path) &&
	       a->has_start == b->has_start && a->start == b->start;
}

/* Takes r's strings: into j, or freed. 0 or -ENOMEM. */
static int remember(struct journal *j, struct jrec *r)
{
	int err = 0;

	for (size_t i = 0; i < j->n; i++)
		if (same_target(&j->r[i], r)) {
			free(j->r[i].new_);
			j->r[i].new_ = r->new_;
			r->new_ = NULL;
			goto cleanup;
		}
	err = push(j, r);
cleanup:
	jrec_fini(r);
	return err;
}

/* A journal holds printable ASCII, blanks and newlines only (esc() writes
 * nothing else): the offset of the first other byte, or len. */
static size_t first_bad_byte(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if ((ch < ' ' && ch != '\n') || ch >= 0x7f)
			return i;
	}
	return len;
}

int journal_parse(struct journal *j, char *buf, size_t len, size_t *valid_len)
{
	size_t bad = first_bad_byte(buf, len);
	char *line, why[320];
	int lineno = 1;

	*valid_len = 0;
	if (bad < len) {
		for (size_t i = 0; i < bad; i++)
			lineno += buf[i] == '\n';
		log_err("state file %s: byte 0x%02x at offset %zu (line %d) "
			"cannot be in a journal: corrupt; nothing changed (fix "
			"or move the file by hand)",
			j->path, (unsigned char)buf[bad], bad, lineno);
		return -EBADMSG;
	}
	if (len < strlen(HEADER) || strncmp(buf, HEADER, strlen(HEADER))) {
		log_err("state file %s is not an rtbpf state file (expected "
			"first line '%.*s'); nothing changed",
			j->path, (int)strlen(HEADER) - 1, HEADER);
		return -EBADMSG;
	}
	line = buf + strlen(HEADER);
	*valid_len = (size_t)(line - buf);
	while (line < buf + len) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		struct jrec r = { 0 };
		int err;

		lineno++;
		if (!nl)
			break; /* torn: journal_open() decides */
		*nl = '\0';
		err = parse_line(line, &r, why, sizeof(why));
		if (err) {
			jrec_fini(&r);
			if (err == -ENOMEM)
				return err;
			log_err("state file %s: line %d is corrupt (offset "
				"%zu): %s; nothing changed (fix or move the file "
				"by hand)",
				j->path, lineno, (size_t)(line - buf), why);
			return -EBADMSG;
		}
		err = remember(j, &r);
		if (err)
			return err;
		line = nl + 1;
		*valid_len = (size_t)(line - buf);
	}
	return 0;
}

/* Parses the whole state file; sets *valid_len to the bytes kept. */
static int load(struct journal *j, int fd, off_t *valid_len)
{
	struct stat st;
	char *buf = NULL;
	size_t off = 0, valid = 0;
	int err = 0;

	if (fstat(fd, &st)) {
		err = -errno;
		goto cleanup;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + off, (size_t)st.st_size - off,
				  (off_t)off);
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			goto cleanup;
		}
		off += (size_t)n;
	}
	buf[off] = '\0';
	err = journal_parse(j, buf, off, &valid);
	*valid_len = (off_t)valid;
cleanup:
	free(buf);
	return err;
}

/* Only root (the effective user) may have written it. */
static int trusted(const struct tune_cfg *c, const char *what, const char *path,
		   const struct stat *st, bool dir)
{
	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		log_err("%s: %s %s is %s; refused, nothing changed", c->cmd,
			what, path, tune_type_name(st->st_mode));
		return -EPERM;
	}
	if (st->st_uid != geteuid()) {
		log_err("%s: %s %s is owned by uid %u, not by root (uid %u); "
			"refused, nothing changed",
			c->cmd, what, path, (unsigned int)st->st_uid,
			(unsigned int)geteuid());
		return -EPERM;
	}
	if (st->st_mode & 022) {
		log_err("%s: %s %s is writable by group or others (mode %04o); "
			"refused, nothing changed",
			c->cmd, what, path,
			(unsigned int)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* ROOT/var/lib/rtbpf (made when create), opened and checked: fd, -ENOENT
 * when absent and !create, or -errno with a message. */
static int open_dir(const struct tune_cfg *c, bool create, const char *path)
{
	static const char *const parents[][2] = { { "/", "var" },
						  { "/var", "lib" } };
	struct stat st;
	int fd = -1, dfd = -1, err = 0;

	for (size_t i = 0; create && i < 2 && !err; i++) {
		int pfd =
			tune_open(c, parents[i][0], O_RDONLY | O_DIRECTORY, 0);

		if (pfd < 0 ||
		    (mkdirat(pfd, parents[i][1], 0755) && errno != EEXIST))
			err = -errno;
		if (pfd >= 0)
			close(pfd);
	}
	if (!err) {
		fd = tune_open(c, "/var/lib", O_RDONLY | O_DIRECTORY, 0);
		if (fd < 0)
			err = -errno;
	}
	/* 0755: the state and lock files are 0600, but an unprivileged check
	 * reads the unmovable-IRQ list beside them. */
	if (!err && create && mkdirat(fd, "rtbpf", 0755) && errno != EEXIST)
		err = -errno;
	if (!err && fstatat(fd, "rtbpf", &st, AT_SYMLINK_NOFOLLOW))
		err = -errno;
	if (err) {
		if (err != -ENOENT || create)
			log_err("%s: state directory %s: %s", c->cmd, path,
				strerror(-err));
		goto cleanup;
	}
	err = trusted(c, "state directory", path, &st, true);
	if (err)
		goto cleanup;
	dfd = openat(fd, "rtbpf",
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st)) {
		err = -errno;
		log_err("%s: state directory %s: open: %s", c->cmd, path,
			strerror(-err));
		goto cleanup;
	}
	err = trusted(c, "state directory", path, &st, true);
cleanup:
	if (fd >= 0)
		close(fd);
	if (err && dfd >= 0)
		close(dfd);
	return err ? err : dfd;
}

/* NAME in the state directory: a regular file, checked before the open
 * (a device is never opened) and after it (the same inode). fd, -ENOENT
 * when absent and !create, or -errno with a message. */
static int open_file(const struct tune_cfg *c, int dfd, const char *name,
		     const char *what, const char *path, bool create)
{
	struct stat st;
	int fd, err;

	if (!fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (trusted(c, what, path, &st, false))
			return -EPERM;
	} else if (errno != ENOENT || !create) {
		err = -errno;
		if (err != -ENOENT)
			log_err("%s: %s %s: %s", c->cmd, what, path,
				strerror(-err));
		return err;
	}
	fd = openat(dfd, name,
		    O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
			    (create ? O_CREAT : 0),
		    0600);
	if (fd < 0) {
		err = -errno;
		log_err("%s: %s %s: open: %s; refused, nothing changed", c->cmd,
			what, path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (trusted(c, what, path, &st, false)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int journal_open(struct journal *j, const struct tune_cfg *c, bool create)
{
	char lock[PATH_MAX], dir[PATH_MAX];
	off_t valid = 0;
	struct stat st;
	int err = 0, fd = -1;

	memset(j, 0, sizeof(*j));
	j->lock_fd = j->fd = j->dir_fd = -1;
	tune_path(c, TUNE_STATE_FILE, j->path);
	tune_path(c, TUNE_STATE_DIR, dir);
	tune_path(c, TUNE_LOCK_FILE, lock);
	err = open_dir(c, create, dir);
	if (err == -ENOENT && !create)
		return 0; /* never applied */
	if (err < 0)
		goto cleanup;
	j->dir_fd = err;
	err = open_file(c, j->dir_fd, "lock", "lock", lock, true);
	if (err < 0)
		goto cleanup;
	j->lock_fd = err;
	err = 0;
	if (flock(j->lock_fd, LOCK_EX | LOCK_NB)) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		log_err("%s: another rtbpf apply or revert holds %s; refused, "
			"nothing changed",
			c->cmd, lock);
		goto cleanup;
	}
	fd = open_file(c, j->dir_fd, "state", "state file", j->path, create);
	if (fd == -ENOENT && !create)
		return 0; /* nothing to revert: j->fd stays -1 */
	if (fd < 0) {
		err = fd;
		fd = -1;
		goto cleanup;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		goto cleanup;
	}
	if (st.st_size == 0) {
		if (!create)
			goto done;
		if (write(fd, HEADER, strlen(HEADER)) !=
			    (ssize_t)strlen(HEADER) ||
		    fsync(fd)) {
			err = errno ? -errno : -EIO;
			log_err("%s: state file %s: write: %s", c->cmd, j->path,
				strerror(-err));
			goto cleanup;
		}
		fsync(j->dir_fd);
		goto done;
	}
	err = load(j, fd, &valid);
	if (err)
		goto cleanup;
	/* A crash inside the append leaves a torn last record whose change
	 * was never made; a file cut short looks the same and has lost the
	 * records after it. Only the user can tell: refused unless --drop-torn. */
	if (valid != st.st_size && !c->drop_torn) {
		log_err("%s: state file %s ends inside a record: apply crashed "
			"while writing it (that change was never made) or the "
			"file was cut (the changes recorded after it are "
			"lost); nothing changed. 'rtbpf revert --drop-torn' drops "
			"that line and restores the rest",
			c->cmd, j->path);
		err = -EBADMSG;
		goto cleanup;
	}
	if (valid != st.st_size)
		log_warn("%s: state file %s: torn last record dropped "
			 "(--drop-torn)",
			 c->cmd, j->path);
done:
	if (lseek(fd, 0, SEEK_END) < 0) {
		err = -errno;
		goto cleanup;
	}
	j->fd = fd;
	return 0;
cleanup:
	if (fd >= 0)
		close(fd);
	journal_close(j);
	return err;
}

int journal_record(struct journal *j, const struct jrec *in)
{
	char *p = NULL, *o = NULL, *s = NULL, *w = NULL, *body = NULL;
	char *line = NULL, start[24] = "";
	const struct jrec *first = NULL;
	struct jrec r = { 0 };
	ssize_t len;
	off_t end;
	int err;

	for (size_t i = 0; i < j->n && !first; i++)
		if (same_target(&j->r[i], in))
			first = &j->r[i];
	/* The first original stays; only the value written moves. */
	if (first && !strcmp(first->new_, in->new_))
		return 0;
	if (!first)
		first = in;
	/* parse_line refuses longer values: never write what revert
	 * would refuse to read */
	if (strlen(first->old) >= TUNE_VAL_MAX ||
	    strlen(first->restore) >= TUNE_VAL_MAX ||
	    strlen(in->new_) >= TUNE_VAL_MAX)
		return -E2BIG;
	r = *first;
	r.old = strdup(first->old);
	r.restore = strdup(first->restore);
	r.new_ = strdup(in->new_);
	p = esc(first->path);
	o = esc(first->old);
	s = esc(first->restore);
	w = esc(in->new_);
	if (!r.old || !r.restore || !r.new_ || !p || !o || !s || !w) {
		err = -ENOMEM;
		goto cleanup;
	}
	if (r.has_start)
		snprintf(start, sizeof(start), " =%llu", r.start);
	len = asprintf(&body, "%c %s =%s =%s =%s =%s%s", r.kind, r.stage, p, o,
		       s, w, start);
	if (len < 0) {
		body = NULL;
		err = -ENOMEM;
		goto cleanup;
	}
	len = asprintf(&line, "%08x %s\n", fnv1a(body), body);
	if (len < 0) {
		line = NULL;
		err = -ENOMEM;
		goto cleanup;
	}
	end = lseek(j->fd, 0, SEEK_END);
	if (end < 0) {
		err = -errno;
		goto cleanup;
	}
	errno = 0;
	if (write(j->fd, line, (size_t)len) != len) {
		err = errno ? -errno : -EIO;
		/* a short write (ENOSPC, EIO): its change is never made, so
		 * no torn record may stay for revert to refuse */
		if (ftruncate(j->fd, end) == 0)
			fsync(j->fd);
		goto cleanup;
	}
	if (fsync(j->fd)) {
		err = -errno;
		goto cleanup;
	}
	err = remember(j, &r);
	if (err)
		goto cleanup;
	tune_fault_point("journal");
cleanup:
	jrec_fini(&r);
	free(p);
	free(o);
	free(s);
	free(w);
	free(body);
	free(line);
	return err;
}

int journal_remove(struct journal *j)
{
	if (j->fd < 0)
		return 0;
	/* The unmovable list first: a crash in between leaves the journal,
	 * and the next revert finishes the job. */
	if (unlinkat(j->dir_fd, "unmovable", 0) && errno != ENOENT)
		return -errno;
	if (unlinkat(j->dir_fd, "state", 0) && errno != ENOENT)
		return -errno;
	fsync(j->dir_fd);
	return 0;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd); /* drops the flock */
	if (j->dir_fd >= 0)
		close(j->dir_fd);
	for (size_t i = 0; i < j->n; i++)
		jrec_fini(&j->r[i]);
	free(j->r);
	j->r = NULL;
	j->fd = j->lock_fd = j->dir_fd = -1;
	j->n = j->cap = 0;
}
