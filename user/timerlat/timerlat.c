// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf timerlat: the host checks, the BPF side, the probes and the loop
 * (timerlat.h). */
#define _GNU_SOURCE
#include "timerlat_run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/timerlat.h"
#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "log.h"
#include "monitor/coll_util.h"
#include "probe_host.h"
#include "sysinfo.h"
#include "timerlat.skel.h"

/* An exit code when the host cannot run the probes, else -1. */
static int check_host(struct timerlat_run *t)
{
	int rc = probe_host_check("timerlat", &t->host, &t->opts.cpus,
				  t->opts.cpus_given);

	if (rc >= 0)
		return rc;
	t->probes = calloc(CPUSET_MAX, sizeof(*t->probes));
	t->cpus = calloc(CPUSET_MAX, sizeof(*t->cpus));
	if (!t->probes || !t->cpus) {
		log_err("timerlat: out of memory");
		return EXIT_FAIL;
	}
	t->nprobes = 0;
	for (unsigned int i = 0; i < CPUSET_MAX; i++)
		if (cpuset_has(&t->opts.cpus, i)) {
			t->cpus[t->nprobes] = i;
			t->probes[t->nprobes++].th.cpu = i;
		}
	return -1;
}

/* The monitor's sched and noise collectors, watching only the probes:
 * their spike reports are the analysis of samples over the threshold. */
static int open_collectors(struct timerlat_run *t)
{
	static const struct coll_ops *const ops[] = { &noise_coll_ops,
						      &sched_coll_ops };
	struct monitor_opts *m = &t->mopts;
	struct coll_env env = { .opts = m, .names = &t->names };

	m->filter.cpus = t->opts.cpus;
	m->filter.has_comm = true;
	snprintf(m->filter.comm, sizeof(m->filter.comm), "%s", TIMERLAT_COMM);
	m->noise.irq = m->noise.softirq = m->noise.ipi = true;
	m->threshold_ns = t->opts.threshold_ns;
	m->spike_rate = t->opts.report_rate;
	m->json = t->opts.json;
	m->timer = m->timer_spikes = true;
	t->names.comm = names_proc_comm;
	return coll_set_open(&t->colls, ops, sizeof(ops) / sizeof(ops[0]),
			     &env);
}

/* The IRQ-latency program, sharing timer_wakes with the sched collector;
 * its samples mapped for the probes. */
static int open_bpf(struct timerlat_run *t)
{
	int fd = coll_set_map_fd(t->colls.c, t->colls.n, "timer_wakes"), err;
	size_t len;

	t->skel = timerlat_bpf__open();
	if (!t->skel) {
		err = -errno;
		log_err("timerlat: open BPF object: %s", strerror(-err));
		return err;
	}
	t->skel->rodata->cfg_pidns_ino = sysinfo_pidns_ino();
	if (fd >= 0) {
		err = bpf_map__reuse_fd(t->skel->maps.timer_wakes, fd);
		if (err) {
			log_err("timerlat: share timer_wakes: %s",
				strerror(-err));
			return err;
		}
	}
	err = coll_load(t->skel->skeleton, "timerlat");
	if (!err)
		err = coll_attach(t->skel->skeleton, "timerlat");
	if (err)
		return err;
	len = bpf_map__max_entries(t->skel->maps.samples) *
	      sizeof(struct timerlat_sample);
	t->samples = mmap(NULL, len, PROT_READ, MAP_SHARED,
			  bpf_map__fd(t->skel->maps.samples), 0);
	if (t->samples == MAP_FAILED) {
		t->samples = NULL;
		err = -errno;
		log_err("timerlat: map the samples: %s", strerror(-err));
		return err;
	}
	t->samples_len = len;
	return 0;
}

/* Probes on every CPU, their first expiry together, each one's tid told
 * to BPF before it. */
static int start_probes(struct timerlat_run *t)
{
	uint64_t p = t->opts.period_ns, first;
	int fd = bpf_map__fd(t->skel->maps.probe_tids);

	/* far enough ahead for every probe to start; not on a period
	 * boundary, where the tick would expire with every sample (as
	 * cyclictest, whose first expiry is its start plus a period) */
	first = now_ns() + 100000000ULL;
	for (unsigned int i = 0; i < t->nprobes; i++) {
		struct timerlat_probe *pr = &t->probes[i];
		__u32 cpu = pr->th.cpu, tid;
		int err;

		pr->th.prio = t->opts.prio;
		pr->period_ns = p;
		pr->first = first;
		pr->bpf = &t->samples[cpu];
		pr->th.stop = &t->stop_probes;
		err = timerlat_probe_start(pr);
		if (err)
			return err;
		tid = (__u32)pr->th.tid;
		if (bpf_map_update_elem(fd, &cpu, &tid, BPF_ANY)) {
			err = -errno;
			log_err("timerlat: register the probe of CPU %u: %s",
				cpu, strerror(-err));
			return err;
		}
	}
	t->first_ns = first;
	return 0;
}

static int on_report(void *ctx, void *data, size_t size)
{
	struct timerlat_run *t = ctx;

	if (size >= sizeof(struct spike_event))
		timerlat_render_report(t, data);
	return 0;
}

/* Each probe's figures since the last take into t->interval, added to
 * t->total. */
