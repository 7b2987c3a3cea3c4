// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The monitor's collectors without BPF: the set's one flip, one wait and
 * read of every collector (fake collectors record the calls), the
 * interval arithmetic of both collectors against figures worked out by
 * hand. The renderers: test_render.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "monitor/coll.h"
#include "monitor/monitor.h"
#include "monitor/render.h"
#include "monitor/render_util.h"
#include "bpf/sched_abi.h"
#include "monitor/spike.h"
#include "coll_fixture.h"

/* --- a fake collector: each call appends "<name>.<op> " to calls --- */

static char calls[512];
static int read_err; /* returned by the fake read of "b" */

static void note(const struct coll *c, const char *op)
{
	size_t n = strlen(calls);

	snprintf(calls + n, sizeof(calls) - n, "%s.%s ", c->ops->name, op);
}

static int fake_open(struct coll *c, const struct coll_env *env)
{
	note(c, "open");
	/* "skip" has nothing to do, "bad" fails; others see who came first */
	if (!strcmp(c->ops->name, "skip"))
		return 1;
	if (!strcmp(c->ops->name, "bad"))
		return -EIO;
	c->state = (void *)(uintptr_t)(env->nopened + 1);
	return 0;
}

static int fake_attach(struct coll *c)
{
	note(c, "attach");
	/* "gone" finds nothing left to attach */
	return !strcmp(c->ops->name, "gone");
}

static bool fake_has(const struct coll *c, const char *part)
{
	return !strcmp(c->ops->name, part);
}

static struct bpf_object *fake_obj(const struct coll *c)
{
	(void)c;
	return NULL;
}

static void fake_flip(struct coll *c)
{
	note(c, "flip");
}

static int fake_read(struct coll *c, struct coll_snaps *s)
{
	note(c, "read");
	s->sched.cpu[0].wakeups = 5;
	return !strcmp(c->ops->name, "b") ? read_err : 0;
}

static int fake_merge(const struct coll *c, struct coll_snaps *total,
		      const struct coll_snaps *a)
{
	note(c, "merge");
	total->sched.cpu[0].wakeups += a->sched.cpu[0].wakeups;
	return 0;
}

static void fake_free(struct coll *c)
{
	note(c, "free");
}

#define FAKE(n, p)                                                         \
	{                                                                  \
		.name = n, .place = p, .open = fake_open,                  \
		.attach = fake_attach, .has = fake_has, .obj = fake_obj,   \
		.flip = fake_flip, .read = fake_read, .merge = fake_merge, \
		.free = fake_free,                                         \
	}

static const struct coll_ops op_a = FAKE("a", 1), op_b = FAKE("b", 0),
			     op_skip = FAKE("skip", 2), op_bad = FAKE("bad", 3),
			     op_gone = FAKE("gone", 4);

static void test_set_flips_all_then_reads(void **state)
{
	const struct coll_ops *const ops[] = { &op_a, &op_skip, &op_gone,
					       &op_b };
	struct coll_env env = {};
	struct coll_snaps iv, total;
	struct coll_set set;

	(void)state;
	assert_int_equal(coll_snaps_init(&iv, 2), 0);
	assert_int_equal(coll_snaps_init(&total, 2), 0);
	calls[0] = '\0';
	assert_int_equal(coll_set_open(&set, ops, 4, &env), 0);
	/* opened in the order given, "b" after "a"; kept by place; one left
	 * with nothing once attached is freed */
	assert_string_equal(calls, "a.open a.attach skip.open gone.open "
				   "gone.attach gone.free b.open b.attach ");
	assert_int_equal(set.n, 2);
	assert_ptr_equal(set.c[0].ops, &op_b);
	assert_ptr_equal(set.c[0].state, (void *)2);
	assert_ptr_equal(set.c[1].ops, &op_a);
	assert_true(coll_set_has(&set, "a"));
	assert_false(coll_set_has(&set, "skip"));
	assert_false(coll_set_has(&set, "gone"));

	/* every epoch flipped before the one wait, then each read */
	calls[0] = '\0';
	read_err = 0;
	assert_int_equal(coll_set_read(&set, &iv, &total), 0);
	assert_string_equal(calls,
			    "b.flip a.flip b.read b.merge a.read a.merge ");
	assert_int_equal(total.sched.cpu[0].wakeups, 10);

	/* a read that fails stops the round and is returned (logged) */
	calls[0] = '\0';
	read_err = -EBADF;
	assert_int_equal(coll_set_read(&set, &iv, &total), -EBADF);
	assert_string_equal(calls, "b.flip a.flip b.read ");

	calls[0] = '\0';
	coll_set_free(&set);
	assert_string_equal(calls, "a.free b.free ");
	assert_int_equal(set.n, 0);
	coll_snaps_fini(&iv);
	coll_snaps_fini(&total);
}

