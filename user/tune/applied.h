/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ROOT/var/lib/rtbpf/applied (applied.c): what the last apply ran with,
 * beside its journal, for `rtbpf status` and a plain `check` after apply
 * (its profile and CPUs). Mode 0644 (an unprivileged check reads it, as
 * the unmovable list); written whole (temp file, rename) by apply before
 * its first change, removed with the journal by a complete revert. Lines:
 *
 *   rtbpf-applied 1
 *   profile ultra              (a built-in, a name, or an absolute path)
 *   time 1764950000            (seconds since the epoch)
 *   cpus 2-3
 *   housekeeping 0-1
 *   stages sysctl,memory,...
 */
#ifndef RTBPF_TUNE_APPLIED_H
#define RTBPF_TUNE_APPLIED_H

#include <limits.h>
#include <time.h>

#include "tune.h"

#define TUNE_APPLIED_FILE TUNE_STATE_DIR "/applied"

struct tune_applied {
	char profile[PATH_MAX];
	time_t time;
	struct cpuset cpus, housekeeping;
	unsigned int stages; /* bit per stage index */
};

/* Writes c's run into the state directory dir_fd (the journal's); 0 or
 * -errno. profile: what apply was given, made absolute when a path. */
int applied_write(const struct tune_cfg *c, int dir_fd, const char *profile);
/* Reads it: 0, -ENOENT (never applied, or reverted), -EBADMSG (not such a
 * file) or -errno. */
int applied_read(const struct tune_cfg *c, struct tune_applied *a);
/* "2026-12-05 16:20 UTC" of t into buf. */
void applied_when(time_t t, char *buf, size_t len);

#endif
