/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf timerlat: the run's state (timerlat.c) and its renderers
 * (timerlat_render.c). Single-threaded but for the probes (timerlat.h). */
#ifndef RTBPF_TIMERLAT_RUN_H
#define RTBPF_TIMERLAT_RUN_H

#include <signal.h>
#include <stddef.h>

#include "json.h"
#include "monitor/coll.h"
#include "monitor/expo.h"
#include "monitor/monitor.h"
#include "sysinfo.h"
#include "timerlat.h"

struct ring_buffer;
struct spike_event;
struct timerlat_bpf;

#define TIMERLAT_KEEP 2 /* reports kept under the live table */

struct timerlat_run {
	struct timerlat_opts opts;
	struct host_info host;
	struct timerlat_probe *probes; /* nprobes, by CPU ascending */
	unsigned int nprobes;
	unsigned int *cpus; /* the probes' CPUs */
	struct timerlat_stats *interval, *total; /* by probe */
	volatile sig_atomic_t stop_probes;
	uint64_t first_ns; /* first expiry */
	uint64_t start_ns;
	uint64_t seq; /* intervals rendered */
	uint64_t reports; /* reports rendered */
	/* the analysis: the monitor's collectors */
	struct monitor_opts mopts;
	struct coll_set colls;
	struct coll_names names;
	struct ring_buffer *rb;
	struct timerlat_bpf *skel;
	const struct timerlat_sample *samples; /* mmapped, by CPU */
	size_t samples_len;
	bool live;
	char period[32]; /* the period as typed back: "1ms" */
	struct json_w jw;
	char *kept[TIMERLAT_KEEP]; /* live: the last reports, newest first */
	struct expo_cmd export; /* --listen, --textfile */
};

void timerlat_render_header(struct timerlat_run *t);
void timerlat_render_interval(struct timerlat_run *t, uint64_t dur_ns);
void timerlat_render_summary(struct timerlat_run *t, uint64_t dur_ns);
void timerlat_render_report(struct timerlat_run *t,
			    const struct spike_event *ev);
void timerlat_keep_fini(struct timerlat_run *t);

/* timerlat_prom.c: the page of the run's totals (expo.h), the first one
 * (0 or -errno, said) and one per interval. */
int timerlat_export_start(struct timerlat_run *t);
void timerlat_export_interval(struct timerlat_run *t);

#endif