static void test_set_open_failure_frees(void **state)
{
	const struct coll_ops *const ops[] = { &op_a, &op_b, &op_bad,
					       &op_skip };
	struct coll_env env = {};
	struct coll_set set;

	(void)state;
	calls[0] = '\0';
	assert_int_equal(coll_set_open(&set, ops, 4, &env), -EIO);
	assert_string_equal(calls, "a.open a.attach b.open b.attach bad.open "
				   "b.free a.free ");
	assert_int_equal(set.n, 0);
}

/* --- the sched collector's arithmetic --- */

static void test_sched_delta(void **state)
{
	struct sched_cpu_stats *k = calloc(1, sizeof(*k)),
			       *p = calloc(1, sizeof(*p));
	struct sched_slot *sl = calloc(1, sizeof(*sl));
	struct sched_cpu u = {};
	uint32_t b10 = hist_bucket(10000), b50 = hist_bucket(50000);

	(void)state;
	/* 3 waits of ~10 us and 1 of ~50 us since the last read */
	p->hist[b10] = 4;
	k->hist[b10] = 7;
	k->hist[b50] = 1;
	p->sum_ns = 1000;
	k->sum_ns = 1000 + 3 * 10000 + 50000;
	p->invol_switches = 2;
	k->invol_switches = 9;
	k->stolen_ns = 777;
	/* the slot saw no minimum (0) and a maximum recorded after the
	 * buckets were read: both kept inside the buckets that count */
	sl->mm.min_ns = 0;
	sl->mm.max_ns = 10000000;
	/* 2 timer wakeups of ~50 us since the last read, exact extremes */
	p->hist_timer[b50] = 1;
	k->hist_timer[b50] = 3;
	k->timer_sum_ns = 2 * 50000;
	sl->mm_timer.min_ns = 49500;
	sl->mm_timer.max_ns = 51000;
	sched_cpu_delta(&u, k, p, sl);
	assert_int_equal(u.timer.count, 2);
	assert_int_equal(u.timer.sum, 100000);
	assert_int_equal(u.timer.min, 49500);
	assert_int_equal(u.timer.max, 51000);
	assert_int_equal(u.lat.count, 4);
	assert_int_equal(u.lat.sum, 80000);
	assert_int_equal(u.lat.min, hist_bucket_lo(b10));
	assert_int_equal(u.lat.max, hist_bucket_hi(b50));
	assert_int_equal(u.invol, 7);
	assert_int_equal(u.stolen_ns, 777);
	/* no delivery samples: no extremes either */
	assert_int_equal(u.dlv.count, 0);
	assert_int_equal(u.dlv.max, 0);
	free(k);
	free(p);
	free(sl);
}

static void test_sched_merge(void **state)
{
	struct coll_snaps t, a;

	(void)state;
	assert_int_equal(coll_snaps_init(&t, 2), 0);
	assert_int_equal(coll_snaps_init(&a, 2), 0);
	hist_add_value(&a.sched.cpu[1].lat, 5000);
	a.sched.cpu[1].wakeups = 3;
	a.sched.cpu[1].spikes_lost = 1;
	add_task(&a.sched.pre, 1, 42, 100, "hog");
	assert_int_equal(sched_snap_merge(&t.sched, &a.sched), 0);
	assert_int_equal(sched_snap_merge(&t.sched, &a.sched), 0);
	assert_int_equal(t.sched.cpu[1].lat.count, 2);
	assert_int_equal(t.sched.cpu[1].lat.max, 5000);
	assert_int_equal(t.sched.cpu[1].wakeups, 6);
	assert_int_equal(t.sched.cpu[1].spikes_lost, 2);
	assert_int_equal(t.sched.cpu[0].wakeups, 0);
	/* one task, its time added up */
	assert_int_equal(t.sched.pre.n, 1);
	assert_int_equal(t.sched.pre.v[0].ns, 200);
	assert_int_equal(t.sched.pre.v[0].count, 2);
	/* cleared for the next interval */
	sched_snap_clear(&a.sched);
	assert_int_equal(a.sched.cpu[1].wakeups, 0);
	assert_int_equal(a.sched.pre.n, 0);
	coll_snaps_fini(&t);
	coll_snaps_fini(&a);
}

