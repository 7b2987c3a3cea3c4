// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Scheduling latency of watched threads on watched CPUs.
 *
 * Measures, in ns, the time from the moment a thread becomes runnable
 * (sched_wakeup, sched_wakeup_new, or an involuntary switch-out: the preempt
 * argument or a prev still in TASK_RUNNING) to the sched_switch that puts it
 * on a CPU. The sample belongs to the CPU the thread runs on. Every task
 * that ran on that CPU during the wait is charged the overlap, as a
 * preemptor.
 *
 * Hooks: tp_btf/sched_wakeup, tp_btf/sched_wakeup_new, tp_btf/sched_switch.
 * Cost per event: one clock read; one lookup of the pending-wait table
 * per wakeup, per switch one for next and one for prev only when it was
 * preempted (array lookups the verifier inlines: no helper call), plus
 * writes to this CPU's own per-CPU maps. No shared hash; on the common
 * paths no atomics and no cacheline written by two CPUs but a thread's
 * own table entry (the rare outcomes of a wakeup, wake_odd, are atomic
 * adds to one shared array). On a CPU not watched, a switch costs one
 * table lookup (drop_wait).
 * Minimum kernel: 5.11 (tp_btf, task storage from tracing programs).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "noise.h"
#include "task_tab.bpf.h"
#include "cpus.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define TASK_RUNNING 0
#define RUN_RING SCHED_RUN_RING /* recent runs per CPU */
#define PF_KTHREAD 0x00200000

const volatile bool cfg_filter_tgid = false;
const volatile bool cfg_filter_tid = false;
const volatile bool cfg_filter_comm = false;
const volatile __u32 cfg_tgid = 0;
const volatile __u32 cfg_tid = 0;
const volatile char cfg_comm[RTBPF_COMM_LEN] = {};
/* Stolen time: run time of tasks not watched (of kernel threads when no
 * task filter is set). */
const volatile bool cfg_stolen = false;
/* Spike reports: waits of at least cfg_spike_ns (0: off), at most
 * cfg_spike_max per CPU and second. */
const volatile __u64 cfg_spike_ns = 0;
const volatile __u32 cfg_spike_max = 20;
/* noise.bpf.c is loaded and fills noise_rings */
const volatile bool cfg_noise = false;

/* Flipped by userspace at each interval: programs write the interval's
 * extremes and preemptors into slot epoch & 1. */
volatile __u32 epoch;

/*
 * A thread's pending wait, one __u64 (0: none): when it began (bits 0-52:
 * CLOCK_MONOTONIC ns modulo 2^53, about 104 days; ages are taken modulo
 * the same, so the wrap is harmless), the CPU it began on (bits 53-62)
 * and whether a preemption began it (bit 63).
 *
 * Every switch-in clears it, on every CPU (on a CPU not watched the wait
 * is dropped as stale: the thread ran where nothing is timed), so a
 * pending wait always started after the thread's last run.
 */
#define WAIT_TS_BITS 53
#define WAIT_TS_MASK ((1ULL << WAIT_TS_BITS) - 1)
#define WAIT_CPU_MASK 0x3ffULL
#define WAIT_PREEMPTED (1ULL << 63)
_Static_assert(RTBPF_MAX_CPUS <= WAIT_CPU_MASK + 1, "CPU field too narrow");

static __always_inline __u64 wait_make(__u64 now, __u32 cpu, bool preempted)
{
	__u64 v = (now & WAIT_TS_MASK) |
		  ((cpu & WAIT_CPU_MASK) << WAIT_TS_BITS);

	if (preempted)
		v |= WAIT_PREEMPTED;
	return v ? v : 1;
}

static __always_inline __u32 wait_cpu(__u64 v)
{
	return (v >> WAIT_TS_BITS) & WAIT_CPU_MASK;
}

/* ns since the wait began; at least 2^52 means a start in the future */
static __always_inline __u64 wait_age(__u64 v, __u64 now)
{
	return (now - (v & WAIT_TS_MASK)) & WAIT_TS_MASK;
}

