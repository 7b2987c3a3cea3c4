// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Scheduling latency of watched threads on watched CPUs.
 *
 * Measures, in ns, the time from the moment a thread becomes runnable to
 * the sched_switch that puts it on a CPU. A woken thread's wait starts at
 * sched_waking, in the waker's try_to_wake_up on the waker's CPU, and is
 * split at sched_wakeup (the thread queued on its target CPU) into
 * delivery (target selection, remote queueing, the wake-up IPI, the target
 * leaving idle) and queue (waiting on the target's run queue). A new
 * task's wait starts at sched_wakeup_new, a preempted thread's at its
 * involuntary switch-out (the preempt argument or a prev still in
 * TASK_RUNNING). The sample belongs to the CPU the thread runs on. Every
 * task that ran on that CPU during the wait is charged the overlap, as a
 * preemptor.
 *
 * Hooks: tp_btf/sched_waking, tp_btf/sched_wakeup, tp_btf/sched_wakeup_new,
 * tp_btf/sched_switch, tp_btf/sched_wake_idle_without_ipi (rare: an idle
 * CPU that polls is kicked without an IPI); with the timer collector
 * tp_btf/hrtimer_expire_entry (a watched thread's own hrtimer expired:
 * its timer lateness runs from that expiry to its switch-in).
 * Cost per event: one clock read; one lookup of the pending-wait table
 * per waking and wakeup, per switch one for next and one for a watched
 * prev (array lookups the verifier inlines: no helper call), plus writes
 * to this CPU's own per-CPU maps; a wait that ends adds three histogram
 * buckets (whole, delivery, queue). No shared hash; on
 * the common paths no atomics and no cacheline written by two CPUs but a
 * thread's own table entry (the rare outcomes of a wakeup, wake_odd, are
 * atomic adds to one shared array). On a CPU not watched, a switch costs
 * one table lookup (drop_wait). With cfg_timer, a wait that ends also
 * looks up timer_wakes (one array lookup) and, for a thread woken by its
 * own hrtimer, adds a histogram bucket (timer lateness); its spike
 * report starts at the expiry. hrtimer_expire_entry runs at every
 * hrtimer of the host: one compare for a timer that is not a sleeper's,
 * the watched-thread test for a sleeper's. In a PID namespace
 * (cfg_pidns_ino) --pid/--tid cost the walk of each task's struct pid
 * until the watched one was seen, then a compare; with spike reports each
 * waking walks the waker's (pidns.bpf.h); pids in reports are the
 * namespace's.
 * Minimum kernel: 5.11 (tp_btf, task storage from tracing programs).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "noise.h"
#include "noise_rings.bpf.h"
#include "timer_wakes.bpf.h"
#include "task_tab.bpf.h"
#include "cpus.bpf.h"
#include "sched_wait.bpf.h"
#include "pidns.bpf.h"

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
/* timer_wakes is filled (by hrtimer_expire_entry below, or by
 * timerlat.bpf.c for its probes): a watched thread woken by its own
 * hrtimer gets a timer lateness, and spike reports from the expiry on */
const volatile bool cfg_timer = false;
/* spike reports of such a thread start at the expiry (rtbpf timerlat; the
 * monitor's start at the wakeup, as for every thread) */
const volatile bool cfg_timer_spikes = false;

/* Flipped by userspace at each interval: programs write the interval's
 * extremes and preemptors into slot epoch & 1. */
volatile __u32 epoch;

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

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} spikes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RTBPF_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct sched_idle_kick);
} idle_kicks SEC(".maps");

/* any of the three above: the unfiltered path tests one flag */
const volatile bool cfg_filter_any = false;
/* cfg_tgid and cfg_tid are of rtbpf's PID namespace: in another than the
 * initial one, their global ids once seen (pidns.bpf.h) */
__u32 watched_ktgid, watched_ktid;