/* --- the noise collectors' arithmetic --- */

static void test_noise_delta_merge(void **state)
{
	struct noise_cpu_stats *k = calloc(1, sizeof(*k)),
			       *p = calloc(1, sizeof(*p));
	struct irq_stats *ik = calloc(1, sizeof(*ik)),
			 *ip = calloc(1, sizeof(*ip));
	char sender[16] = "sender";
	struct coll_snaps ts, as;
	struct noise_snap *t = &ts.noise, *a = &as.noise;

	(void)state;
	assert_int_equal(coll_snaps_init(&ts, 2), 0);
	assert_int_equal(coll_snaps_init(&as, 2), 0);
	ip->irq[24] = (struct noise_acc){ .count = 10, .ns = 1000 };
	ik->irq[24] =
		(struct noise_acc){ .count = 13, .ns = 1600, .max_ns = 400 };
	k->vector[VEC_LOCAL_TIMER] =
		(struct noise_acc){ .count = 4, .ns = 800, .max_ns = 300 };
	k->vector_idle[VEC_LOCAL_TIMER] = 3;
	k->softirq[1] = (struct noise_acc){ .count = 2, .ns = 50 };
	k->faults_user = 6;
	p->faults_user = 1;
	noise_cpu_delta(&a->cpu[1], k, p, ik, ip);
	assert_int_equal(a->cpu[1].irq[24].count, 3);
	assert_int_equal(a->cpu[1].irq[24].ns, 600);
	/* a maximum is the one since the start, not a difference */
	assert_int_equal(a->cpu[1].irq[24].max_ns, 400);
	assert_int_equal(a->cpu[1].vector[VEC_LOCAL_TIMER].idle, 3);
	assert_int_equal(a->cpu[1].faults_user, 5);
	assert_int_equal(noise_cpu_irq(&a->cpu[1]).ns, 600 + 800);
	assert_int_equal(noise_cpu_irq(&a->cpu[1]).count, 3 + 4);
	assert_int_equal(noise_cpu_irq(&a->cpu[1]).max_ns, 400);
	assert_int_equal(noise_cpu_softirq_ns(&a->cpu[1]), 50);

	/* IPIs to a CPU past the snapshot are dropped */
	assert_int_equal(noise_snap_add_ipi(a, 1, 0, 77, 4, sender), 0);
	assert_int_equal(noise_snap_add_ipi(a, 9, 0, 77, 4, sender), 0);
	assert_int_equal(a->cpu[1].ipis, 4);
	assert_int_equal(a->ipis.n, 1);
	assert_int_equal(a->ipis.v[0].aux, 0);

	assert_int_equal(noise_snap_merge(t, a), 0);
	a->cpu[1].irq[24].max_ns = 100;
	assert_int_equal(noise_snap_merge(t, a), 0);
	assert_int_equal(t->cpu[1].irq[24].count, 6);
	assert_int_equal(t->cpu[1].irq[24].max_ns, 400);
	assert_int_equal(t->cpu[1].vector[VEC_LOCAL_TIMER].idle, 6);
	assert_int_equal(t->cpu[1].ipis, 8);
	assert_int_equal(t->ipis.v[0].count, 8);
	noise_snap_clear(a);
	assert_int_equal(a->cpu[1].ipis, 0);
	assert_int_equal(a->ipis.n, 0);
	coll_snaps_fini(&ts);
	coll_snaps_fini(&as);
	free(k);
	free(p);
	free(ik);
	free(ip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_flips_all_then_reads),
		cmocka_unit_test(test_set_open_failure_frees),
		cmocka_unit_test(test_sched_delta),
		cmocka_unit_test(test_sched_merge),
		cmocka_unit_test(test_noise_delta_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
