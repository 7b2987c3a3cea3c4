/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* CO-RE shims for fields that moved between kernel versions. */
#ifndef RTBPF_CORE_FIXES_BPF_H
#define RTBPF_CORE_FIXES_BPF_H

#include <bpf/bpf_core_read.h>

/*
 * task_struct::state became __state in v5.14
 * (commit 2f064a59a11f "sched: Change task_struct::state").
 */
struct task_struct___o {
	volatile long int state;
} __attribute__((preserve_access_index));

struct task_struct___x {
	unsigned int __state;
} __attribute__((preserve_access_index));

/* task must be a BTF pointer (tp_btf argument): read with a direct load. */
static __always_inline __u32 get_task_state(void *task)
{
	struct task_struct___x *t = task;

	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return (__u32)((struct task_struct___o *)task)->state;
}

/*
 * The CPU a task is queued on moved from task_struct::cpu into
 * thread_info::cpu in v5.16 (commit bcf9033e5449 "sched: move CPU field
 * back into thread_info if THREAD_INFO_IN_TASK=y").
 */
struct task_struct___cpu_o {
	unsigned int cpu;
} __attribute__((preserve_access_index));

static __always_inline __u32 get_task_cpu(struct task_struct *task)
{
	struct task_struct___cpu_o *t = (void *)task;

	/* plain loads through the program's BTF pointer: no helper call */
	if (bpf_core_field_exists(t->cpu))
		return t->cpu;
	return task->thread_info.cpu;
}

#endif
