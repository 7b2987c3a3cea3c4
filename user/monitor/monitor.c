// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf monitor: the options (monitor_opts.c) checked against the host,
 * the sampling loop. */
#define _GNU_SOURCE
#include "monitor.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "affinity.h"
#include "cli.h"
#include "commands.h"
#include "log.h"
#include "privs.h"
#include "spike.h"
#include "text.h"
#include "clock.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* Fills the watched set and the display order; checks CPUs exist. */
static int resolve_cpus(struct monitor *m)
{
	struct sched_filter *f = &m->opts.filter;
	char *list;
	int bad;

	if (!m->opts.cpus_given) {
		f->cpus = cpuset_count(&m->host.isolated) ? m->host.isolated :
							    m->host.online;
	}
	bad = cpuset_first_missing(&f->cpus, &m->host.possible);
	if (bad >= 0) {
		list = cpuset_str(&m->host.possible);
		log_err("monitor: --cpus: CPU %d does not exist (this host has "
			"%s)",
			bad, list ? list : "?");
		free(list);
		return -EINVAL;
	}
	/* The BPF side sizes its per-CPU tables for RTBPF_MAX_CPUS. */
	if (cpuset_last(&f->cpus) >= RTBPF_MAX_CPUS) {
		log_err("monitor: CPU %d: the monitor watches CPUs 0-%d "
			"(RTBPF_MAX_CPUS); name the CPUs to watch with --cpus",
			cpuset_last(&f->cpus), RTBPF_MAX_CPUS - 1);
		return -EINVAL;
	}
	bad = cpuset_first_missing(&f->cpus, &m->host.online);
	if (bad >= 0)
		log_warn("monitor: CPU %d is offline; it reports nothing", bad);
	if (m->opts.housekeeping_given) {
		bad = cpuset_first_missing(&m->opts.housekeeping,
					   &m->host.online);
		if (bad >= 0) {
			log_err("monitor: --housekeeping: CPU %d is not "
				"online",
				bad);
			return -EINVAL;
		}
		for (unsigned int c = 0; c < CPUSET_MAX; c++)
			if (cpuset_has(&m->opts.housekeeping, c) &&
			    cpuset_has(&f->cpus, c)) {
				log_warn(
					"monitor: --housekeeping %u is also "
					"watched: the monitor's own work shows "
					"in its figures",
					c);
				break;
			}
	}
	list = cpuset_str(&f->cpus);
	log_info("monitor: watching CPUs %s (%s)", list ? list : "?",
		 m->opts.cpus_given ? "--cpus" :
		 cpuset_count(&m->host.isolated) ?
				      "the isolated CPUs" :
				      "no isolated CPUs: all online");
	free(list);
	m->norder = 0;
	for (int pass = 0; pass < 2; pass++)
		for (unsigned int c = 0; c < CPUSET_MAX; c++)
			if (cpuset_has(&f->cpus, c) &&
			    cpuset_has(&m->host.isolated, c) == (pass == 0))
				m->order[m->norder++] = c;
	return 0;
}