static __always_inline bool task_watched(struct task_struct *p)
{
	if (!cfg_filter_any)
		return true;
	if (cfg_filter_tgid &&
	    !(cfg_pidns_ino ? task_ns_is(p, true, cfg_tgid, &watched_ktgid) :
			      p->tgid == cfg_tgid))
		return false;
	if (cfg_filter_tid &&
	    !(cfg_pidns_ino ? task_ns_is(p, false, cfg_tid, &watched_ktid) :
			      p->pid == cfg_tid))
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

/* One more wakeup of a watched thread onto cpu (counted by the CPU that
 * sees it: userspace sums over them). */
static __always_inline void count_wakeup(__u32 cpu)
{
	struct sched_wakeups *wk;
	__u32 zero = 0;

	wk = bpf_map_lookup_elem(&wakeups, &zero);
	if (wk && cpu < RTBPF_MAX_CPUS)
		wk->to_cpu[cpu]++;
}

/*
 * The thread is queued on its target CPU (on the waker's CPU, or on the
 * target after the wake-up IPI): the delivery part of the wait ends.
 */
SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	__u32 cpu = get_task_cpu(p);
	struct sched_wait *w;
	__u64 v, dlv;

	if (!task_watched(p))
		return 0;
	if (!cpu_watched(cpu)) {
		/* the start sched_waking kept: no wait to time here */
		w = wait_of(p, false);
		if (w && (w->start & WAIT_WAKING))
			w->start = 0;
		return 0;
	}
	count_wakeup(cpu);
	w = wait_of(p, false);
	if (!w) {
		/* counted, so that every wakeup is accounted for */
		ODD_ADD(untimed, cpu);
		return 0;
	}
	v = w->start;
	if (v & WAIT_PREEMPTED)
		return 0;
	if (!(v & WAIT_WAKING)) {
		/* its sched_waking came before the programs were attached:
		 * counted, never timed from a later start */
		ODD_ADD(unseen, cpu);
		w->start = 0;
		return 0;
	}
	dlv = wait_age(v, bpf_ktime_get_ns());
	if (dlv >= 1ULL << (WAIT_TS_BITS - 1))
		dlv = 0; /* a waking stamp ahead of this CPU's clock */
	w->dlv_ns = dlv < WAIT_NO_DLV ? dlv : WAIT_NO_DLV - 1;
	w->start = wait_make(v & WAIT_TS_MASK, cpu, 0);
	return 0;
}

/* A new task: its wait starts here, with no delivery part. Its pid may
 * have left a wait behind (a thread woken while it still ran, then gone
 * without a switch-in): replaced, or cleared when it is not watched. */
SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	__u32 cpu = get_task_cpu(p);
	struct sched_wait *w;

	if (!task_watched(p) || !cpu_watched(cpu)) {
		w = wait_of(p, false);
		if (w)
			w->start = 0;
		return 0;
	}
	count_wakeup(cpu);
	w = wait_of(p, true);
	if (!w) {
		ODD_ADD(untimed, cpu);
		return 0;
	}
	w->start = wait_make(bpf_ktime_get_ns(), cpu, 0);
	w->dlv_ns = WAIT_NO_DLV;
	w->waker = (cpu & WAIT_CPU_MASK) << WAKER_PID_BITS;
	return 0;
}

/* An idle CPU that polls its need-resched flag was kicked without an IPI
 * (fires on the kicking CPU). */
SEC("tp_btf/sched_wake_idle_without_ipi")
int BPF_PROG(sched_wake_idle_without_ipi, int cpu)
{
	struct sched_idle_kick *k;
	__u32 c = (__u32)cpu;

	if (!cpu_watched(c))
		return 0;
	k = bpf_map_lookup_elem(&idle_kicks, &c);
	if (k)
		k->kicked_at = bpf_ktime_get_ns();
	return 0;
}

/* ended-wait accounting: uses the maps and knobs above */
#include "sched_account.bpf.h"

/* A switch-in on a CPU not watched: a wait the thread had pending began
 * on a watched CPU and is void, since the thread runs here untimed. */
static __always_inline void drop_wait(struct task_struct *next)
{
	struct sched_wait *w;

	if (!next->pid)
		return;
	w = wait_of(next, false);
	if (w && w->start) {
		ODD_ADD(stale, wait_cpu(w->start));
		w->start = 0;
	}
}

