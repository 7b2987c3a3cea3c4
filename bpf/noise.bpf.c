// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What disturbs watched CPUs: hard IRQs, x86 system vectors, softirqs,
 * IPIs sent to them, page faults.
 *
 * Measures, per watched CPU, in ns: each hard IRQ (irq_handler_entry/exit)
 * by IRQ number; each system vector (irq_vectors: local_timer, reschedule,
 * call_function, call_function_single, irq_work entry/exit); each softirq
 * (softirq_entry/exit) by vector, net of the hard IRQs that interrupted it.
 * Counts IPIs (ipi_send_cpu, ipi_send_cpumask) by receiving CPU, sending CPU
 * and task, and page faults (exceptions:page_fault_user/kernel) by CPU and
 * task. Every IRQ, vector and softirq also goes on the CPU's noise ring,
 * which spike reports (sched.bpf.c) copy.
 *
 * Hooks: tp_btf only. Cost per event: per-CPU array writes and one
 * bpf_ktime_get_ns(); an IPI vector (reschedule, call function) that
 * interrupts the idle task (no task loses time: for a wake-up IPI the time
 * is in the wakeup's delivery, timed by sched.bpf.c) is counted without a
 * clock read. An IPI adds a probe of this CPU's sender table (the ipis
 * hash only when that is full), a new fault task a table insert. In a PID
 * namespace (cfg_pidns_ino, pidns.bpf.h), pids are that namespace's: an
 * IPI and a new fault task add the walk of the task's struct pid.
 * Minimum kernel: 5.5 (tp_btf); ipi_send_cpu: 6.6; irq_vectors: x86.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "noise.h"
#include "noise_rings.bpf.h"
#include "task_tab.bpf.h"
#include "cpus.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 cfg_cpu_words = 1; /* words of cfg_cpu_mask in use */

volatile __u32 epoch; /* flipped with sched.bpf.c's at each interval */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct noise_cpu_stats);
} noise_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct irq_stats);
} irq_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct ipi_tab);
} ipi_tabs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct ipi_key);
	__type(value, struct ipi_val);
} ipis SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct fault_tab);
} fault_tasks SEC(".maps");

static __always_inline struct noise_cpu_stats *this_stats(void)
{
	__u32 zero = 0;

	if (!cpu_watched(bpf_get_smp_processor_id()))
		return NULL;
	return bpf_map_lookup_elem(&noise_stats, &zero);
}

static __always_inline void acc_add(struct noise_acc *a, __u64 ns)
{
	a->count++;
	a->ns += ns;
	if (ns > a->max_ns)
		a->max_ns = ns;
}

static __always_inline void ring_push(__u32 kind, __u32 id, __u64 start,
				      __u64 end, __u64 net)
{
	__u32 zero = 0;
	struct noise_ring *r = bpf_map_lookup_elem(&noise_rings, &zero);
	struct noise_event *e;

	if (!r)
		return;
	e = &r->e[r->head % NOISE_RING];
	e->start = start;
	e->end = end;
	e->net_ns = net;
	e->kind = kind;
	e->id = id;
	r->head++;
	r->intr_ns += net;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry, int irq, struct irqaction *action)
{
	struct noise_cpu_stats *st = this_stats();

	if (st) {
		st->irq_entry_ts = bpf_ktime_get_ns();
		st->irq_entry_nr = (__u32)irq;
	}
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit, int irq, struct irqaction *action, int ret)
{
	struct noise_cpu_stats *st = this_stats();
	struct irq_stats *is;
	__u64 nr = (__u32)irq, now, d;
	__u32 zero = 0;

	if (!st || !st->irq_entry_ts || st->irq_entry_nr != (__u32)irq)
		return 0;
	now = bpf_ktime_get_ns();
	d = now - st->irq_entry_ts;
	st->irq_entry_ts = 0;
	st->irq_ns_total += d;
	is = bpf_map_lookup_elem(&irq_stats, &zero);
	if (is) {
		if (nr >= NOISE_MAX_IRQ)
			nr = NOISE_MAX_IRQ - 1;
		barrier_var(nr);
		if (nr < NOISE_MAX_IRQ)
			acc_add(&is->irq[nr], d);
	}
	ring_push(NOISE_HARDIRQ, (__u32)irq, now - d, now, d);
	return 0;
}

