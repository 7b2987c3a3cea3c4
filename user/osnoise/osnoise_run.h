/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf osnoise: the run's state (osnoise.c) and its renderers
 * (osnoise_render.c). Single-threaded but for the probes (osnoise.h). */
#ifndef RTBPF_OSNOISE_RUN_H
#define RTBPF_OSNOISE_RUN_H

#include <signal.h>
#include <stddef.h>

#include "json.h"
#include "monitor/expo.h"
#include "osnoise.h"
#include "sysinfo.h"

struct osnoise_bpf;

/* A thread that ran while a probe was preempted. */
struct osnoise_thread {
	unsigned int cpu;
	unsigned int pid;
	uint64_t ns, runs;
	char comm[RTBPF_COMM_LEN];
};

struct osnoise_run {
	struct osnoise_opts opts;
	struct host_info host;
	struct osnoise_probe *probes; /* nprobes, by CPU ascending */
	unsigned int nprobes;
	unsigned int *cpu_ids; /* the probes' CPUs */
	/* by probe: the last take, the interval, the run */
	struct osnoise_stats *last, *interval, *total;
	volatile sig_atomic_t stop_probes;
	uint64_t first_ns, start_ns;
	uint64_t seq;
	struct osnoise_bpf *skel;
	struct osnoise_cpu *cpus; /* mmapped, by CPU */
	size_t cpus_len;
	/* the per-thread table, read at the end, by ns descending */
	struct osnoise_thread *threads;
	size_t nthreads;
	bool live;
	char period[32], runtime[32], threshold[32];
	struct json_w jw;
	struct expo_cmd export; /* --listen, --textfile */
};

/* The sources' names in records and metrics, by kind (OSN_IRQ...). */
extern const char *const osnoise_kind_names[OSN_KINDS];

void osnoise_render_header(struct osnoise_run *r);
void osnoise_render_interval(struct osnoise_run *r, uint64_t dur_ns);
void osnoise_render_summary(struct osnoise_run *r, uint64_t dur_ns);

/* osnoise_prom.c: the page of the run's totals (expo.h), the first one
 * (0 or -errno, said) and one per interval. */
int osnoise_export_start(struct osnoise_run *r);
void osnoise_export_interval(struct osnoise_run *r);

#endif