/* One sched_switch on a watched CPU: what its parts share. */
struct switch_ctx {
	struct sched_cpu_stats *st;
	struct sched_run_ring *ring;
	__u64 now;
	__u32 cpu;
};

/* The run of prev, ns long, into stolen time when it is stolen, less the
 * interrupts inside it (counted as noise already). */
static __always_inline void account_stolen(const struct switch_ctx *sw,
					   struct task_struct *prev,
					   bool prev_watched, __u64 ns)
{
	bool stolen = run_stolen(prev, prev_watched);

	if (cfg_noise) {
		__u32 zero = 0;
		struct noise_ring *nr =
			bpf_map_lookup_elem(&noise_rings, &zero);
		__u64 intr = nr ? nr->intr_ns : 0;
		__u64 in_run = intr - sw->ring->cur_intr;

		if (stolen)
			ns = in_run < ns ? ns - in_run : 0;
		sw->ring->cur_intr = intr;
	}
	if (stolen && ns)
		charge_stolen(sw->ring, sw->st, prev, ns);
}

/* prev's run ends now: into the ring of this CPU's recent runs */
static __always_inline void end_run(const struct switch_ctx *sw,
				    struct task_struct *prev, bool prev_watched)
{
	struct sched_run_ring *ring = sw->ring;
	struct sched_run *r = &ring->r[ring->head % RUN_RING];

	r->start = ring->cur_start ? ring->cur_start : sw->now;
	r->end = sw->now;
	r->pid = prev->pid;
	r->task = (__u64)prev;
	ring->head++;
	ring->cur_start = sw->now;
	if (cfg_stolen)
		account_stolen(sw, prev, prev_watched, sw->now - r->start);
}

/* A watched prev leaves the CPU still runnable: its wait starts now. */
static __always_inline void preempted_out(const struct switch_ctx *sw,
					  struct task_struct *prev)
{
	struct sched_wait *w;

	sw->st->invol_switches++;
	w = wait_of(prev, true);
	if (!w)
		return;
	/* woken while it still ran: no wait to time (a waking still in
	 * flight is not that: the preemption starts the wait) */
	if (w->start && !(w->start & (WAIT_PREEMPTED | WAIT_WAKING)))
		sw->st->woken_running++;
	w->start = wait_make(sw->now, sw->cpu, WAIT_PREEMPTED);
}

/* A watched prev goes to sleep. */
static __always_inline void slept_out(const struct switch_ctx *sw,
				      struct task_struct *prev)
{
	struct sched_wait *w;

	sw->st->vol_switches++;
	/* Woken while still on this CPU (its waker stamped the waking
	 * before this switch): its wait starts now, not while it ran. A
	 * wakeup that found prev still running left a stale start; its next
	 * sched_waking replaces it. */
	w = wait_of(prev, false);
	if (w && (w->start & WAIT_WAKING))
		w->start = wait_make(sw->now, wait_cpu(w->start), WAIT_WAKING);
	/* a preemption's wait still pending in a thread that ran: its
	 * switch-in was not seen (a skipped event) */
	else if (w && (w->start & WAIT_PREEMPTED))
		w->start = 0;
}

/* The timer whose expiry woke next (its expiry came before the wait
 * began), taken into out (expiry 0: none) and into the CPU's timer
 * lateness: expiry -> switch-in. */
static __always_inline void timer_take(const struct switch_ctx *sw,
				       struct task_struct *next,
				       struct sched_slot *sl, __u64 wait_start,
				       struct timer_wake *out)
{
	__u32 cpu = sw->cpu;
	struct timer_wake *tw = bpf_map_lookup_elem(&timer_wakes, &cpu);
	__u64 late;

	if (!tw || tw->task != (__u64)next || !tw->expiry)
		return;
	if (tw->expiry <= wait_start && tw->expiry <= sw->now) {
		*out = *tw;
		late = sw->now - tw->expiry;
		hist_put(sw->st->hist_timer, &sl->mm_timer, late);
		sw->st->timer_sum_ns += late;
	}
	tw->expiry = 0;
}

