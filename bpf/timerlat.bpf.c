// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * IRQ latency of rtbpf timerlat's probe threads: from the expiry of a
 * probe's hrtimer (the absolute time its clock_nanosleep asked for) to the
 * hrtimer's handler, in ns.
 *
 * Hook: tp_btf/hrtimer_expire_entry, for every hrtimer that expires. A
 * sleeper's timer (function hrtimer_wakeup) is one of a probe when the
 * task in its struct hrtimer_sleeper is the probe registered for the
 * task's CPU; its expiry and the handler's time go to that CPU's sample
 * (mmapped by the probe) and to timer_wakes (read by sched.bpf.c).
 * Cost per event: one compare for a timer that is not a sleeper's; for a
 * sleeper's, three probe reads and an array lookup; one clock read for a
 * probe's. In a PID namespace (cfg_pidns_ino) a sleeper's on a probe's
 * CPU adds the walk of its struct pid (pidns.bpf.h).
 * Minimum kernel: 5.5 (tp_btf), typeless ksyms.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "timer_wakes.bpf.h"
#include "pidns.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

extern const void hrtimer_wakeup __ksym;

/* The probe thread's tid (in rtbpf's PID namespace), by CPU (0: none). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RTBPF_MAX_CPUS);
	__type(key, __u32);
	__type(value, __u32);
} probe_tids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, RTBPF_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct timerlat_sample);
} samples SEC(".maps");

SEC("tp_btf/hrtimer_expire_entry")
int BPF_PROG(hrtimer_expire_entry, struct hrtimer *t, ktime_t *now)
{
	struct hrtimer_sleeper *sl;
	struct timerlat_sample *s;
	struct task_struct *task;
	struct timer_wake *tw;
	__u32 cpu, pid, *tid;
	__u64 at;

	if ((void *)t->function != &hrtimer_wakeup)
		return 0;
	sl = container_of(t, struct hrtimer_sleeper, timer);
	task = BPF_CORE_READ(sl, task);
	if (!task)
		return 0;
	cpu = BPF_CORE_READ(task, thread_info.cpu);
	tid = bpf_map_lookup_elem(&probe_tids, &cpu);
	if (!tid || !*tid)
		return 0;
	/* userspace's tid is of its PID namespace (pidns.bpf.h) */
	pid = cfg_pidns_ino ? task_ns_pid(task) : BPF_CORE_READ(task, pid);
	if (pid != *tid)
		return 0;
	at = bpf_ktime_get_ns();
	s = bpf_map_lookup_elem(&samples, &cpu);
	if (s) {
		s->irq_at = at;
		s->irq_cpu = bpf_get_smp_processor_id();
		s->seq++;
		s->expiry = t->_softexpires;
	}
	tw = bpf_map_lookup_elem(&timer_wakes, &cpu);
	if (tw) {
		tw->task = (__u64)task;
		tw->expiry = t->_softexpires;
		tw->irq_at = at;
	}
	return 0;
}
