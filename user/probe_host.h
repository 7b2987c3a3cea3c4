/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What rtbpf's probe commands (timerlat, osnoise) share before their probe
 * threads start: the probes' CPUs, the host check, the observer's place
 * and locked memory. cmd names the command in every message.
 */
#ifndef RTBPF_PROBE_HOST_H
#define RTBPF_PROBE_HOST_H

#include <stdbool.h>

#include "parse.h"
#include "sysinfo.h"

/*
 * Loads h, then the probes' CPUs into *c: the given ones (given) when all
 * are online, else the isolated CPUs, else all online. Returns -1 when
 * the host can run probes (root, BTF), else the exit code (said).
 */
int probe_host_check(const char *cmd, struct host_info *h, struct cpuset *c,
		     bool given);

/* The calling process moves off the CPUs in c when there are others
 * online (a warning when it cannot). */
void probe_host_move_off(const char *cmd, const struct host_info *h,
			 const struct cpuset *c);

/* mlockall(MCL_CURRENT|MCL_FUTURE), with a warning when it fails. */
void probe_host_mlock(const char *cmd);

#endif
