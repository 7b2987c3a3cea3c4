/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The journal (journal.c): ROOT/var/lib/rtbpf/state, one record per change
 * apply made, written and fsynced before the change; revert replays it
 * backwards. The format and the trust rules are described in journal.c,
 * what a record may name in jpath.c.
 */
#ifndef RTBPF_TUNE_JOURNAL_H
#define RTBPF_TUNE_JOURNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kind.h"
#include "tune.h"

/* The format apply starts new journals in; revert also reads format 1. */
#define JOURNAL_VERSION 2

struct jrec {
	const struct knob_kind *kind;
	char stage[32];
	char path[160];
	/* Heap strings, each shorter than TUNE_VAL_MAX; a journal's records
	 * own theirs (journal_close frees them). */
	char *old; /* exact previous content */
	char *restore; /* what to write to a kernel file */
	char *new_; /* what rtbpf wrote */
	/* KIND_THREAD: the thread, and its start time (stat field 22) at
	 * apply (a format-1 journal may lack it) */
	pid_t tid;
	unsigned long long start;
	bool has_start;
};

/* The knob a record names. */
static inline struct knob jrec_knob(const struct jrec *r)
{
	return (struct knob){ .kind = r->kind, .path = r->path, .tid = r->tid };
}

struct journal {
	int dir_fd; /* ROOT/var/lib/rtbpf */
	int lock_fd;
	int fd; /* state file, append */
	int version; /* of the state file: records are appended in it */
	struct jrec *r;
	size_t n, cap;
	char path[PATH_MAX];
};

/* Takes the lock (refused with -EBUSY when held), loads an existing state
 * file (-EBADMSG when corrupt or foreign, -EPERM when the state directory,
 * state or lock file is not a regular file (directory) owned by the
 * effective user and closed to group and others; nothing changed). Without
 * create, a missing state file leaves j->fd at -1. */
int journal_open(struct journal *j, const struct tune_cfg *c, bool create);
/* Reads the state file without the lock, for display only (check, status):
 * 0, -ENOENT (never applied), -EACCES (not root), -EBADMSG (corrupt,
 * logged) or -errno; j->fd stays -1, journal_close() frees the records. */
int journal_peek(struct journal *j, const struct tune_cfg *c);
/* Parses a state file's bytes (buf[len] must be '\0'; lines are cut in
 * place) into j->r; j->path names it in messages. *valid_len: the bytes
 * before a torn last record. 0, -EBADMSG (message logged) or -ENOMEM. */
int journal_parse(struct journal *j, char *buf, size_t len, size_t *valid_len);
/* jpath.c: 0 when r's stage makes records of r's kind for r's path (and
 * the path is canonical); else -EBADMSG and the reason in why. */
int jpath_check(const struct jrec *r, char *why, size_t len);
/* Record before a change: appended, fsynced. Keeps the first original.
 * r's strings stay the caller's (copied). */
int journal_record(struct journal *j, const struct jrec *r);
/* journal_fmt.c: one record line (without its newline, cut in place) of
 * a journal of that format into r, checked (jpath_check); r's strings
 * are the caller's to free (jrec_fini), also on error; why says what is
 * wrong. 0, -EBADMSG or -ENOMEM. */
int jrec_parse(char *line, int version, struct jrec *r, char *why, size_t wlen);
/* The line of r with new_ as what rtbpf wrote, in that format, newline
 * included, in a new string *line: its length, or -ENOMEM / -EINVAL (a
 * thread record without its start time: format 2 always has it). */
ssize_t jrec_format(int version, const struct jrec *r, const char *new_,
		    char **line);
/* The checksum of a record line's body (after "<checksum> "): FNV-1a. */
uint32_t jrec_checksum(const char *body);
/* Frees r's strings. */
void jrec_fini(struct jrec *r);
/* Removes the state file after a complete revert. */
int journal_remove(struct journal *j);
void journal_close(struct journal *j);

#endif
