// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * prom_bench: the exporter's cost to build its page (expo_render, text
 * format) for a synthetic run of N CPUs with every collector on: each CPU
 * with filled wait and delivery histograms, 4 IRQs, every vector and
 * softirq, 8 preemptors, 8 stolen and 8 faulting tasks. Prints one JSON
 * line: cpus, bytes, samples, median and best ns per build over R builds.
 * No BPF, no root.
 *   prom_bench [CPUS [ROUNDS]]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "monitor/coll.h"
#include "monitor/expo.h"
#include "monitor/monitor.h"
#include "monitor/render.h"

static bool all_on(const struct coll *c, const char *part)
{
	(void)c, (void)part;
	return true;
}

static const struct coll_ops sched_ops = { .name = "sched",
					   .has = all_on,
					   .prom = sched_render_prom };
static const struct coll_ops noise_ops = { .name = "noise",
					   .has = all_on,
					   .prom = noise_render_prom };

static void fill_cpu(struct coll_snaps *s, unsigned int cpu)
{
	struct sched_cpu *c = &s->sched.cpu[cpu];
	struct noise_cpu *n = &s->noise.cpu[cpu];

	for (uint64_t v = 500; v < 50000000; v = v * 11 / 10) {
		hist_add_value(&c->lat, v);
		hist_add_value(&c->dlv, v / 8);
	}
	c->wakeups = c->vol = c->invol = 1000 + cpu;
	c->stolen_ns = 1000000;
	for (unsigned int q = 0; q < 4; q++)
		n->irq[24 + q] = (struct noise_fig){ .count = 10, .ns = 9000 };
	for (unsigned int v = 0; v < NOISE_VECTORS; v++)
		n->vector[v] = (struct noise_fig){ .count = 5, .ns = 500 };
	for (unsigned int v = 0; v < NOISE_SOFTIRQS; v++)
		n->softirq[v] = (struct noise_fig){ .count = 5, .ns = 500 };
	n->faults_user = 100;
	for (uint32_t t = 0; t < 8; t++) {
		struct task_entry e = { .cpu = cpu,
					.pid = 1000 + t,
					.ns = 1000 * (t + 1),
					.count = t + 1 };

		snprintf(e.comm, sizeof(e.comm), "task%u", t);
		tasklist_add(&s->sched.pre, &e);
		tasklist_add(&s->sched.stolen, &e);
		tasklist_add(&s->noise.faults, &e);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned int ncpus = argc > 1 ? (unsigned int)atoi(argv[1]) : 2;
	unsigned int rounds = argc > 2 ? (unsigned int)atoi(argv[2]) : 101;
	static struct monitor_opts opts;
	static struct host_info host;
	struct coll_names names = {};
	struct coll_snaps s;
	struct coll_set set = { .n = 2 };
	struct expo e;
	unsigned int *order = calloc(ncpus, sizeof(*order));
	uint64_t *ns = calloc(rounds, sizeof(*ns));
	size_t bytes = 0, samples = 0;

	if (!ncpus || !rounds || !order || !ns || coll_snaps_init(&s, ncpus) ||
	    expo_init(&e))
		return 1;
	set.c[0].ops = &sched_ops;
	set.c[1].ops = &noise_ops;
	for (unsigned int c = 0; c < ncpus; c++) {
		order[c] = c;
		fill_cpu(&s, c);
	}
	struct coll_out o = { .opts = &opts,
			      .host = &host,
			      .order = order,
			      .norder = ncpus,
			      .names = &names };
	struct coll_view v = { .o = &o, .s = &s, .summary = true };

	for (unsigned int r = 0; r < rounds; r++) {
		char *buf = NULL;
		FILE *f = open_memstream(&buf, &bytes);
		uint64_t t0 = now_ns();

		expo_render(&e, f, false, &set, &v);
		fclose(f);
		ns[r] = now_ns() - t0;
		samples = 0;
		for (char *p = buf; p && *p; p = strchr(p, '\n') + 1) {
			samples += *p != '#';
			if (!strchr(p, '\n'))
				break;
		}
		free(buf);
	}
	qsort(ns, rounds, sizeof(*ns), cmp_u64);
	printf("{\"cpus\":%u,\"bytes\":%zu,\"samples\":%zu,\"median_ns\":%llu,"
	       "\"best_ns\":%llu}\n",
	       ncpus, bytes, samples, (unsigned long long)ns[rounds / 2],
	       (unsigned long long)ns[0]);
	expo_fini(&e);
	coll_snaps_fini(&s);
	free(order);
	free(ns);
	return 0;
}
