// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Benchmark reference (tests/tools/sched_floor): the cheapest thing a
 * wakeup-latency tool can attach. The same tracepoints as bpf/sched.bpf.c
 * (sched_waking, sched_wakeup, sched_wakeup_new, sched_switch,
 * sched_wake_idle_without_ipi), each reading the clock once and storing it
 * in a per-CPU slot, and nothing else: no task lookup, no filter, no
 * histogram. What rtbpf and runqlat cost above this is what their
 * bookkeeping costs. sched_floor --no-waking leaves
 * sched_waking and sched_wake_idle_without_ipi out: runqlat's hooks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last_ns SEC(".maps");

static __always_inline int stamp(void)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&last_ns, &zero);

	if (v)
		*v = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(floor_waking, struct task_struct *p)
{
	return stamp();
}

SEC("tp_btf/sched_wake_idle_without_ipi")
int BPF_PROG(floor_wake_idle, int cpu)
{
	return stamp();
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(floor_wakeup, struct task_struct *p)
{
	return stamp();
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(floor_wakeup_new, struct task_struct *p)
{
	return stamp();
}

SEC("tp_btf/sched_switch")
int BPF_PROG(floor_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return stamp();
}
