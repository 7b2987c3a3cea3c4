// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Scheduling latency of watched threads on watched CPUs.
 *
 * Measures, in ns, the time from the moment a thread becomes runnable
 * (sched_wakeup, sched_wakeup_new, or an involuntary switch-out: the preempt
 * argument or a prev still in TASK_RUNNING) to the sched_switch that puts it
 * on a CPU. The sample belongs to the CPU the thread runs on. While a
 * watched thread waits on a CPU, whatever else runs there is charged to that
 * task as a preemptor.
 *
 * Hooks: tp_btf/sched_wakeup, tp_btf/sched_wakeup_new, tp_btf/sched_switch.
 * Cost per event: one task-local-storage lookup, a per-CPU array update and,
 * while a watched thread waits, one hash update. No shared-cacheline writes
 * except the per-runqueue waiting counter, touched only for watched threads.
 * Minimum kernel: 5.12 (tp_btf, task storage from tracing programs, atomic
 * fetch-add).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "sched.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define TASK_RUNNING 0

const volatile bool cfg_filter_tgid = false;
const volatile bool cfg_filter_tid = false;
const volatile bool cfg_filter_comm = false;
const volatile __u32 cfg_tgid = 0;
const volatile __u32 cfg_tid = 0;
const volatile char cfg_comm[RTBPF_COMM_LEN] = {};
const volatile __u64 cfg_cpu_mask[RTBPF_MAX_CPUS / 64] = {};

/* Flipped by userspace at each interval: programs write the interval's
 * extremes and preemptors into slot epoch & 1. */
volatile __u32 epoch;

struct wait_rec {
	__u64 ts; /* 0: not waiting */
	__u32 cpu; /* runqueue it waits on */
	__u32 preempted;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct wait_rec);
} wait_recs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sched_cpu_stats);
} cpu_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct sched_minmax);
} cpu_minmax SEC(".maps");

/* One cache line per CPU: wakeups on other CPUs touch waiting/wait_since. */
struct rq_state {
	__u64 run_start; /* when the current task got this CPU */
	__s64 waiting; /* watched threads runnable here, not running */
	__u64 wait_since; /* when waiting last went from 0 to 1 */
	__u64 wakeups; /* of watched threads onto this CPU, cumulative */
	__u64 pad[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RTBPF_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct rq_state);
} rq_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct sched_preempt_key);
	__type(value, struct sched_preempt_val);
} preemptors SEC(".maps");

static __always_inline bool cpu_watched(__u32 cpu)
{
	if (cpu >= RTBPF_MAX_CPUS)
		return false;
	return cfg_cpu_mask[cpu / 64] & (1ULL << (cpu % 64));
}

static __always_inline bool task_watched(struct task_struct *p)
{
	if (cfg_filter_tgid && p->tgid != cfg_tgid)
		return false;
	if (cfg_filter_tid && p->pid != cfg_tid)
		return false;
	if (cfg_filter_comm) {
		char comm[RTBPF_COMM_LEN];

		bpf_probe_read_kernel_str(comm, sizeof(comm), p->comm);
		for (int i = 0; i < RTBPF_COMM_LEN; i++) {
			if (comm[i] != cfg_comm[i])
				return false;
			if (!comm[i])
				break;
		}
	}
	return true;
}

static __always_inline void rq_enter(__u32 cpu, __u64 ts, __u32 preempted)
{
	struct rq_state *rq = bpf_map_lookup_elem(&rq_states, &cpu);

	if (!rq)
		return;
	if (!preempted)
		__sync_fetch_and_add(&rq->wakeups, 1);
	if (__sync_fetch_and_add(&rq->waiting, 1) <= 0)
		rq->wait_since = ts;
}

static __always_inline void rq_leave(__u32 cpu)
{
	struct rq_state *rq = bpf_map_lookup_elem(&rq_states, &cpu);

	if (rq && __sync_fetch_and_add(&rq->waiting, -1) <= 0)
		rq->waiting = 0; /* started while this thread already waited */
}

static __always_inline void rq_wakeup(__u32 cpu)
{
	struct rq_state *rq = bpf_map_lookup_elem(&rq_states, &cpu);

	if (rq)
		__sync_fetch_and_add(&rq->wakeups, 1);
}

