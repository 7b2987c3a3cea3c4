/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the host is: kernel release, CPU sets, BTF, privileges, mounts. */
#ifndef RTBPF_SYSINFO_H
#define RTBPF_SYSINFO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "parse.h"

#define SYSINFO_BTF_PATH "/sys/kernel/btf/vmlinux"

struct host_info {
	char kernel[128];
	struct cpuset possible;
	struct cpuset online;
	struct cpuset isolated; /* empty when none */
	struct cpuset nohz_full; /* empty when none or not built in */
	const char *btf_path;
	bool has_btf;
};

/* The kernel's BTF: SYSINFO_BTF_PATH, or $RTBPF_BTF_PATH (tests point it
 * at a missing file to check the no-BTF path). */
const char *sysinfo_btf_path(void);

/* Reads a kernel CPU-list file ("0-3,5\n"); an empty file is an empty set. */
int sysinfo_read_cpulist(const char *path, struct cpuset *out);
/* The same from an open file, which it closes. */
int sysinfo_fread_cpulist(FILE *f, struct cpuset *out);
/* kernel.pid_max (/proc/sys/kernel/pid_max), clamped to 4194304 (the
 * kernel's own limit); 32768 (its default) when unreadable. */
unsigned int sysinfo_pid_max(void);
/* The inode of this process's PID namespace (/proc/self/ns/pid), 0 when
 * it is the initial one (the kernel's PROC_PID_INIT_INO) or unknown (no
 * /proc: pids are taken as global). BPF programs that compare a task
 * with a tid from userspace take it as cfg_pidns_ino (bpf/pidns.bpf.h). */
uint32_t sysinfo_pidns_ino(void);
/* Fills hi from /sys and uname(); 0 or -errno (possible/online unreadable). */
int sysinfo_load(struct host_info *hi);
/* True when this process may load tracing BPF (root, or CAP_BPF+CAP_PERFMON,
 * or CAP_SYS_ADMIN). Reads capabilities with capget(2). */
bool sysinfo_has_bpf_caps(void);
/* What every BPF-loading command checks first: the capabilities (caps
 * names them in the message, e.g. "CAP_BPF+CAP_PERFMON") and the kernel's
 * BTF. 0, -EPERM or -ENOTSUP, each logged naming cmd. */
int sysinfo_bpf_ready(const struct host_info *hi, const char *cmd,
		      const char *caps);
/* Mount tracefs at /sys/kernel/tracing or bpffs at /sys/fs/bpf when absent.
 * 0 when mounted (now or before), -errno otherwise. Needs CAP_SYS_ADMIN. */
int sysinfo_mount_tracefs(void);
int sysinfo_mount_bpffs(void);

#endif
