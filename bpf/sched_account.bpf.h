/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sched.bpf.c's accounting of an ended wait: the runs that overlapped it
 * (preemptors, stolen time), the spike report, the histograms. Included by
 * sched.bpf.c after its maps and cfg_ knobs, which these use; not a
 * header for any other program. */
#ifndef RTBPF_SCHED_ACCOUNT_BPF_H
#define RTBPF_SCHED_ACCOUNT_BPF_H

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

/* A wait that ended now (a copy) and the timer that began it, if any. */
struct spike_src {
	struct sched_wait wt;
	struct timer_wake tw; /* expiry 0: none */
};

static __noinline void send_spike(struct sched_run_ring *ring,
				  struct sched_cpu_stats *st,
				  struct task_struct *next,
				  const struct spike_src *src, __u64 now)
{
	const struct sched_wait *wt = &src->wt;
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
	ev->wait_start = now - wait_age(wt->start, now);
	ev->wake_at = ev->wait_start;
	ev->run_at = now;
	ev->cpu = bpf_get_smp_processor_id();
	ev->pid = cfg_pidns_ino ? task_ns_pid(next) : next->pid;
	ev->tgid = cfg_pidns_ino ? task_ns_tgid(next) : next->tgid;
	ev->preempted = !!(wt->start & WAIT_PREEMPTED);
	ev->waker_cpu = wt->waker >> WAKER_PID_BITS;
	ev->waker_pid = wt->waker & WAKER_PID_MASK;
	if (!ev->preempted && wt->dlv_ns != WAIT_NO_DLV)
		ev->wake_at += wt->dlv_ns;
	ev->timer_expiry = src->tw.expiry;
	ev->timer_irq_at = src->tw.irq_at;
	bpf_probe_read_kernel_str(ev->comm, sizeof(ev->comm), next->comm);
	ev->run_head = ring->head;
	bpf_probe_read_kernel(ev->runs, sizeof(ev->runs), ring->r);
	for (int i = 0; i < RUN_RING; i++) {
		struct task_struct *task = (void *)ring->r[i].task;

		bpf_probe_read_kernel_str(ev->run_comm[i],
					  sizeof(ev->run_comm[i]), task->comm);
		ev->runs[i].vpid = cfg_pidns_ino && ring->r[i].pid ?
					   task_ns_pid(task) :
					   ring->r[i].pid;
	}
	nr = bpf_map_lookup_elem(&noise_rings, &zero);
	ev->have_noise = cfg_noise && nr;
	ev->noise_head = nr ? nr->head : 0;
	if (ev->have_noise)
		bpf_probe_read_kernel(ev->noise, sizeof(ev->noise), nr->e);
	bpf_ringbuf_submit(ev, 0);
}

/* One value into an interval's extremes and a histogram's bucket. */
static __always_inline void hist_put(__u64 *hist, struct sched_minmax *mm,
				     __u64 d)
{
	__u32 b = hist_bucket(d);

	if (!mm->min_ns || d < mm->min_ns)
		mm->min_ns = d ? d : 1;
	if (d > mm->max_ns)
		mm->max_ns = d;
	if (b < HIST_BUCKETS)
		hist[b]++;
}

/* ns from the start of a wait to its thread's queueing: the delivery of
 * a wakeup, 0 for the other waits */
static __always_inline __u64 queued_after(const struct sched_wait *wt)
{
	if ((wt->start & WAIT_PREEMPTED) || wt->dlv_ns == WAIT_NO_DLV)
		return 0;
	return wt->dlv_ns;
}

/*
 * A wait of age ns ended now, on this CPU. A wakeup's also goes into the
 * delivery and queue histograms, with where its waker ran and whether it
 * ended an idle period (from another CPU: kicked with or without an IPI).
 */
static __always_inline void record(struct sched_cpu_stats *st,
				   struct sched_slot *sl,
				   const struct sched_wait *wt, __u64 age,
				   __u64 now, __u32 cpu, bool from_idle)
{
	bool remote;
	__u64 dlv = wt->dlv_ns, queue;

	hist_put(st->hist, &sl->mm, age);
	st->sum_ns += age;
	if (wt->start & WAIT_PREEMPTED) {
		st->preempted++;
		return;
	}
	if (dlv == WAIT_NO_DLV)
		return; /* a new task's: no delivery part */
	queue = age > dlv ? age - dlv : 0;
	hist_put(st->hist_dlv, &sl->mm_dlv, dlv);
	hist_put(st->hist_queue, &sl->mm_queue, queue);
	st->dlv_sum_ns += dlv;
	st->queue_sum_ns += queue;
	/* the waker's CPU against the target's (where sched_wakeup queued
	 * it; the thread may have been pulled here since) */
	remote = wt->waker >> WAKER_PID_BITS != wait_cpu(wt->start);
	st->remote += remote;
	if (!from_idle)
		return;
	st->idle++;
	if (remote) {
		/* kicked without an IPI since the waking: a kick before it
		 * woke the CPU for something else */
		struct sched_idle_kick *k =
			bpf_map_lookup_elem(&idle_kicks, &cpu);

		st->idle_remote++;
		if (k && k->kicked_at >= now - age)
			st->idle_remote_no_ipi++;
	}
}

#endif