/* A spike report when the wait (from a timer's expiry, when one woke the
 * thread) reached the threshold. */
static __always_inline void spike_check(const struct switch_ctx *sw,
					struct task_struct *next,
					const struct spike_src *src, __u64 age)
{
	if (src->tw.expiry)
		age = sw->now - src->tw.expiry;
	if (age >= cfg_spike_ns)
		send_spike(sw->ring, sw->st, next, src, sw->now);
}

/* next gets the CPU: the wait it had pending ends now. from_idle: the CPU
 * was idle until now. */
static __always_inline void switch_in(const struct switch_ctx *sw,
				      struct task_struct *next, bool from_idle)
{
	struct spike_src src = {};
	struct sched_wait *w, wt;
	struct sched_slot *sl;
	__u32 slot;
	__u64 age;

	if (!next->pid)
		return;
	w = wait_of(next, false);
	if (!w || !w->start)
		return;
	wt = *w;
	w->start = 0;
	if (wt.start & WAIT_WAKING) {
		/* ran before its sched_wakeup was seen: the split is unknown */
		ODD_ADD(untimed, sw->cpu);
		return;
	}
	age = wait_age(wt.start, sw->now);
	slot = epoch & 1;
	sl = bpf_map_lookup_elem(&slots, &slot);
	if (!sl || age >= 1ULL << (WAIT_TS_BITS - 1))
		return;
	record(sw->st, sl, &wt, age, sw->now, sw->cpu, from_idle);
	/* preemptors: what ran here while the thread was queued (its
	 * delivery is the waker's side) */
	charge_wait(sw->ring, sw->st, &sl->pre,
		    sw->now - age + queued_after(&wt));
	if (cfg_timer)
		timer_take(sw, next, sl, sw->now - age, &src.tw);
	if (cfg_spike_ns) {
		src.wt = wt;
		if (!cfg_timer_spikes)
			src.tw.expiry = 0;
		spike_check(sw, next, &src, age);
	}
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 cpu = bpf_get_smp_processor_id(), zero = 0;
	struct sched_cpu_state *cs;
	struct switch_ctx sw;
	bool prev_watched;

	if (!cpu_watched(cpu)) {
		drop_wait(next);
		return 0;
	}
	/* once: with --comm it reads the name */
	prev_watched = prev->pid && task_watched(prev);
	cs = bpf_map_lookup_elem(&cpu_state, &zero);
	if (!cs)
		return 0;
	sw.st = &cs->st;
	sw.ring = &cs->ring;
	sw.now = bpf_ktime_get_ns();
	sw.cpu = cpu;
	end_run(&sw, prev, prev_watched);
	if (prev_watched) {
		if (preempt || get_task_state(prev) == TASK_RUNNING)
			preempted_out(&sw, prev);
		else
			slept_out(&sw, prev);
	}
	switch_in(&sw, next, !prev->pid);
	return 0;
}

extern const void hrtimer_wakeup __ksym __weak;
extern const void timerfd_tmrproc __ksym __weak;
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* A timerfd's hrtimer running on this CPU (expiry 0: none): the threads
 * it wakes (a reader of the timerfd, an epoll waiter on it) were woken by
 * their timer. */
struct fd_timer {
	__u64 expiry;
	__u64 irq_at;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fd_timer);
} fd_timers SEC(".maps");

static __always_inline void timer_wake_put(struct task_struct *p, __u64 expiry,
					   __u64 irq_at)
{
	__u32 cpu = get_task_cpu(p);
	struct timer_wake *tw;

	if (!cpu_watched(cpu))
		return;
	tw = bpf_map_lookup_elem(&timer_wakes, &cpu);
	if (tw) {
		tw->task = (__u64)p;
		tw->expiry = expiry;
		tw->irq_at = irq_at;
	}
}

