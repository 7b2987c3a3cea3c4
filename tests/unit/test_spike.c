// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Spike breakdown on a crafted event whose answer is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "monitor/spike.h"

static void run(struct spike_event *ev, int i, __u32 pid, const char *comm,
		__u64 start, __u64 end)
{
	ev->runs[i].pid = ev->runs[i].vpid = pid; /* as on the host */
	ev->runs[i].start = start;
	ev->runs[i].end = end;
	strncpy(ev->run_comm[i], comm, sizeof(ev->run_comm[i]) - 1);
}

static void noise(struct spike_event *ev, int i, __u32 kind, __u32 id,
		  __u64 start, __u64 end, __u64 net)
{
	ev->noise[i] = (struct noise_event){ .start = start,
					     .end = end,
					     .net_ns = net,
					     .kind = kind,
					     .id = id };
}

static const struct spike_part *find(const struct spike_report *r, __u32 kind,
				     __u32 id)
{
	for (unsigned int i = 0; i < r->nparts; i++)
		if (r->parts[i].kind == kind && r->parts[i].id == id)
			return &r->parts[i];
	return NULL;
}

static void expect(const struct spike_report *r, __u32 kind, __u32 id, __u64 ns)
{
	const struct spike_part *p = find(r, kind, id);

	assert_non_null(p);
	assert_int_equal(p->ns, ns);
}

static void test_breakdown_adds_up(void **state)
{
	struct spike_event *ev = calloc(1, sizeof(*ev));
	struct spike_report *r = calloc(1, sizeof(*r));

	(void)state;
	ev->wait_start = 1000;
	ev->run_at = 11000;
	ev->have_noise = 1;
	/* a run that ended before the wait counts nothing */
	run(ev, 0, 3, "early", 0, 900);
	run(ev, 1, 5, "hog", 900, 9000);
	run(ev, 2, 0, "swapper/1", 9000, 10000);
	run(ev, 3, 7, "prev", 10000, 11000);
	noise(ev, 0, NOISE_HARDIRQ, 24, 2000, 2500, 500);
	/* softirq 3000..4000 with hard IRQ 25 (200 ns) inside: net 800 */
	noise(ev, 1, NOISE_SOFTIRQ, 3, 3000, 4000, 800);
	noise(ev, 2, NOISE_HARDIRQ, 25, 3200, 3400, 200);
	noise(ev, 3, NOISE_VECTOR, VEC_LOCAL_TIMER, 9500, 9600, 100);
	noise(ev, 4, NOISE_VECTOR, VEC_RESCHEDULE, 10500, 10510, 10);
	/* before the wait: ignored */
	noise(ev, 5, NOISE_HARDIRQ, 24, 100, 200, 100);
	spike_analyze(ev, r);

	assert_int_equal(r->latency_ns, 10000);
	assert_int_equal(r->accounted_ns, 10000);
	expect(r, SPIKE_TASK, 5, 8000 - 500 - 800 - 200);
	expect(r, SPIKE_IDLE, 0, 900);
	expect(r, SPIKE_TASK, 7, 990);
	expect(r, SPIKE_HARDIRQ, 24, 500);
	expect(r, SPIKE_HARDIRQ, 25, 200);
	expect(r, SPIKE_SOFTIRQ, 3, 800);
	expect(r, SPIKE_VECTOR, VEC_LOCAL_TIMER, 100);
	expect(r, SPIKE_VECTOR, VEC_RESCHEDULE, 10);
	assert_null(find(r, SPIKE_TASK, 3));
	assert_int_equal(r->ipis, 1);
	/* largest first, with its name */
	assert_int_equal(r->parts[0].kind, SPIKE_TASK);
	assert_string_equal(r->parts[0].comm, "hog");
	free(ev);
	free(r);
}

