/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf monitor: state shared by the loop (monitor.c) and output (render.c). */
#ifndef RTBPF_MONITOR_H
#define RTBPF_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "noise_coll.h"
#include "sched_coll.h"
#include "sysinfo.h"

struct monitor_opts {
	struct sched_filter filter;
	bool cpus_given;
	struct cpuset housekeeping;
	bool housekeeping_given;
	uint64_t interval_ns;
	uint64_t duration_ns; /* 0: until a signal */
	uint64_t count; /* intervals; 0: no limit */
	bool json;
	struct noise_opts noise; /* collectors asked for */
	bool stolen;
	uint64_t threshold_ns; /* spike reports; 0: off */
	uint64_t spike_rate; /* per CPU and second */
};

#define SPIKE_KEEP 2 /* spikes shown under the live table */

struct monitor {
	struct monitor_opts opts;
	struct host_info host;
	unsigned int order[CPUSET_MAX]; /* watched CPUs, isolated first */
	unsigned int norder;
	bool live; /* redraw a table on a terminal */
	FILE *out;
	struct json_w jw;
	uint64_t start_ns; /* CLOCK_MONOTONIC */
	uint64_t seq;
	struct sched_snap interval;
	struct sched_snap total;
	struct noise_coll *nc; /* NULL: no noise collector loaded */
	struct noise_opts noise_on; /* collectors actually loaded */
	struct noise_snap ninterval;
	struct noise_snap ntotal;
	char *spike_text[SPIKE_KEEP]; /* the last spikes, rendered */
	unsigned int nspike_text;
	uint64_t spikes_shown;
};

struct spike_event;
struct task_entry;

/* "comm/pid" (with_ns: and its time) in at most width columns, the name
 * made safe for a terminal and shortened first; "-" for no task. */
void fmt_task(char *buf, size_t len, const struct task_entry *p, int width,
	      bool with_ns);

void render_header(struct monitor *m);
void render_interval(struct monitor *m, uint64_t now_ns, uint64_t dur_ns);
void render_summary(struct monitor *m, uint64_t now_ns);
/* Noise table and JSON fields (render_noise.c). */
void render_noise_table(struct monitor *m, const struct sched_snap *s,
			const struct noise_snap *n, uint64_t dur_ns);
void render_noise_json(struct monitor *m, const struct sched_snap *s,
		       const struct noise_snap *n, unsigned int cpu);
/* One spike: a text block (kept for the live view) or a JSON record. */
void render_spike(struct monitor *m, const struct spike_event *ev);
void render_spikes_kept(struct monitor *m);

#endif