/* The observer stays off the CPUs it observes when it can. */
static void move_off_watched(struct monitor *m)
{
	struct cpuset set;
	unsigned int n = 0;
	int err;

	cpuset_zero(&set);
	for (unsigned int c = 0; c < CPUSET_MAX; c++) {
		bool use = m->opts.housekeeping_given ?
				   cpuset_has(&m->opts.housekeeping, c) :
				   cpuset_has(&m->host.online, c) &&
					   !cpuset_has(&m->opts.filter.cpus, c);
		if (use) {
			cpuset_add(&set, c);
			n++;
		}
	}
	if (!n)
		return;
	err = affinity_set(0, &set);
	if (err)
		log_warn("monitor: cannot move to housekeeping CPUs: %s",
			 strerror(-err));
	else
		log_info("monitor: runs on %u CPU(s) it does not watch", n);
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

static int on_spike(void *ctx, void *data, size_t size)
{
	struct monitor *m = ctx;

	if (size >= sizeof(struct spike_event))
		render_spike(&m->out, &m->spikes, data);
	return 0;
}

/* Longest single ring_buffer__poll() wait, ms (its timeout is an int). */
#define WAIT_CHUNK_MS 60000

/* Sleeps until next (CLOCK_MONOTONIC ns), handing spike reports over as
 * they come. Returns early on a signal. */
static void wait_until(struct ring_buffer *rb, uint64_t next)
{
	struct timespec ts = { .tv_sec = (time_t)(next / 1000000000ULL),
			       .tv_nsec = (long)(next % 1000000000ULL) };

	if (!rb) {
		/* EINTR on a signal: report the partial interval, then stop */
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		return;
	}
	while (!stop_signal) {
		uint64_t now = now_ns(), left, ms;

		if (now >= next)
			break;
		/* in chunks: an interval or duration of years (next can be
		 * UINT64_MAX) is waited out, never cast into a negative or
		 * small poll timeout */
		left = next - now;
		ms = left / 1000000 + (left % 1000000 != 0);
		if (ms > WAIT_CHUNK_MS)
			ms = WAIT_CHUNK_MS;
		if (ring_buffer__poll(rb, (int)ms) < 0)
			break;
	}
}

static void render(struct monitor *m, const struct coll_snaps *s, uint64_t now,
		   uint64_t dur_ns, bool summary)
{
	struct coll_view v = { .o = &m->out,
			       .s = s,
			       .end_ns = now,
			       .dur_ns = dur_ns,
			       .summary = summary };

	if (m->out.live) /* a resized terminal: the next frame fits it */
		text_term_size(STDOUT_FILENO, &m->out.cols, &m->out.rows);
	if (!m->opts.quiet)
		render_period(&m->out, &m->colls, &v, &m->spikes);
}

static int run_loop(struct monitor *m, struct ring_buffer *rb)
{
	uint64_t last = m->out.start_ns, grid = last, deadline = 0;
	int err = 0;

	if (m->opts.duration_ns)
		deadline = ns_add_sat(m->out.start_ns, m->opts.duration_ns);
	for (;;) {
		uint64_t next = clock_next_tick(&grid, m->opts.interval_ns,
						now_ns()),
			 now;
		bool stopping;

		if (deadline && next > deadline)
			next = deadline;
		if (!stop_signal)
			wait_until(rb, next);
		if (rb)
			ring_buffer__consume(rb);
		/* Only a read that starts after the signal has everything
		 * before it: one that arrives during a read or a render
		 * gets one more round. */
		stopping = stop_signal;
		now = now_ns();
		err = coll_set_read(&m->colls, &m->interval, &m->total);
		if (err)
			break;
		log_debug("monitor: interval %llu: maps read in %llu us",
			  (unsigned long long)m->out.seq + 1,
			  (unsigned long long)(now_ns() - now) / 1000);
		now = now_ns();
		m->out.seq++;
		render(m, &m->interval, now, now - last, false);
		monitor_export_interval(m, now);
		last = now;
		if (stopping || (deadline && now >= deadline) ||
		    (m->opts.count && m->out.seq >= m->opts.count))
			break;
	}
	render(m, &m->total, last, last - m->out.start_ns, true);
	return err;
}

/* Noise collectors first: the sched collector shares their ring. */
static int open_collectors(struct monitor *m)
{
	static const struct coll_ops *const ops[] = { &noise_coll_ops,
						      &sched_coll_ops };
	struct coll_env env = { .opts = &m->opts, .names = &m->names };

	return coll_set_open(&m->colls, ops, sizeof(ops) / sizeof(ops[0]),
			     &env);
}

static int exit_code(int err)
{
	if (err == -EPERM || err == -EACCES)
		return EXIT_FAIL;
	if (err == -ENOENT || err == -EINVAL || err == -ENOTSUP ||
	    err == -EOPNOTSUPP)
		return EXIT_UNSUPPORTED;
	return EXIT_FAIL;
}

/* The host can run the monitor: CPU lists, privileges, BTF. An exit code
 * when it cannot, else -1. */
static int check_host(struct monitor *m)
{
	int err = sysinfo_load(&m->host);

	if (err) {
		log_err("monitor: read CPU lists from /sys: %s",
			strerror(-err));
		return EXIT_FAIL;
	}
	if (resolve_cpus(m))
		return EXIT_USAGE;
	err = sysinfo_bpf_ready(&m->host, "monitor", "CAP_BPF+CAP_PERFMON");
	return err ? cli_exit_host(err) : -1;
}

/* Everything but the collectors: snapshots, output, placement, signals. */
static int prepare(struct monitor *m)
{
	unsigned int ncpus = (unsigned int)libbpf_num_possible_cpus();
	int err;

	if (coll_snaps_init(&m->interval, ncpus) ||
	    coll_snaps_init(&m->total, ncpus)) {
		log_err("monitor: out of memory");
		return -ENOMEM;
	}
	log_setup_libbpf();
	move_off_watched(m);
	err = install_signals();
	if (err) {
		log_err("monitor: install signal handlers: %s", strerror(-err));
		return err;
	}
	m->names.comm = names_proc_comm;
	m->out = (struct coll_out){
		.opts = &m->opts,
		.host = &m->host,
		.order = m->order,
		.norder = m->norder,
		.live = !m->opts.json && isatty(STDOUT_FILENO),
		.out = stdout,
		.jw = &m->jw,
		.names = &m->names,
	};
	text_term_size(STDOUT_FILENO, &m->out.cols, &m->out.rows);
	json_init(&m->jw, m->out.out);
	return 0;
}

/* The spike ring's reader (spike reports asked for), then no capability
 * left: the loop needs none (privs.h). */
static int attach_ring(struct monitor *m, struct ring_buffer **rb)
{
	int fd = coll_set_map_fd(m->colls.c, m->colls.n, "spikes");
	uint64_t kept;
	int err;

	if (m->opts.threshold_ns) {
		*rb = ring_buffer__new(fd, on_spike, m, NULL);
		if (!*rb) {
			err = -errno;
			log_err("monitor: spike ring buffer: %s",
				strerror(-err));
			return err;
		}
	}
	err = monitor_drop_privs(fd, &kept);
	if (err)
		log_err("monitor: drop capabilities: %s", strerror(-err));
	return err;
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor m = {};
	struct ring_buffer *rb = NULL;
	int err, rc = EXIT_FAIL;

	err = monitor_parse_opts(&m.opts, argc, argv);
	if (err)
		return cli_exit(err);
	err = monitor_export_bind(&m);
	if (err) {
		rc = err == -ENOMEM ? EXIT_FAIL : EXIT_USAGE;
		goto cleanup;
	}
	rc = check_host(&m);
	if (rc >= 0)
		goto cleanup;
	rc = EXIT_FAIL;
	if (prepare(&m))
		goto cleanup;
	err = open_collectors(&m);
	if (err) {
		rc = exit_code(err);
		goto cleanup;
	}
	if (attach_ring(&m, &rb))
		goto cleanup;
	m.out.start_ns = now_ns();
	if (monitor_export_start(&m))
		goto cleanup;
	if (!m.opts.quiet)
		render_header(&m.out, &m.colls);
	err = run_loop(&m, rb);
	rc = err ? EXIT_FAIL : EXIT_OK;
	/* a full disk or a closed reader: the figures did not arrive */
	if (fflush(m.out.out) || ferror(m.out.out)) {
		log_err("monitor: write the output: %s",
			strerror(errno ? errno : EIO));
		rc = EXIT_FAIL;
	}
cleanup:
	monitor_export_stop(&m);
	ring_buffer__free(rb);
	coll_set_free(&m.colls);
	coll_snaps_fini(&m.interval);
	coll_snaps_fini(&m.total);
	names_fini(&m.names);
	spike_keep_fini(&m.spikes);
	return rc;
}
