/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by tests/unit/test_render.c and test_render_text.c: an output
 * (memory stream, a fake name resolver, CPUs 1* and 0), a spike event, and
 * both collectors' renderers as the monitor sets them up. */
#ifndef RTBPF_TEST_RENDER_FIXTURE_H
#define RTBPF_TEST_RENDER_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/coll.h"
#include "monitor/monitor.h"
#include "monitor/render.h"
#include "bpf/sched_abi.h"
#include "monitor/spike.h"

static size_t fake_comm(uint32_t tid, char *comm, size_t len)
{
	if (tid != 4242)
		return 0;
	snprintf(comm, len, "waker");
	return strlen("waker");
}

struct out_fixture {
	struct monitor_opts opts;
	struct host_info host;
	unsigned int order[2];
	struct json_w jw;
	struct coll_names names;
	char *irq[NOISE_MAX_IRQ];
	struct coll_out o;
	char *text;
	size_t len;
	FILE *f;
};

static struct out_fixture *fixture(bool json)
{
	struct out_fixture *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->opts.json = json;
	x->opts.threshold_ns = 20000;
	cpuset_add(&x->host.isolated, 1);
	x->order[0] = 1;
	x->order[1] = 0;
	x->irq[24] = "eth0-rx";
	x->names = (struct coll_names){ .comm = fake_comm,
					.irq = x->irq,
					.nirq = NOISE_MAX_IRQ };
	x->f = open_memstream(&x->text, &x->len);
	assert_non_null(x->f);
	json_init(&x->jw, x->f);
	x->o = (struct coll_out){ .opts = &x->opts,
				  .host = &x->host,
				  .order = x->order,
				  .norder = 2,
				  .out = x->f,
				  .jw = &x->jw,
				  .start_ns = 1000000000ULL,
				  .names = &x->names };
	return x;
}

static void fixture_free(struct out_fixture *x)
{
	if (x->f)
		fclose(x->f);
	free(x->text);
	free(x);
}

static const char *fixture_text(struct out_fixture *x)
{
	fclose(x->f);
	x->f = NULL;
	return x->text;
}

static void spike_event_fixture(struct spike_event *ev)
{
	ev->wait_start = 1000000000ULL + 500000000ULL;
	ev->wake_at = ev->wait_start + 10000;
	ev->run_at = ev->wait_start + 40000;
	ev->cpu = 1;
	ev->pid = 99;
	ev->tgid = 98;
	ev->waker_cpu = 0;
	ev->waker_pid = 4242;
	strcpy(ev->comm, "victim");
	ev->have_noise = 1;
	ev->runs[0] = (struct sched_run){
		.pid = 7, .vpid = 7, .start = ev->wake_at, .end = ev->run_at
	};
	strcpy(ev->run_comm[0], "hog");
	ev->run_head = 1;
	ev->noise[0] = (struct noise_event){ .start = ev->wake_at + 1000,
					     .end = ev->wake_at + 6000,
					     .net_ns = 5000,
					     .kind = NOISE_HARDIRQ,
					     .id = 24 };
	ev->noise_head = 1;
}

/* The renderers of both collectors behind the frame, as the monitor sets
 * them up (the ops tables themselves live with the BPF glue). */
static bool sched_has(const struct coll *c, const char *part)
{
	(void)c;
	return !strcmp(part, "stolen") || !strcmp(part, "sched");
}

static bool noise_has(const struct coll *c, const char *part)
{
	(void)c;
	return !strcmp(part, "irq");
}

static const struct coll_ops sched_r = {
	.has = sched_has,
	.table = sched_render_table,
	.table_end = sched_render_table_end,
	.json_cpu = sched_render_json_cpu,
	.json_cpu_hist = sched_render_json_hist,
	.json_total = sched_render_json_total,
};
static const struct coll_ops noise_r = {
	.has = noise_has,
	.table = noise_render_table,
	.json_cpu = noise_render_json_cpu,
};

#endif
