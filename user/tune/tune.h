/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rtbpf apply / check / revert: host tuning as a list of stages. Each stage
 * (stages/, stage.h) turns the profile and the CPU split into "items"
 * (items.h): one knob with the value the profile wants. A knob is of a kind
 * (kind.h: a file, a thread's policy or affinity, a NIC's channels) whose
 * ops read, write, compare and show it. The engine (engine.h) checks items
 * (read only), prints them (--dry-run), or applies them: the exact previous
 * content is appended and fsynced to the journal (journal.h) before each
 * write, and revert replays the journal in reverse.
 *
 * This header holds what every part shares: the configuration of one run
 * and the state file locations. Every path is a target path
 * ("/proc/sys/vm/swappiness"); tune_path() (fs.h) prefixes --root so tests
 * run against a fake tree.
 */
#ifndef RTBPF_TUNE_H
#define RTBPF_TUNE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "parse.h"
#include "profile.h"

#define TUNE_MAX_PIDS 64
#define TUNE_STATE_DIR "/var/lib/rtbpf"
#define TUNE_STATE_FILE TUNE_STATE_DIR "/state"
#define TUNE_LOCK_FILE TUNE_STATE_DIR "/lock"
/* Target paths whose write the kernel refused with EIO at apply (unmovable
 * IRQs), one a line; world-readable so an unprivileged check shows them as
 * WARN (unmovable). Removed by a complete revert. */
#define TUNE_UNMOVABLE_FILE TUNE_STATE_DIR "/unmovable"
#define TUNE_PROFILE_DIR "/etc/rtbpf/profiles.d"

struct tune_cfg {
	const char *cmd; /* "apply", "check", "revert": prefixes messages */
	const char *cpus_opt; /* the latency CPUs' option in messages
			       * (NULL: "--cpus") */
	char root[PATH_MAX]; /* "" for the real host */
	struct profile prof;
	bool have_prof;
	char profile_src[PATH_MAX]; /* as given: "ultra", a name, a path */
	struct cpuset cpus; /* latency CPUs */
	struct cpuset housekeeping;
	struct cpuset online, possible;
	pid_t pids[TUNE_MAX_PIDS];
	int npids;
	unsigned int stages; /* bit per stage index */
	bool dry_run, json, strict, force, drop_torn;
};

#endif
