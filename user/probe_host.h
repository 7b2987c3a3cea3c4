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

/*
 * Before the probes start: memory locked (a warning when it cannot be),
 * the calling process off the probes' CPUs c when there are others online
 * (a warning when it cannot move), SIGINT, SIGTERM and PROBE_WAKE_SIG
 * caught (probe_thread_signals). 0 or -errno (said).
 */
int probe_host_prepare(const char *cmd, const struct host_info *h,
		       const struct cpuset *c);

#endif