static void test_clipping_and_missing_history(void **state)
{
	struct spike_event *ev = calloc(1, sizeof(*ev));
	struct spike_report *r = calloc(1, sizeof(*r));

	(void)state;
	ev->wait_start = 1000;
	ev->run_at = 5000;
	/* noise collectors off: whatever is in noise[] is ignored */
	ev->have_noise = 0;
	noise(ev, 0, NOISE_HARDIRQ, 1, 1500, 2500, 1000);
	/* history reaches back only to 3000 */
	run(ev, 0, 9, "task", 3000, 5000);
	spike_analyze(ev, r);
	assert_int_equal(r->latency_ns, 4000);
	assert_int_equal(r->accounted_ns, 2000);
	expect(r, SPIKE_TASK, 9, 2000);
	assert_null(find(r, SPIKE_HARDIRQ, 1));
	/* a softirq half inside the wait counts half its net time */
	ev->have_noise = 1;
	memset(ev->noise, 0, sizeof(ev->noise));
	noise(ev, 0, NOISE_SOFTIRQ, 9, 4500, 5500, 600);
	spike_analyze(ev, r);
	expect(r, SPIKE_SOFTIRQ, 9, 300);
	expect(r, SPIKE_TASK, 9, 2000 - 300);
	free(ev);
	free(r);
}

/* A remote wakeup: its delivery is one part, named by the waker; what ran
 * on the CPU is counted from sched_wakeup on; the parts add up. */
static void test_delivery_part(void **state)
{
	struct spike_event *ev = calloc(1, sizeof(*ev));
	struct spike_report *r = calloc(1, sizeof(*r));
	const struct spike_part *p;

	(void)state;
	ev->wait_start = 1000;
	ev->wake_at = 4000;
	ev->run_at = 6000;
	ev->waker_cpu = 0;
	ev->waker_pid = 77;
	ev->have_noise = 1;
	run(ev, 0, 9, "busy", 0, 4500);
	run(ev, 1, 8, "other", 4500, 6000);
	/* an IPI that hit the busy task inside the delivery: counted, but
	 * its time is the delivery's, not a part of its own */
	noise(ev, 0, NOISE_VECTOR, VEC_CALL_FUNCTION_SINGLE, 3500, 3900, 400);
	noise(ev, 1, NOISE_VECTOR, VEC_LOCAL_TIMER, 5000, 5100, 100);
	spike_analyze(ev, r);
	assert_int_equal(r->latency_ns, 5000);
	assert_int_equal(r->accounted_ns, 5000);
	p = find(r, SPIKE_DELIVERY, 77);
	assert_non_null(p);
	assert_int_equal(p->ns, 3000);
	assert_int_equal(p->cpu, 0);
	expect(r, SPIKE_TASK, 9, 500);
	expect(r, SPIKE_TASK, 8, 1400);
	expect(r, SPIKE_VECTOR, VEC_LOCAL_TIMER, 100);
	assert_null(find(r, SPIKE_VECTOR, VEC_CALL_FUNCTION_SINGLE));
	assert_int_equal(r->ipis, 1);
	assert_int_equal(r->parts[0].kind, SPIKE_DELIVERY);
	/* a preempted thread's wait has no delivery part, whatever wake_at
	 * says: all of it is what ran on the CPU */
	ev->preempted = 1;
	spike_analyze(ev, r);
	assert_null(find(r, SPIKE_DELIVERY, 77));
	assert_int_equal(r->accounted_ns, 5000);
	expect(r, SPIKE_TASK, 9, 3500 - 400);
	expect(r, SPIKE_VECTOR, VEC_CALL_FUNCTION_SINGLE, 400);
	free(ev);
	free(r);
}

/* rtbpf in a PID namespace: BPF gives each run's pid there (vpid, 0 for
 * a task outside it) and WAKER_OUTSIDE for a waker outside it. Parts stay
 * apart by the global pid and show the namespace's. */
