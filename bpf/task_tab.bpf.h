/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Per-CPU task tables (struct task_tab): add time and a count to a pid. */
#ifndef RTBPF_TASK_TAB_BPF_H
#define RTBPF_TASK_TAB_BPF_H

#include "sched_abi.h"
#include "pidns.bpf.h"

/*
 * Adds ns and one count to pid's entry in t, creating it (comm read from
 * task, and its pid in rtbpf's namespace: a walk only in another than the
 * initial one) if a probe finds a free slot; else adds ns to *other.
 * *hint keeps the slot used last, since the same task usually comes
 * again.
 */
static __always_inline void task_tab_add(struct task_tab *t, __u32 *hint,
					 __u64 *other, __u32 pid, void *task,
					 __u64 ns)
{
	__u32 h = (pid * 2654435761U) % TASK_TAB_SLOTS;
	struct task_acc *e;

	e = &t->e[*hint % TASK_TAB_SLOTS];
	if (e->pid == pid) {
		e->ns += ns;
		e->count++;
		return;
	}
	for (int i = 0; i < TASK_TAB_PROBES; i++) {
		__u32 k = (h + i) % TASK_TAB_SLOTS;

		e = &t->e[k];
		if (e->pid == pid) {
			e->ns += ns;
			e->count++;
			*hint = k;
			return;
		}
		if (!e->pid) {
			*hint = k;
			e->pid = pid;
			e->ns = ns;
			e->count = 1;
			e->vpid = cfg_pidns_ino ? task_ns_pid(task) : pid;
			bpf_probe_read_kernel_str(
				e->comm, sizeof(e->comm),
				((struct task_struct *)task)->comm);
			return;
		}
	}
	*other += ns;
}

#endif
