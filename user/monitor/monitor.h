/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf monitor: its options and the loop's state (monitor.c). */
#ifndef RTBPF_MONITOR_H
#define RTBPF_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "coll.h"
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
};

#endif
