/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf monitor: its options and the loop's state (monitor.c). */
#ifndef RTBPF_MONITOR_H
#define RTBPF_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "coll.h"
#include "drift.h"
#include "expo.h"
#include "json.h"
#include "noise_coll.h"
#include "render.h"
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
	const char *listen; /* --listen [ADDR]:PORT, NULL: no server */
	const char *textfile; /* --textfile PATH (ends in .prom) */
	bool quiet; /* no table or NDJSON: metrics only */
	struct drift_opts drift; /* --profile: tuning drift in the metrics */
	/* a thread woken by its own hrtimer: timer lateness (timer_wakes
	 * read); with timer_spikes its spike reports start at the expiry */
	bool timer;
	bool timer_spikes;
	/* the sched collector fills timer_wakes for every watched thread
	 * (the monitor); rtbpf timerlat fills it for its probes */
	bool timer_own;
};

/* Options into o (defaults first): 0, CLI_HELP_SHOWN or -EINVAL (said);
 * monitor_opts.c. */
int monitor_parse_opts(struct monitor_opts *o, int argc, char **argv);

struct monitor {
	struct monitor_opts opts;
	struct host_info host;
	unsigned int order[CPUSET_MAX]; /* watched CPUs, isolated first */
	unsigned int norder;
	struct json_w jw;
	struct coll_names names;
	struct coll_out out; /* what the renderers see */
	struct coll_set colls;
	struct coll_snaps interval;
	struct coll_snaps total;
	struct spike_keep spikes; /* the last spikes, rendered */
	/* the exporter (--listen, --textfile): pages built by the loop */
	struct expo_cmd export;
	struct drift *drift; /* --profile */
};

/* monitor_export.c: --listen's socket bound and --profile loaded (before
 * any BPF loads: 0 or -EINVAL, said; -ENOMEM); the pages built and served once the collectors run
 * (0 or -errno, said); one page per interval; everything stopped. */
int monitor_export_bind(struct monitor *m);
int monitor_export_start(struct monitor *m);
void monitor_export_interval(struct monitor *m, uint64_t now);
void monitor_export_stop(struct monitor *m);

#endif