/* Start timing p as runnable on cpu; an older start is kept. */
static __always_inline void wait_begin(struct task_struct *p, __u32 cpu,
				       __u64 ts, __u32 preempted)
{
	struct wait_rec *w;

	w = bpf_task_storage_get(&wait_recs, p, 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!w)
		return;
	if (w->ts) {
		/* already waiting since a preemption: keep the older start */
		if (!preempted)
			rq_wakeup(cpu);
		return;
	}
	w->ts = ts;
	w->cpu = cpu;
	w->preempted = preempted;
	rq_enter(cpu, ts, preempted);
}

static __always_inline int on_wakeup(struct task_struct *p)
{
	__u32 cpu;

	/*
	 * Not filtered on p->on_cpu: a thread can be woken after its
	 * switch-out tracepoint but before it is fully off the CPU, and that
	 * wakeup starts a real wait. A wakeup of a thread that is running
	 * is cancelled at its next switch-out instead.
	 */
	if (!task_watched(p))
		return 0;
	cpu = get_task_cpu(p);
	if (!cpu_watched(cpu))
		return 0;
	wait_begin(p, cpu, bpf_ktime_get_ns(), 0);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	return on_wakeup(p);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup(p);
}

static __always_inline void charge_preemptor(struct rq_state *rq,
					     struct task_struct *prev,
					     __u32 cpu, __u32 slot, __u64 now)
{
	struct sched_preempt_key key = {};
	struct sched_preempt_val *v, init = {};
	__u64 start = rq->run_start;

	if (rq->wait_since > start)
		start = rq->wait_since;
	if (!start || now <= start)
		return;
	key.cpu = cpu;
	key.pid = prev->pid;
	key.slot = slot;
	v = bpf_map_lookup_elem(&preemptors, &key);
	if (!v) {
		bpf_probe_read_kernel_str(init.comm, sizeof(init.comm),
					  prev->comm);
		bpf_map_update_elem(&preemptors, &key, &init, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&preemptors, &key);
		if (!v)
			return;
	}
	__sync_fetch_and_add(&v->ns, now - start);
	__sync_fetch_and_add(&v->count, 1);
}

static __always_inline void record(struct sched_cpu_stats *st,
				   struct sched_minmax *mm, __u64 delta,
				   __u32 preempted)
{
	__u32 b = hist_bucket(delta);

	if (!mm->min_ns || delta < mm->min_ns)
		mm->min_ns = delta ? delta : 1;
	if (delta > mm->max_ns)
		mm->max_ns = delta;
	if (b < HIST_BUCKETS)
		st->hist[b]++;
	if (!st->count || delta < st->min_ns)
		st->min_ns = delta;
	if (delta > st->max_ns)
		st->max_ns = delta;
	st->count++;
	st->sum_ns += delta;
	if (preempted)
		st->preempted++;
	else
		st->woken_samples++;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 slot = epoch & 1;
	struct sched_cpu_stats *st;
	struct sched_minmax *mm;
	struct rq_state *rq;
	__u32 zero = 0;
	struct wait_rec *w;
	__u64 now;

	if (!cpu_watched(cpu))
		return 0;
	st = bpf_map_lookup_elem(&cpu_stats, &zero);
	mm = bpf_map_lookup_elem(&cpu_minmax, &slot);
	rq = bpf_map_lookup_elem(&rq_states, &cpu);
	if (!st || !mm || !rq)
		return 0;
	now = bpf_ktime_get_ns();

	if (prev->pid && task_watched(prev)) {
		/* prev was running: a wait begun by a wakeup while it ran
		 * (it set a sleep state, then was woken) is void */
		w = bpf_task_storage_get(&wait_recs, prev, 0, 0);
		if (w && w->ts) {
			rq_leave(w->cpu);
			w->ts = 0;
			st->woken_running++;
		}
		if (preempt || get_task_state(prev) == TASK_RUNNING) {
			st->invol_switches++;
			wait_begin(prev, cpu, now, 1);
		} else {
			st->vol_switches++;
		}
	}
	if (prev->pid && rq->waiting > 0)
		charge_preemptor(rq, prev, cpu, slot, now);
	rq->run_start = now;

	if (!next->pid)
		return 0;
	w = bpf_task_storage_get(&wait_recs, next, 0, 0);
	if (!w || !w->ts)
		return 0;
	rq_leave(w->cpu);
	if (now > w->ts)
		record(st, mm, now - w->ts, w->preempted);
	w->ts = 0;
	return 0;
}