/* The interrupted task is the idle task, outside a softirq (whose time
 * the vector would otherwise hide in the softirq's net time). */
static __always_inline bool in_idle(struct noise_cpu_stats *st)
{
	return !bpf_get_current_task_btf()->pid && !st->soft_entry_ts;
}

/* ipi: a reschedule or call-function vector, which is counted untimed
 * when it hits the idle task (a timer or irq-work vector is always timed:
 * what else it runs after waking a thread shows in spike reports) */
static __always_inline int vec_entry(bool ipi)
{
	struct noise_cpu_stats *st = this_stats();

	if (st) {
		st->vec_entry_ts[st->vec_depth & 1] =
			ipi && in_idle(st) ? VEC_IDLE : bpf_ktime_get_ns();
		st->vec_depth++;
	}
	return 0;
}

static __always_inline int vec_exit(__u32 id)
{
	struct noise_cpu_stats *st = this_stats();
	__u64 now, start, d;

	if (!st || !st->vec_depth)
		return 0;
	st->vec_depth--;
	start = st->vec_entry_ts[st->vec_depth & 1];
	if (!start)
		return 0;
	if (start == VEC_IDLE) {
		if (id < NOISE_VECTORS) {
			st->vector[id].count++;
			st->vector_idle[id]++;
		}
		return 0;
	}
	now = bpf_ktime_get_ns();
	d = now - start;
	st->irq_ns_total += d;
	if (id < NOISE_VECTORS)
		acc_add(&st->vector[id], d);
	ring_push(NOISE_VECTOR, id, start, now, d);
	return 0;
}

SEC("tp_btf/local_timer_entry")
int BPF_PROG(local_timer_entry, int vector)
{
	return vec_entry(false);
}

SEC("tp_btf/local_timer_exit")
int BPF_PROG(local_timer_exit, int vector)
{
	return vec_exit(VEC_LOCAL_TIMER);
}

SEC("tp_btf/reschedule_entry")
int BPF_PROG(reschedule_entry, int vector)
{
	return vec_entry(true);
}

SEC("tp_btf/reschedule_exit")
int BPF_PROG(reschedule_exit, int vector)
{
	return vec_exit(VEC_RESCHEDULE);
}

SEC("tp_btf/call_function_entry")
int BPF_PROG(call_function_entry, int vector)
{
	return vec_entry(true);
}

SEC("tp_btf/call_function_exit")
int BPF_PROG(call_function_exit, int vector)
{
	return vec_exit(VEC_CALL_FUNCTION);
}

SEC("tp_btf/call_function_single_entry")
int BPF_PROG(call_function_single_entry, int vector)
{
	return vec_entry(true);
}

SEC("tp_btf/call_function_single_exit")
int BPF_PROG(call_function_single_exit, int vector)
{
	return vec_exit(VEC_CALL_FUNCTION_SINGLE);
}

SEC("tp_btf/irq_work_entry")
int BPF_PROG(irq_work_entry, int vector)
{
	return vec_entry(false);
}

SEC("tp_btf/irq_work_exit")
int BPF_PROG(irq_work_exit, int vector)
{
	return vec_exit(VEC_IRQ_WORK);
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry, unsigned int vec)
{
	struct noise_cpu_stats *st = this_stats();

	if (st) {
		st->soft_entry_ts = bpf_ktime_get_ns();
		st->soft_irq_ns_at_entry = st->irq_ns_total;
	}
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit, unsigned int vec)
{
	struct noise_cpu_stats *st = this_stats();
	__u64 now, gross, nested, net;

	if (!st || !st->soft_entry_ts)
		return 0;
	now = bpf_ktime_get_ns();
	gross = now - st->soft_entry_ts;
	nested = st->irq_ns_total - st->soft_irq_ns_at_entry;
	net = gross > nested ? gross - nested : 0;
	if (vec < NOISE_SOFTIRQS)
		acc_add(&st->softirq[vec], net);
	ring_push(NOISE_SOFTIRQ, vec, st->soft_entry_ts, now, net);
	st->soft_entry_ts = 0;
	return 0;
}

/* The sending thread: its pid, in a PID namespace (cfg_pidns_ino) as
 * that sees it (pidns.bpf.h: a walk per IPI there only). */
static __always_inline __u32 sender_id(void)
{
	if (cfg_pidns_ino)
		return pidns_current_id();
	return (__u32)bpf_get_current_pid_tgid();
}