/*
 * Pending waits, by pid: an array lookup the verifier inlines, no helper
 * call on the hot path. Userspace sizes it to kernel.pid_max rounded up to
 * whole rows of SCHED_WAIT_COLS pids (8 bytes per pid) and sets
 * cfg_wait_rows; a pid beyond it (pid_max raised after the start) falls
 * back to task-local storage. Entry of pid: (pid % cols) * rows +
 * pid / cols, so that pids sharing a cacheline are SCHED_WAIT_COLS apart:
 * the threads of one process (neighbouring pids), pinned to different
 * CPUs, do not all write one line.
 */
const volatile __u32 cfg_wait_rows = 32768 / SCHED_WAIT_COLS;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, __u64);
} wait_tab SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} wait_recs SEC(".maps");

static __always_inline __u64 *wait_of(struct task_struct *p, bool create)
{
	__u32 pid = p->pid, idx;
	__u64 *w;

	if (pid / SCHED_WAIT_COLS < cfg_wait_rows) {
		idx = pid % SCHED_WAIT_COLS * cfg_wait_rows +
		      pid / SCHED_WAIT_COLS;
		w = bpf_map_lookup_elem(&wait_tab, &idx);
		if (w)
			return w;
	}
	return bpf_task_storage_get(
		&wait_recs, p, 0, create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sched_wakeups);
} wakeups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sched_cpu_state);
} cpu_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sched_wake_odd);
} wake_odd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct sched_slot);
} slots SEC(".maps");

/* Written by noise.bpf.c; the same map when both are loaded (reuse_fd). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct noise_ring);
} noise_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} spikes SEC(".maps");

/* any of the three above: the unfiltered path tests one flag */
const volatile bool cfg_filter_any = false;

