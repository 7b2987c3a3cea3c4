/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf monitor: state shared by the loop (monitor.c) and output (render.c). */
#ifndef RTBPF_MONITOR_H
#define RTBPF_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "sched_coll.h"
#include "sysinfo.h"

#define MONITOR_SCHEMA 1

struct monitor_opts {
	struct sched_filter filter;
	bool cpus_given;
	struct cpuset housekeeping;
	bool housekeeping_given;
	uint64_t interval_ns;
	uint64_t duration_ns; /* 0: until a signal */
	uint64_t count; /* intervals; 0: no limit */
	bool json;
};

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
};

void render_header(struct monitor *m);
void render_interval(struct monitor *m, uint64_t now_ns, uint64_t dur_ns);
void render_summary(struct monitor *m, uint64_t now_ns);

#endif
