// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What takes a CPU away from rtbpf osnoise's probe, the busy-looping
 * thread of that CPU: every hard IRQ, x86 system vector, softirq, NMI
 * handler and every preemption of the probe in its runtime (from its
 * involuntary switch-out to its switch-in) that ends on a CPU with a
 * probe adds its net time (less the interrupts inside it, so nothing
 * counts twice) to that CPU's running totals (struct osnoise_cpu,
 * mmapped), and goes on its ring with its end time and the totals then:
 * the parts of a gap in the probe's clock reads are the totals after it
 * less those before it, however many events it held. Time the probe was
 * off the CPU stopped or blocked is its own (self_ns). The threads that
 * ran while a probe was preempted go into the per-thread table, net of
 * interrupts.
 *
 * Hooks: tp_btf only (irq_handler_entry/exit, irq_vectors
 * local_timer, reschedule, call_function, call_function_single, irq_work
 * entry/exit, softirq_entry/exit, nmi_handler, sched_switch). Cost per
 * event on a CPU without a probe: one array lookup; with one: a clock
 * read and a few writes to the CPU's own entry; a thread's run adds a
 * hash update. In a PID namespace (cfg_pidns_ino, pidns.bpf.h) the probe's
 * global pid is learnt once per CPU, a new thread in the table costs a
 * walk of its struct pid. Minimum kernel: 5.5 (tp_btf).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "noise.h"
#include "osnoise.h"
#include "pidns.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, RTBPF_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct osnoise_cpu);
} osn_cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OSNOISE_MAX_THREADS);
	__type(key, struct osnoise_tkey);
	__type(value, struct osnoise_tval);
} osn_threads SEC(".maps");

/* This CPU's entry when it has a probe, else NULL. */
static __always_inline struct osnoise_cpu *this_cpu(void)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct osnoise_cpu *c = bpf_map_lookup_elem(&osn_cpus, &cpu);

	return c && c->probe_tid ? c : NULL;
}

/* An interference of kind ended now, net ns long: into the totals, then
 * a ring entry with them (its slot taken first: an NMI in the middle
 * takes the next one). Kind OSN_KINDS: only the entry (self_ns moved). */
static __always_inline void push(struct osnoise_cpu *c, __u32 kind, __u64 now,
				 __u64 net)
{
	struct osnoise_event *e;
	__u64 i;

	if (kind < OSN_KINDS) {
		c->sum.ns[kind] += net;
		c->sum.n[kind]++;
	}
	i = c->head++;
	e = &c->ev[i % OSNOISE_RING];
	e->end = now;
	e->sum = c->sum;
}

/* What interrupts a hard IRQ, a softirq, a thread: their totals. */
static __always_inline __u64 below_irq(const struct osnoise_cpu *c)
{
	return c->sum.ns[OSN_NMI];
}

static __always_inline __u64 below_soft(const struct osnoise_cpu *c)
{
	return below_irq(c) + c->sum.ns[OSN_IRQ] + c->sum.ns[OSN_VECTOR];
}

static __always_inline __u64 below_task(const struct osnoise_cpu *c)
{
	return below_soft(c) + c->sum.ns[OSN_SOFTIRQ];
}

/* A's time less what interrupted it since (totals then: base). */
static __always_inline __u64 net_of(__u64 start, __u64 now, __u64 base,
				    __u64 inner)
{
	__u64 gross = now - start, nested = inner - base;

	return gross > nested ? gross - nested : 0;
}

static __always_inline int hard_entry(void)
{
	struct osnoise_cpu *c = this_cpu();

	if (c && !c->irq_depth++) {
		c->irq_start = bpf_ktime_get_ns();
		c->irq_base = below_irq(c);
	}
	return 0;
}