static __always_inline bool task_watched(struct task_struct *p)
{
	if (!cfg_filter_any)
		return true;
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

/* one more rare outcome (a member of struct sched_wake_odd) on cpu */
#define ODD_ADD(member, cpu)                                          \
	do {                                                          \
		__u32 zero_ = 0, cpu_ = (cpu);                        \
		struct sched_wake_odd *odd_ =                         \
			bpf_map_lookup_elem(&wake_odd, &zero_);       \
		if (odd_ && cpu_ < RTBPF_MAX_CPUS)                    \
			__sync_fetch_and_add(&odd_->member[cpu_], 1); \
	} while (0)

/* fresh: a new task, whose pid may have left a wait behind (a thread
 * woken while it still ran, then gone without a switch-in) */
static __always_inline int on_wakeup(struct task_struct *p, bool fresh)
{
	struct sched_wakeups *wk;
	__u32 cpu, zero = 0;
	__u64 *w;

	/*
	 * Not filtered on p->on_cpu: a thread can be woken after its
	 * switch-out tracepoint but before it is fully off the CPU, and that
	 * wakeup starts a real wait. A wakeup of a thread that is still
	 * running starts a wait that is voided by its next involuntary
	 * switch-out or its next wakeup (counted as woken_running).
	 */
	cpu = get_task_cpu(p);
	if (!task_watched(p) || !cpu_watched(cpu)) {
		if (fresh) {
			w = wait_of(p, false);
			if (w)
				*w = 0;
		}
		return 0;
	}
	wk = bpf_map_lookup_elem(&wakeups, &zero);
	if (wk && cpu < RTBPF_MAX_CPUS)
		wk->to_cpu[cpu]++;
	w = wait_of(p, true);
	if (!w) {
		/* counted, so that every wakeup is accounted for */
		ODD_ADD(untimed, cpu);
		return 0;
	}
	if (*w && !fresh) {
		/* waiting since a preemption: keep the older start (it has
		 * not run since, or the switch-in would have cleared it) */
		if (*w & WAIT_PREEMPTED)
			return 0;
		/* an earlier wakeup found it still running and it went on
		 * to sleep without a switch-in: that wakeup timed nothing */
		ODD_ADD(running, cpu);
	}
	*w = wait_make(bpf_ktime_get_ns(), cpu, false);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	return on_wakeup(p, false);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup(p, true);
}

/*
 * Charge every run on this CPU that overlapped the wait [ts, now). Runs
 * older than the ring keeps (a wait through more than RUN_RING runs) are
 * named by nobody: their time goes to pre_other_ns, so the preemptors'
 * total still covers the wait.
 */
static __always_inline void charge_wait(struct sched_run_ring *ring,
					struct sched_cpu_stats *st,
					struct task_tab *t, __u64 ts)
{
	__u64 oldest = 0;

	/* a loop, not 8 inlined copies: the hot path (a hit on the newest
	 * run) then runs in fewer cachelines of code */
#pragma clang loop unroll(disable)
	for (int i = 1; i <= RUN_RING; i++) {
		const struct sched_run *r =
			&ring->r[(ring->head - i) % RUN_RING];
		__u64 from;

		if (r->end <= ts)
			return;
		from = r->start > ts ? r->start : ts;
		if (r->pid)
			task_tab_add(t, &ring->last_slot, &st->pre_other_ns,
				     r->pid, (void *)r->task, r->end - from);
		if (r->start <= ts)
			return;
		oldest = r->start;
	}
	if (oldest > ts)
		st->pre_other_ns += oldest - ts;
}

static __always_inline bool task_filtered(void)
{
	return cfg_filter_tgid || cfg_filter_tid || cfg_filter_comm;
}

/* prev's run is stolen time: it is not watched (with no task filter: it
 * is a kernel thread) */
static __always_inline bool run_stolen(struct task_struct *prev,
				       bool prev_watched)
{
	if (!prev->pid)
		return false;
	return task_filtered() ? !prev_watched : prev->flags & PF_KTHREAD;
}

static __always_inline void charge_stolen(struct sched_run_ring *ring,
					  struct sched_cpu_stats *st,
					  struct task_struct *prev, __u64 ns)
{
	__u32 slot = epoch & 1;
	struct sched_slot *sl;

	st->stolen_ns += ns;
	sl = bpf_map_lookup_elem(&slots, &slot);
	if (sl)
		task_tab_add(&sl->stolen, &ring->stolen_slot,
			     &st->stolen_other_ns, prev->pid, prev, ns);
}

static __noinline void send_spike(struct sched_run_ring *ring,
				  struct sched_cpu_stats *st,
				  struct task_struct *next, __u64 wait,
				  __u64 now)
{
	struct noise_ring *nr;
	struct spike_event *ev;
	__u32 zero = 0;

	if (now - ring->spike_window >= 1000000000ULL) {
		ring->spike_window = now;
		ring->spikes_in_window = 0;
	}
	if (ring->spikes_in_window >= cfg_spike_max) {
		st->spikes_ratelimited++;
		return;
	}
	ev = bpf_ringbuf_reserve(&spikes, sizeof(*ev), 0);
	if (!ev) {
		st->spikes_lost++;
		return;
	}
	ring->spikes_in_window++;
	st->spikes++;
	ev->wait_start = now - wait_age(wait, now);
	ev->run_at = now;
	ev->cpu = bpf_get_smp_processor_id();
	ev->pid = next->pid;
	ev->tgid = next->tgid;
	ev->preempted = !!(wait & WAIT_PREEMPTED);
	bpf_probe_read_kernel_str(ev->comm, sizeof(ev->comm), next->comm);
	ev->run_head = ring->head;
	bpf_probe_read_kernel(ev->runs, sizeof(ev->runs), ring->r);
	for (int i = 0; i < RUN_RING; i++)
		bpf_probe_read_kernel_str(
			ev->run_comm[i], sizeof(ev->run_comm[i]),
			((struct task_struct *)ring->r[i].task)->comm);
	nr = bpf_map_lookup_elem(&noise_rings, &zero);
	ev->have_noise = cfg_noise && nr;
	ev->noise_head = nr ? nr->head : 0;
	if (ev->have_noise)
		bpf_probe_read_kernel(ev->noise, sizeof(ev->noise), nr->e);
	bpf_ringbuf_submit(ev, 0);
}

static __always_inline void record(struct sched_cpu_stats *st,
				   struct sched_minmax *mm, __u64 delta,
				   bool preempted)
{
	__u32 b = hist_bucket(delta);

	if (!mm->min_ns || delta < mm->min_ns)
		mm->min_ns = delta ? delta : 1;
	if (delta > mm->max_ns)
		mm->max_ns = delta;
	if (b < HIST_BUCKETS)
		st->hist[b]++;
	st->sum_ns += delta;
	if (preempted)
		st->preempted++;
}

/* A switch-in on a CPU not watched: a wait the thread had pending began
 * on a watched CPU and is void, since the thread runs here untimed. */
static __always_inline void drop_wait(struct task_struct *next)
{
	__u64 *w;

	if (!next->pid)
		return;
	w = wait_of(next, false);
	if (w && *w) {
		ODD_ADD(stale, wait_cpu(*w));
		*w = 0;
	}
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct sched_cpu_state *cs;
	struct sched_cpu_stats *st;
	struct sched_run_ring *ring;
	struct sched_slot *sl;
	__u32 zero = 0, slot;
	struct sched_run *r;
	bool prev_watched, preempted;
	__u64 now, v, age;
	__u64 *w;

	if (!cpu_watched(cpu)) {
		drop_wait(next);
		return 0;
	}
	/* once: with --comm it reads the name */
	prev_watched = prev->pid && task_watched(prev);
	cs = bpf_map_lookup_elem(&cpu_state, &zero);
	if (!cs)
		return 0;
	st = &cs->st;
	ring = &cs->ring;
	now = bpf_ktime_get_ns();

	/* prev's run ends now */
	r = &ring->r[ring->head % RUN_RING];
	r->start = ring->cur_start ? ring->cur_start : now;
	r->end = now;
	r->pid = prev->pid;
	r->task = (__u64)prev;
	ring->head++;
	ring->cur_start = now;
	if (cfg_stolen) {
		bool stolen = run_stolen(prev, prev_watched);
		__u64 ns = now - r->start;

		/* without the interrupts inside it, counted as noise already */
		if (cfg_noise) {
			struct noise_ring *nr =
				bpf_map_lookup_elem(&noise_rings, &zero);
			__u64 intr = nr ? nr->intr_ns : 0;
			__u64 in_run = intr - ring->cur_intr;

			if (stolen)
				ns = in_run < ns ? ns - in_run : 0;
			ring->cur_intr = intr;
		}
		if (stolen && ns)
			charge_stolen(ring, st, prev, ns);
	}

	if (prev_watched) {
		if (preempt || get_task_state(prev) == TASK_RUNNING) {
			st->invol_switches++;
			w = wait_of(prev, true);
			if (w) {
				/* woken while it still ran: no wait to time */
				if (*w && !(*w & WAIT_PREEMPTED))
					st->woken_running++;
				*w = wait_make(now, cpu, true);
			}
		} else {
			/* A wakeup that found prev still running left a stale
			 * start; its next wakeup replaces it (on_wakeup), so
			 * no lookup is needed here. */
			st->vol_switches++;
		}
	}

	if (!next->pid)
		return 0;
	w = wait_of(next, false);
	if (!w || !*w)
		return 0;
	v = *w;
	*w = 0;
	age = wait_age(v, now);
	slot = epoch & 1;
	sl = bpf_map_lookup_elem(&slots, &slot);
	preempted = v & WAIT_PREEMPTED;
	if (sl && age < 1ULL << (WAIT_TS_BITS - 1)) {
		record(st, &sl->mm, age, preempted);
		charge_wait(ring, st, &sl->pre, now - age);
		if (cfg_spike_ns && age >= cfg_spike_ns)
			send_spike(ring, st, next, v, now);
	}
	return 0;
}