static void test_pidns_parts(void **state)
{
	struct spike_event *ev = calloc(1, sizeof(*ev));
	struct spike_report *r = calloc(1, sizeof(*r));
	const struct spike_part *p;

	(void)state;
	ev->wait_start = 1000;
	ev->wake_at = 2000;
	ev->run_at = 5000;
	ev->waker_pid = WAKER_OUTSIDE;
	run(ev, 0, 5001, "kworker/1:0", 2000, 3000);
	run(ev, 1, 5002, "ksoftirqd/1", 3000, 4000);
	run(ev, 2, 6000, "app", 4000, 5000);
	ev->runs[0].vpid = ev->runs[1].vpid = 0; /* outside */
	ev->runs[2].vpid = 12;
	spike_analyze(ev, r);
	assert_int_equal(r->accounted_ns, 4000);
	p = find(r, SPIKE_TASK, 5001);
	assert_non_null(p);
	assert_int_equal(p->pid, 0);
	assert_int_equal(p->ns, 1000);
	p = find(r, SPIKE_TASK, 5002);
	assert_non_null(p);
	assert_int_equal(p->pid, 0);
	assert_string_equal(p->comm, "ksoftirqd/1");
	p = find(r, SPIKE_TASK, 6000);
	assert_non_null(p);
	assert_int_equal(p->pid, 12);
	p = find(r, SPIKE_DELIVERY, WAKER_OUTSIDE);
	assert_non_null(p);
	assert_int_equal(p->pid, 0);
	assert_int_equal(p->ns, 1000);
	free(ev);
	free(r);
}

/* A thread woken by its own hrtimer (timerlat): from the expiry, the IRQ
 * delay in the task it interrupted (net of an earlier IRQ), the timer IRQ
 * with the wakeup inside it (no delivery part), a softirq after it (with
 * the timer IRQ inside another one counted once), the task until the
 * switch; the parts add up to expiry -> switch-in. */
static void test_timer_wakeup(void **state)
{
	struct spike_event *ev = calloc(1, sizeof(*ev));
	struct spike_report *r = calloc(1, sizeof(*r));

	(void)state;
	ev->timer_expiry = 1000;
	ev->timer_irq_at = 1600;
	ev->wait_start = 2000; /* sched_waking, inside the timer IRQ */
	ev->wake_at = 2010;
	ev->run_at = 4000;
	ev->waker_pid = 5;
	ev->have_noise = 1;
	run(ev, 0, 5, "hog", 0, 4000);
	noise(ev, 0, NOISE_HARDIRQ, 24, 1100, 1300, 200);
	noise(ev, 1, NOISE_VECTOR, VEC_LOCAL_TIMER, 1500, 2500, 1000);
	noise(ev, 2, NOISE_SOFTIRQ, 3, 2500, 3000, 500);
	spike_analyze(ev, r);
	assert_int_equal(r->latency_ns, 3000);
	assert_int_equal(r->accounted_ns, 3000);
	expect(r, SPIKE_IRQ_DELAY, 5, 300);
	expect(r, SPIKE_HARDIRQ, 24, 200);
	expect(r, SPIKE_TIMER_IRQ, 0, 1000);
	expect(r, SPIKE_SOFTIRQ, 3, 500);
	expect(r, SPIKE_TASK, 5, 1000);
	assert_null(find(r, SPIKE_DELIVERY, 5));
	assert_null(find(r, SPIKE_VECTOR, VEC_LOCAL_TIMER));
	/* the timer IRQ came inside a softirq that began before the expiry:
	 * the softirq's net time only, once */
	noise(ev, 2, NOISE_SOFTIRQ, 3, 800, 2800, 800);
	spike_analyze(ev, r);
	assert_int_equal(r->accounted_ns, 3000);
	expect(r, SPIKE_SOFTIRQ, 3, 1800 - 200 - 1000);
	/* [expiry, IRQ) was all interrupts: no delay left in the task */
	assert_null(find(r, SPIKE_IRQ_DELAY, 5));
	expect(r, SPIKE_TASK, 5, 1500 - 300);
	free(ev);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_breakdown_adds_up),
		cmocka_unit_test(test_clipping_and_missing_history),
		cmocka_unit_test(test_delivery_part),
		cmocka_unit_test(test_timer_wakeup),
		cmocka_unit_test(test_pidns_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