static __always_inline int hard_exit(__u32 kind)
{
	struct osnoise_cpu *c = this_cpu();
	__u64 now;

	if (!c || !c->irq_depth || --c->irq_depth || !c->irq_start)
		return 0;
	now = bpf_ktime_get_ns();
	push(c, kind, now,
	     net_of(c->irq_start, now, c->irq_base, below_irq(c)));
	c->irq_start = 0;
	return 0;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(osn_irq_entry, int irq, struct irqaction *action)
{
	return hard_entry();
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(osn_irq_exit, int irq, struct irqaction *action, int ret)
{
	return hard_exit(OSN_IRQ);
}

#define VECTOR(tp, id)                             \
	SEC("tp_btf/" #tp "_entry")                \
	int BPF_PROG(osn_##tp##_entry, int vector) \
	{                                          \
		return hard_entry();               \
	}                                          \
	SEC("tp_btf/" #tp "_exit")                 \
	int BPF_PROG(osn_##tp##_exit, int vector)  \
	{                                          \
		return hard_exit(OSN_VECTOR);      \
	}

VECTOR(local_timer, VEC_LOCAL_TIMER)
VECTOR(reschedule, VEC_RESCHEDULE)
VECTOR(call_function, VEC_CALL_FUNCTION)
VECTOR(call_function_single, VEC_CALL_FUNCTION_SINGLE)
VECTOR(irq_work, VEC_IRQ_WORK)

SEC("tp_btf/softirq_entry")
int BPF_PROG(osn_softirq_entry, unsigned int vec)
{
	struct osnoise_cpu *c = this_cpu();

	if (c) {
		c->soft_start = bpf_ktime_get_ns();
		c->soft_base = below_soft(c);
	}
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(osn_softirq_exit, unsigned int vec)
{
	struct osnoise_cpu *c = this_cpu();
	__u64 now;

	if (!c || !c->soft_start)
		return 0;
	now = bpf_ktime_get_ns();
	push(c, OSN_SOFTIRQ, now,
	     net_of(c->soft_start, now, c->soft_base, below_soft(c)));
	c->soft_start = 0;
	return 0;
}

/* The kernel times each NMI handler itself (delta_ns). */
SEC("tp_btf/nmi_handler")
int BPF_PROG(osn_nmi, void *handler, s64 delta_ns, int handled)
{
	struct osnoise_cpu *c = this_cpu();

	if (c && delta_ns > 0)
		push(c, OSN_NMI, bpf_ktime_get_ns(), (__u64)delta_ns);
	return 0;
}

/* prev ran from c->run_start while the probe waited: into its entry. */
static __always_inline void charge_run(struct osnoise_cpu *c,
				       struct task_struct *prev, __u64 now)
{
	struct osnoise_tkey k = { bpf_get_smp_processor_id(), prev->pid };
	struct osnoise_tval *v, nv = {};
	__u64 ns = net_of(c->run_start, now, c->run_base, below_task(c));

	v = bpf_map_lookup_elem(&osn_threads, &k);
	if (v) {
		__sync_fetch_and_add(&v->ns, ns);
		__sync_fetch_and_add(&v->runs, 1);
		return;
	}
	nv.ns = ns;
	nv.runs = 1;
	nv.pid = cfg_pidns_ino ? task_ns_pid(prev) : prev->pid;
	bpf_probe_read_kernel_str(nv.comm, sizeof(nv.comm), prev->comm);
	/* a race for the same new key cannot happen (one CPU): the table
	 * is full */
	if (bpf_map_update_elem(&osn_threads, &k, &nv, BPF_NOEXIST))
		c->untracked_ns += ns;
}

/* The probe leaves the CPU in its runtime: preempted (still runnable),
 * noise until it runs again; else stopped or blocked, its own time. */
static __always_inline void probe_out(struct osnoise_cpu *c, bool preempt,
				      struct task_struct *prev,
				      struct task_struct *next, __u64 now)
{
	if (!c->spinning)
		return;
	if (preempt || !get_task_state(prev)) {
		c->off_start = now;
		c->off_base = below_task(c);
		c->off_first = next->pid;
	} else {
		c->self_start = now;
		c->self_base = below_task(c);
	}
}

/* The probe runs again: the time since it left, net of interrupts. */
static __always_inline void probe_in(struct osnoise_cpu *c, __u64 now)
{
	if (c->off_start)
		push(c, OSN_THREAD, now,
		     net_of(c->off_start, now, c->off_base, below_task(c)));
	if (c->self_start) {
		c->sum.self_ns +=
			net_of(c->self_start, now, c->self_base, below_task(c));
		/* an entry, so the probe sees the totals move */
		push(c, OSN_KINDS, now, 0);
	}
	c->off_start = c->self_start = 0;
}

/*
 * The probe's pid as prev and next carry it. In a PID namespace,
 * probe_tid is the namespace's: the global one is learnt at the first
 * switch of the probe (it writes probe_tid while it runs) and compared
 * from then on; until then (u32)-1, which no task has (0 would match
 * the idle task).
 */
static __always_inline __u32 probe_pid(struct osnoise_cpu *c,
				       struct task_struct *prev,
				       struct task_struct *next)
{
	if (!cfg_pidns_ino)
		return c->probe_tid;
	if (!c->probe_kpid) {
		if (prev->pid && task_ns_pid(prev) == c->probe_tid)
			c->probe_kpid = prev->pid;
		else if (next->pid && task_ns_pid(next) == c->probe_tid)
			c->probe_kpid = next->pid;
		else
			return (__u32)-1;
	}
	return c->probe_kpid;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(osn_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct osnoise_cpu *c = this_cpu();
	__u32 probe;
	__u64 now;

	if (!c)
		return 0;
	probe = probe_pid(c, prev, next);
	now = bpf_ktime_get_ns();
	if (prev->pid == probe)
		probe_out(c, preempt, prev, next, now);
	else if (c->off_start && c->run_start && prev->pid)
		charge_run(c, prev, now);
	c->run_start = 0;
	if (next->pid == probe) {
		probe_in(c, now);
	} else if (c->off_start) {
		c->run_start = now;
		c->run_base = below_task(c);
	}
	return 0;
}