/*
 * A sleeper's hrtimer expires (clock_nanosleep, nanosleep, and the other
 * sleeps that use one: poll, select and epoll timeouts): a watched
 * thread's expiry, the time it asked for (the soft expiry: timer slack
 * comes after it), goes to timer_wakes by its CPU, for its switch-in. A
 * timerfd's hrtimer is noted for this CPU until hrtimer_expire_exit:
 * sched_waking puts the threads it wakes there. A second watched thread's
 * timer on that CPU before the first ran takes the slot: the first then
 * counts as a plain wakeup. Loaded only with cfg_timer in the monitor
 * (timerlat has its own); 6.4 (bpf_rdonly_cast).
 */
SEC("tp_btf/hrtimer_expire_entry")
int BPF_PROG(hrtimer_expire_entry, struct hrtimer *t, ktime_t *now)
{
	struct hrtimer_sleeper *sl;
	struct task_struct *p;
	struct fd_timer *ft;
	__u32 zero = 0;

	if (!bpf_rdonly_cast)
		return 0;
	if ((void *)t->function != &hrtimer_wakeup) {
		if (!&timerfd_tmrproc ||
		    (void *)t->function != &timerfd_tmrproc)
			return 0;
		ft = bpf_map_lookup_elem(&fd_timers, &zero);
		if (ft) {
			ft->expiry = t->_softexpires;
			ft->irq_at = bpf_ktime_get_ns();
		}
		return 0;
	}
	sl = container_of(t, struct hrtimer_sleeper, timer);
	p = bpf_rdonly_cast(BPF_CORE_READ(sl, task),
			    bpf_core_type_id_kernel(struct task_struct));
	if (p && task_watched(p))
		timer_wake_put(p, t->_softexpires, bpf_ktime_get_ns());
	return 0;
}

/* The end of a timerfd's hrtimer: what wakes later is not its doing. */
SEC("tp_btf/hrtimer_expire_exit")
int BPF_PROG(hrtimer_expire_exit, struct hrtimer *t)
{
	__u32 zero = 0;
	struct fd_timer *ft = bpf_map_lookup_elem(&fd_timers, &zero);

	if (ft && ft->expiry)
		ft->expiry = 0;
	return 0;
}

/* p wakes inside a timerfd's hrtimer on this CPU: its timer's expiry. */
static __always_inline void timerfd_wake(struct task_struct *p)
{
	__u32 zero = 0;
	struct fd_timer *ft = bpf_map_lookup_elem(&fd_timers, &zero);

	if (ft && ft->expiry)
		timer_wake_put(p, ft->expiry, ft->irq_at);
}

/*
 * The wait of a woken thread starts here, on the waker's CPU, before the
 * kernel picks the CPU it will run on: every watched thread's start is
 * kept, and sched_wakeup drops it when the target is not watched. Last in
 * the file, so attached last: a start it keeps always finds
 * sched_wakeup and sched_switch attached (a wakeup whose waking came
 * before is counted unseen).
 */
SEC("tp_btf/sched_waking")
int BPF_PROG(sched_waking, struct task_struct *p)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct sched_wait *w;
	__u64 v;

	if (!task_watched(p))
		return 0;
	if (cfg_timer)
		timerfd_wake(p);
	w = wait_of(p, true);
	if (!w)
		return 0; /* sched_wakeup counts it untimed */
	v = w->start;
	/* runnable since a preemption: keep the older start (it has not run
	 * since, or the switch-in would have cleared it) */
	if (v & WAIT_PREEMPTED)
		return 0;
	/* an earlier wakeup found it still running and it went on to sleep
	 * without a switch-in: that wakeup timed nothing */
	if (v && cpu_watched(wait_cpu(v)))
		ODD_ADD(running, wait_cpu(v));
	w->start = wait_make(bpf_ktime_get_ns(), cpu, WAIT_WAKING);
	w->waker = (cpu & WAIT_CPU_MASK) << WAKER_PID_BITS;
	/* the thread on this CPU: the waker, or, for a wakeup from an
	 * interrupt (a timer, a packet), the thread it interrupted */
	if (cfg_spike_ns)
		w->waker |= cfg_pidns_ino ? pidns_waker_id() :
					    (__u32)bpf_get_current_pid_tgid() &
						    WAKER_PID_MASK;
	return 0;
}