/* The slow path: this CPU's sender table is full. */
static __noinline void ipi_count_hash(__u32 target, __u32 slot)
{
	struct ipi_key key = {
		.target_cpu = target,
		.sender_cpu = bpf_get_smp_processor_id(),
		.sender_pid = sender_id(),
		.slot = slot,
	};
	struct ipi_val *v, init = { .count = 1 };

	v = bpf_map_lookup_elem(&ipis, &key);
	if (v) {
		__sync_fetch_and_add(&v->count, 1);
		return;
	}
	bpf_get_current_comm(init.comm, sizeof(init.comm));
	if (bpf_map_update_elem(&ipis, &key, &init, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&ipis, &key);
		if (v)
			__sync_fetch_and_add(&v->count, 1);
	}
}

static __always_inline bool ipi_is(const struct ipi_acc *e, __u32 target,
				   __u32 pid)
{
	return e->count && e->target_cpu == target && e->sender_pid == pid;
}

/* One IPI from this CPU's current thread to target. Per-CPU: no atomics;
 * a program on the other send tracepoint that interrupts this one may
 * lose one count. */
static __always_inline void ipi_count(__u32 target, __u32 slot)
{
	__u32 pid = sender_id();
	struct ipi_tab *t = bpf_map_lookup_elem(&ipi_tabs, &slot);
	struct ipi_acc *e;
	__u32 h;

	if (!t)
		return;
	e = &t->e[t->hint % IPI_TAB_SLOTS];
	if (ipi_is(e, target, pid)) {
		e->count++;
		return;
	}
	/* the product's top bits: its low ones depend on the low bits of
	 * the key only, which would leave the target out */
	h = (((target << 22) ^ pid) * 2654435761U) >> 25;
	for (int i = 0; i < IPI_TAB_PROBES; i++) {
		__u32 k = (h + i) % IPI_TAB_SLOTS;

		e = &t->e[k];
		if (ipi_is(e, target, pid)) {
			e->count++;
			t->hint = k;
			return;
		}
		if (!e->count) {
			e->target_cpu = target;
			e->sender_pid = pid;
			e->count = 1;
			bpf_get_current_comm(e->comm, sizeof(e->comm));
			t->hint = k;
			return;
		}
	}
	ipi_count_hash(target, slot);
}

SEC("tp_btf/ipi_send_cpu")
int BPF_PROG(ipi_send_cpu, const unsigned int cpu, unsigned long callsite,
	     void *callback)
{
	if (cpu_watched(cpu))
		ipi_count(cpu, epoch & 1);
	return 0;
}

SEC("tp_btf/ipi_send_cpumask")
int BPF_PROG(ipi_send_cpumask, const struct cpumask *mask,
	     unsigned long callsite, void *callback)
{
	__u32 slot = epoch & 1;

	for (__u32 w = 0; w < RTBPF_MAX_CPUS / 64 && w < cfg_cpu_words; w++) {
		__u64 bits = 0;

		bpf_probe_read_kernel(&bits, sizeof(bits), &mask->bits[w]);
		bits &= cfg_cpu_mask[w];
		for (__u32 b = 0; b < 64 && bits; b++) {
			if (!(bits & (1ULL << b)))
				continue;
			bits &= ~(1ULL << b);
			ipi_count(w * 64 + b, slot);
		}
	}
	return 0;
}

static __always_inline int on_fault(bool user)
{
	struct noise_cpu_stats *st = this_stats();
	struct task_struct *task;
	struct fault_tab *ft;
	__u32 slot = epoch & 1, pid;

	if (!st)
		return 0;
	if (user)
		st->faults_user++;
	else
		st->faults_kernel++;
	ft = bpf_map_lookup_elem(&fault_tasks, &slot);
	if (!ft)
		return 0;
	task = bpf_get_current_task_btf();
	pid = task->pid;
	/* A fault has no duration: the entry's ns field counts the kernel
	 * faults, its count all of them. */
	task_tab_add(&ft->t, &ft->hint, &ft->other, pid, task, user ? 0 : 1);
	return 0;
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(page_fault_user, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return on_fault(true);
}

SEC("tp_btf/page_fault_kernel")
int BPF_PROG(page_fault_kernel, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return on_fault(false);
}