static void take_all(struct timerlat_run *t)
{
	for (unsigned int i = 0; i < t->nprobes; i++) {
		timerlat_probe_take(&t->probes[i], &t->interval[i]);
		timerlat_stats_add(&t->total[i], &t->interval[i]);
	}
}

/* Polls the report ring (or sleeps) until next or a signal. */
static void wait_until(struct timerlat_run *t, uint64_t next)
{
	while (!probe_thread_stop_signal) {
		uint64_t now = now_ns(), ms;
		struct timespec ts = { 0, 0 };

		if (now >= next)
			break;
		ms = (next - now + 999999) / 1000000;
		if (ms > 60000)
			ms = 60000;
		if (t->rb) {
			if (ring_buffer__poll(t->rb, (int)ms) < 0)
				break;
			continue;
		}
		ts.tv_sec = (time_t)(ms / 1000);
		ts.tv_nsec = (long)(ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/* Until the deadline or a signal: a record (or the live table) per
 * interval; the last one after the probes stopped, so the records add up
 * to the summary. */
static void run_loop(struct timerlat_run *t)
{
	uint64_t last = now_ns(), grid = last, deadline = 0;
	bool stopping = false;

	t->start_ns = last;
	if (t->opts.duration_ns)
		deadline = ns_add_sat(t->first_ns, t->opts.duration_ns);
	while (!stopping) {
		uint64_t next = clock_next_tick(&grid, t->opts.interval_ns,
						now_ns()),
			 now;

		if (deadline && next > deadline)
			next = deadline;
		wait_until(t, next);
		now = now_ns();
		/* a failed write ends the run (the exit code says it) */
		stopping = probe_thread_stop_signal ||
			   (deadline && now >= deadline) || ferror(stdout);
		for (unsigned int i = 0; stopping && i < t->nprobes; i++)
			timerlat_probe_join(&t->probes[i]);
		if (t->rb)
			ring_buffer__consume(t->rb);
		take_all(t);
		timerlat_render_interval(t, now - last);
		timerlat_export_interval(t);
		last = now;
	}
	timerlat_render_summary(t, now_ns() - t->start_ns);
}

/* Memory locked, signals caught, output set up. */
static int prepare(struct timerlat_run *t)
{
	int err = probe_host_prepare("timerlat", &t->host, &t->opts.cpus);

	if (err)
		return err;
	t->interval = calloc(t->nprobes, sizeof(*t->interval));
	t->total = calloc(t->nprobes, sizeof(*t->total));
	if (!t->interval || !t->total)
		return -ENOMEM;
	log_setup_libbpf();
	t->live = !t->opts.json && isatty(STDOUT_FILENO);
	json_init(&t->jw, stdout);
	return 0;
}

static void cleanup(struct timerlat_run *t)
{
	for (unsigned int i = 0; t->probes && i < t->nprobes; i++)
		timerlat_probe_join(&t->probes[i]);
	ring_buffer__free(t->rb);
	if (t->samples)
		munmap((void *)t->samples, t->samples_len);
	timerlat_bpf__destroy(t->skel);
	coll_set_free(&t->colls);
	names_fini(&t->names);
	timerlat_keep_fini(t);
	expo_cmd_stop(&t->export);
	free(t->probes);
	free(t->cpus);
	free(t->interval);
	free(t->total);
}

/* Everything between the checks and the loop. 0 or -errno (logged). */
static int setup(struct timerlat_run *t)
{
	int err = prepare(t);

	if (!err && t->opts.threshold_ns)
		err = open_collectors(t);
	if (!err)
		err = open_bpf(t);
	if (!err && t->opts.threshold_ns) {
		t->rb = ring_buffer__new(coll_set_map_fd(t->colls.c, t->colls.n,
							 "spikes"),
					 on_report, t, NULL);
		if (!t->rb) {
			err = -errno;
			log_err("timerlat: report ring buffer: %s",
				strerror(-err));
		}
	}
	if (!err)
		err = start_probes(t);
	return err;
}

int cmd_timerlat(int argc, char **argv)
{
	struct timerlat_run t = {};
	int err, rc;

	err = timerlat_parse_opts(&t.opts, argc, argv);
	if (err)
		return cli_exit(err);
	/* a bad --listen exits 2 before any BPF program loads */
	err = expo_cmd_bind(&t.export, "timerlat", t.opts.listen,
			    t.opts.textfile);
	if (err) {
		rc = err == -ENOMEM ? EXIT_FAIL : EXIT_USAGE;
		goto out;
	}
	rc = check_host(&t);
	if (rc >= 0)
		goto out;
	rc = EXIT_FAIL;
	err = setup(&t);
	if (err) {
		if (err == -ENOENT || err == -EOPNOTSUPP || err == -ENOTSUP)
			rc = EXIT_UNSUPPORTED;
		goto out;
	}
	if (timerlat_export_start(&t))
		goto out;
	timerlat_render_header(&t);
	run_loop(&t);
	rc = EXIT_OK;
	if (fflush(stdout) || ferror(stdout)) {
		log_err("timerlat: write the output: %s",
			strerror(errno ? errno : EIO));
		rc = EXIT_FAIL;
	}
out:
	cleanup(&t);
	return rc;
}
