// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The journal's text into records (journal_parse): the header's format,
 * bytes a journal never holds, one record per target (a second apply's
 * record of a target keeps the first original), in linear time. The
 * state file itself, its trust and its lock: journal.c.
 */
#include "journal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal_int.h"
#include "log.h"

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

bool jrec_same_target(const struct jrec *a, const struct jrec *b)
{
	/* A thread record is one thread: same TID, same start time. */
	return a->kind == b->kind && !strcmp(a->path, b->path) &&
	       a->tid == b->tid && a->has_start == b->has_start &&
	       a->start == b->start;
}

/* j's records by target, for a parse in linear time (a search of every
 * record before it took 100M comparisons for the 15,000 records of a
 * 1024-CPU host). slot[] holds record indexes, SIZE_MAX when free. */
struct target_index {
	size_t *slot;
	size_t mask;
};

static size_t target_hash(const struct jrec *r)
{
	uint64_t h = 14695981039346656037ull ^ (uintptr_t)r->kind;

	for (const char *p = r->path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	h = (h ^ (uint64_t)r->tid) * 1099511628211ull;
	return (size_t)((h ^ r->start) * 1099511628211ull);
}

/* The record of r's target, or NULL; with an index, *slot is where r
 * goes when there is none. */
static struct jrec *find_target(struct journal *j, const struct jrec *r,
				const struct target_index *idx, size_t *slot)
{
	if (!idx || !idx->slot) {
		for (size_t i = 0; i < j->n; i++)
			if (jrec_same_target(&j->r[i], r))
				return &j->r[i];
		return NULL;
	}
	for (*slot = target_hash(r) & idx->mask; idx->slot[*slot] != SIZE_MAX;
	     *slot = (*slot + 1) & idx->mask)
		if (jrec_same_target(&j->r[idx->slot[*slot]], r))
			return &j->r[idx->slot[*slot]];
	return NULL;
}

/* Takes r's strings: into j, or freed. idx: NULL, or kept up to date. 0
 * or -ENOMEM. */
static int remember(struct journal *j, struct jrec *r,
		    const struct target_index *idx)
{
	size_t slot = 0;
	struct jrec *old = find_target(j, r, idx, &slot);
	int err = 0;

	if (old) {
		free(old->new_);
		old->new_ = r->new_;
		r->new_ = NULL;
	} else {
		err = push(j, r);
		if (!err && idx && idx->slot)
			idx->slot[slot] = j->n - 1;
	}
	jrec_fini(r);
	return err;
}

int journal_remember(struct journal *j, struct jrec *r)
{
	return remember(j, r, NULL);
}

/* An index for the records of buf (one a line); slot NULL when there is
 * no memory for it (the parse then searches). */
static struct target_index index_for(const char *buf, size_t len)
{
	struct target_index idx = { 0 };
	size_t lines = 0, cap = 64;

	for (const char *p = buf;
	     (p = memchr(p, '\n', len - (size_t)(p - buf))); p++)
		lines++;
	while (cap < 2 * lines)
		cap *= 2;
	idx.slot = malloc(cap * sizeof(*idx.slot));
	if (idx.slot)
		memset(idx.slot, 0xff, cap * sizeof(*idx.slot));
	idx.mask = cap - 1;
	return idx;
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

/* The format of the journal in buf (1 or JOURNAL_VERSION), or 0. */
static int header_version(const char *buf, size_t len)
{
	char want[HEADER_LEN + 1];

	for (int v = 1; v <= JOURNAL_VERSION; v++) {
		snprintf(want, sizeof(want), HEADER_FMT, v);
		if (len >= HEADER_LEN && !strncmp(buf, want, HEADER_LEN))
			return v;
	}
	return 0;
}

/* The record lines of buf from line on into j (journal_parse). */
static int parse_records(struct journal *j, char *buf, size_t len, char *line,
			 size_t *valid_len)
{
	struct target_index idx = index_for(buf, len);
	char why[320];
	int lineno = 1, err = 0;

	while (line < buf + len) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		struct jrec r = { 0 };

		lineno++;
		if (!nl)
			break; /* torn: journal_open() decides */
		*nl = '\0';
		err = jrec_parse(line, j->version, &r, why, sizeof(why));
		if (err) {
			jrec_fini(&r);
			if (err == -ENOMEM)
				goto cleanup;
			log_err("state file %s: line %d is corrupt (offset "
				"%zu): %s; nothing changed (fix or move the file "
				"by hand)",
				j->path, lineno, (size_t)(line - buf), why);
			err = -EBADMSG;
			goto cleanup;
		}
		err = remember(j, &r, &idx);
		if (err)
			goto cleanup;
		line = nl + 1;
		*valid_len = (size_t)(line - buf);
	}
cleanup:
	free(idx.slot);
	return err;
}

int journal_parse(struct journal *j, char *buf, size_t len, size_t *valid_len)
{
	size_t bad = first_bad_byte(buf, len);
	int lineno = 1;
	char *line;

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
	j->version = header_version(buf, len);
	if (!j->version) {
		log_err("state file %s is not an rtbpf state file (expected "
			"first line 'rtbpf-state %d', or 1); nothing changed",
			j->path, JOURNAL_VERSION);
		return -EBADMSG;
	}
	line = buf + HEADER_LEN;
	*valid_len = (size_t)(line - buf);
	return parse_records(j, buf, len, line, valid_len);
}
