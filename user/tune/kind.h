/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Knob kinds: what a knob is (a file in the target tree, a file rtbpf
 * creates, a thread's policy or affinity, a NIC's channel counts) and the
 * ops that read, write, compare and show it. The engine, apply and revert
 * call through these ops and test kind flags only; a stage picks the kind
 * of each item it plans, the journal names it (format 2: by name, format 1:
 * by letter).
 *
 * kinds.c: the table; kind.c: the file kinds; kind_thread.c: sched and
 * affinity, thread identity; kind_netdev.c: NIC channels.
 */
#ifndef RTBPF_TUNE_KIND_H
#define RTBPF_TUNE_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tune.h"

struct knob_kind;

/* The knob a kind's ops act on: an item's or a journal record's. */
struct knob {
	const struct knob_kind *kind;
	const char *path; /* target path; a sched knob's is a name, "tid:N" */
	pid_t tid; /* the thread of a KIND_THREAD knob */
};

/* How revert puts a knob's recorded value back. */
enum knob_restore {
	RESTORE_EXACT, /* a plain file: the exact bytes read at apply */
	RESTORE_READBACK, /* a kernel file: what it read back, normalised */
	RESTORE_AS_READ, /* a thread or NIC: the value read at apply */
};

/* Kind flags */
#define KIND_THREAD 0x1 /* a thread's: TID and start time identify it */
#define KIND_HOST_THREAD 0x2 /* always a host thread, also under --root */
#define KIND_FILE 0x4 /* a file of the target tree (temp files possible) */
#define KIND_MAY_VANISH 0x8 /* its thread may exit before apply: skipped */
#define KIND_REMOVE 0x10 /* created by rtbpf: revert removes it */
#define KIND_EINVAL_UNMOVABLE 0x20 /* EINVAL on write: the kernel keeps it */
#define KIND_NAME_PATH 0x40 /* path is a name, not a path ("tid:N") */

struct knob_kind {
	const char *name; /* in a journal of format 2 */
	char letter; /* in a journal of format 1 */
	unsigned int flags;
	/* The whole value into buf (len bytes, NUL-terminated): 0, -EFBIG
	 * when it does not fit, -ENOENT / -ESRCH when gone, or -errno. */
	int (*read)(const struct tune_cfg *c, const struct knob *k, char *buf,
		    size_t len);
	/* Sets val; exact: a plain file gets exactly these bytes. 0 or
	 * -errno. */
	int (*write)(const struct tune_cfg *c, const struct knob *k,
		     const char *val, bool exact);
	/* a and b, both as read back, are the same value. */
	bool (*equal)(const struct tune_cfg *c, const char *a, const char *b);
	/* Optional: actual is not want, but what the kernel gives instead (a
	 * refused SCHED_FIFO becomes SCHED_RR): a note saying so, or NULL. */
	const char *(*near)(const char *want, const char *actual);
	/* The shell command that does write(val, exact), in a new string;
	 * NULL + errno (ENOMEM). */
	char *(*shell)(const struct tune_cfg *c, const struct knob *k,
		       const char *val, bool exact);
	enum knob_restore (*restore)(const struct tune_cfg *c,
				     const struct knob *k);
	/* Optional: why this run must not touch such a knob, or NULL. */
	const char *(*refuse)(const struct tune_cfg *c);
	/* Optional, KIND_THREAD: the TID a target path names, or -1. */
	pid_t (*path_tid)(const char *path);
};

extern const struct knob_kind kind_file, kind_created, kind_sched,
	kind_affinity, kind_netdev;
/* Every kind, for the journal's names and letters. */
extern const struct knob_kind *const knob_kinds[];
extern const size_t knob_nkinds;

/* The kind of a journal name ("file") or letter ('F'), or NULL. */
const struct knob_kind *knob_kind_by_name(const char *name);
const struct knob_kind *knob_kind_by_letter(char letter);

/* pre, a, mid, b: a and b quoted for a shell, in a new string; NULL +
 * errno (ENOMEM). */
char *knob_shell_cmd(const char *pre, const char *a, const char *mid,
		     const char *b);
/* The equal op of kinds whose values the kernel formats (tune_values_equal). */
bool knob_equal_values(const struct tune_cfg *c, const char *a, const char *b);
/* The restore op of kinds whose value is put back as read at apply. */
enum knob_restore knob_restore_as_read(const struct tune_cfg *c,
				       const struct knob *k);

/* k's value, whole, in a new string *out the caller frees: 0, or -EFBIG
 * (TUNE_VAL_MAX bytes or more), -ENOMEM or -errno of the read, *out
 * NULL. */
int knob_read(const struct tune_cfg *c, const struct knob *k, char **out);

/* kind_netdev.c: NICs may be touched: on the host (no --root), or under
 * --root only inside a network namespace that is not the host's. */
bool net_allowed(const struct tune_cfg *c);
/* The channel counts of dev ("rx R tx T combined C" and the maxima) into
 * *ch (a struct ethtool_channels); 0 or -errno (-ENOENT: no such device,
 * -EOPNOTSUPP: no channels). */
struct ethtool_channels;
int netdev_channels(const char *dev, struct ethtool_channels *ch);

/* kind_thread.c, thread identity. A TID is reused once its thread exits,
 * so thread records carry the thread's start time (field 22 of its stat).
 * thread_start: the start time of k's thread now; 0, -ESRCH (gone) or
 * -errno. */
int thread_start(const struct tune_cfg *c, const struct knob *k,
		 unsigned long long *start);
/* Before revert touches a thread knob: 0 when its thread is still the one
 * apply changed (start time `start`, has_start false: none recorded);
 * -ESRCH (warned) when gone or another thread with that TID, or no start
 * time was recorded; -EPERM (error logged) for a KIND_HOST_THREAD knob
 * under --root naming a thread outside this session; -errno otherwise.
 * stage names the record in messages. */
int thread_reidentify(const struct tune_cfg *c, const struct knob *k,
		      const char *stage, bool has_start,
		      unsigned long long start);
/* A KIND_HOST_THREAD knob under --root naming a live thread of another
 * session: one revert must refuse before it changes anything. */
bool thread_foreign(const struct tune_cfg *c, const struct knob *k,
		    bool has_start, unsigned long long start);

#endif
