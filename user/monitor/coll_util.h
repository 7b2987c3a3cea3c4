/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers every collector's glue uses: load and attach a skeleton, turn a
 * BPF per-CPU task table into list entries. */
#ifndef RTBPF_MONITOR_COLL_UTIL_H
#define RTBPF_MONITOR_COLL_UTIL_H

#include <stdbool.h>
#include <stdint.h>

struct bpf_object_skeleton;
struct btf;
struct task_tab;
struct tasklist;

/* Loads a collector's skeleton, then attaches its programs (each logged
 * with -v); log the failure, prefixed by what ("monitor: sched",
 * "osnoise"). 0 or -errno. Need CAP_BPF+CAP_PERFMON. */
int coll_load(struct bpf_object_skeleton *s, const char *what);
int coll_attach(struct bpf_object_skeleton *s, const char *what);
/* Adds the entries of a BPF task table of CPU cpu to l. 0 or -ENOMEM. */
int coll_tab_to_list(const struct task_tab *t, uint32_t cpu,
		     struct tasklist *l);
/* The kernel (its BTF btf) has tracepoint tp; RTBPF_HIDE_TP=a,b makes
 * tracepoints look missing in test builds. */
bool coll_tp_exists(const struct btf *btf, const char *tp);

#endif
