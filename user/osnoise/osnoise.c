// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf osnoise: the host checks, the BPF side, the probes and the loop
 * (osnoise.h). */
#define _GNU_SOURCE
#include "osnoise_run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "log.h"
#include "monitor/coll_util.h"
#include "osnoise.skel.h"
#include "probe_host.h"
#include "sysinfo.h"

/* Programs of tracepoints this kernel lacks (x86's vectors elsewhere,
 * nmi_handler) stay unloaded, named with -v. */
/* The tracepoint of p's section; its pair (X_entry for X_exit and back)
 * into pair, "" when it has none. */
static const char *tp_of(const struct bpf_program *p, char *pair, size_t len)
{
	const char *sec = bpf_program__section_name(p);
	const char *tp = strchr(sec, '/') ? strchr(sec, '/') + 1 : sec;
	size_t n = strlen(tp);

	pair[0] = 0;
	if (n > 6 && !strcmp(tp + n - 6, "_entry"))
		snprintf(pair, len, "%.*s_exit", (int)(n - 6), tp);
	else if (n > 5 && !strcmp(tp + n - 5, "_exit"))
		snprintf(pair, len, "%.*s_entry", (int)(n - 5), tp);
	return tp;
}

/* Programs of tracepoints this kernel lacks (x86's vectors elsewhere,
 * nmi_handler) stay unloaded, with the other half of an entry/exit pair
 * (an entry without its exit would count an interrupt that never ends):
 * their time shows as unexplained. */
static int choose_programs(struct osnoise_bpf *skel)
{
	struct btf *btf = btf__load_vmlinux_btf();
	struct bpf_program *p;

	if (!btf)
		return -errno;
	bpf_object__for_each_program(p, skel->obj)
	{
		char pair[96];
		const char *tp = tp_of(p, pair, sizeof(pair));

		if (coll_tp_exists(btf, tp) &&
		    (!pair[0] || coll_tp_exists(btf, pair)))
			continue;
		log_info("osnoise: tracepoint %s%s%s missing in this kernel; "
			 "its noise shows as unexplained",
			 coll_tp_exists(btf, tp) ? pair : tp,
			 coll_tp_exists(btf, tp) ? ", the pair of " : "",
			 coll_tp_exists(btf, tp) ? tp : "");
		bpf_program__set_autoload(p, false);
	}
	btf__free(btf);
	return 0;
}

static int open_bpf(struct osnoise_run *r)
{
	int err;

	r->skel = osnoise_bpf__open();
	if (!r->skel) {
		err = -errno;
		log_err("osnoise: open BPF object: %s", strerror(-err));
		return err;
	}
	r->skel->rodata->cfg_pidns_ino = sysinfo_pidns_ino();
	err = choose_programs(r->skel);
	if (!err)
		err = coll_load(r->skel->skeleton, "osnoise");
	if (!err)
		err = coll_attach(r->skel->skeleton, "osnoise");
	if (err)
		return err;
	r->cpus_len = bpf_map__max_entries(r->skel->maps.osn_cpus) *
		      sizeof(struct osnoise_cpu);
	r->cpus = mmap(NULL, r->cpus_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       bpf_map__fd(r->skel->maps.osn_cpus), 0);
	if (r->cpus == MAP_FAILED) {
		r->cpus = NULL;
		err = -errno;
		log_err("osnoise: map the event rings: %s", strerror(-err));
	}
	return err;
}

static int start_probes(struct osnoise_run *r)
{
	/* far enough ahead for every probe to start */
	uint64_t first = now_ns() + 100000000ULL;

	for (unsigned int i = 0; i < r->nprobes; i++) {
		struct osnoise_probe *p = &r->probes[i];
		int err;

		p->th.prio = r->opts.prio;
		p->period_ns = r->opts.period_ns;
		p->runtime_ns = r->opts.runtime_ns;
		p->threshold_ns = r->opts.threshold_ns;
		p->first = first;
		p->bpf = &r->cpus[p->th.cpu];
		p->th.stop = &r->stop_probes;
		err = osnoise_probe_start(p);
		if (err)
			return err;
	}
	r->first_ns = first;
	return 0;
}

static void take_all(struct osnoise_run *r)
{
	for (unsigned int i = 0; i < r->nprobes; i++) {
		struct osnoise_stats now;

		osnoise_probe_take(&r->probes[i], &now);
		osnoise_stats_sub(&r->interval[i], &now, &r->last[i]);
		osnoise_stats_add(&r->total[i], &r->interval[i]);
		r->last[i] = now;
	}
}

static int by_ns_desc(const void *a, const void *b)
{
	const struct osnoise_thread *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

/* The per-thread table, sorted by CPU, then noise descending. */
static void read_threads(struct osnoise_run *r)
{
	int fd = bpf_map__fd(r->skel->maps.osn_threads);
	struct osnoise_tkey k, *prev = NULL;
	size_t cap = 0;

	while (!bpf_map_get_next_key(fd, prev, &k)) {
		struct osnoise_tval v;
		struct osnoise_thread *t;

		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		if (r->nthreads == cap) {
			size_t n = cap ? cap * 2 : 64;
			void *g = realloc(r->threads, n * sizeof(*t));

			if (!g)
				break;
			r->threads = g;
			cap = n;
		}
		t = &r->threads[r->nthreads++];
		t->cpu = k.cpu;
		t->pid = v.pid; /* rtbpf's namespace's: k.pid is global */
		t->ns = v.ns;
		t->runs = v.runs;
		memcpy(t->comm, v.comm, sizeof(t->comm));
		t->comm[sizeof(t->comm) - 1] = 0;
	}
	if (r->nthreads)
		qsort(r->threads, r->nthreads, sizeof(*r->threads), by_ns_desc);
}

static void wait_until(uint64_t next)
{
	while (!probe_thread_stop_signal) {
		uint64_t now = now_ns(), ns;
		struct timespec ts;

		if (now >= next)
			break;
		ns = next - now;
		if (ns > 1000000000ULL)
			ns = 1000000000ULL;
		ts.tv_sec = (time_t)(ns / 1000000000ULL);
		ts.tv_nsec = (long)(ns % 1000000000ULL);
		nanosleep(&ts, NULL);
	}
}

/* Until the deadline or a signal: a record (or the live table) per
 * interval; the last after the probes stopped, so the records add up to
 * the summary. */
static void run_loop(struct osnoise_run *r)
{
	uint64_t last = now_ns(), grid = last, deadline = 0;
	bool stopping = false;

	r->start_ns = last;
	if (r->opts.duration_ns)
		deadline = ns_add_sat(r->first_ns, r->opts.duration_ns);
	while (!stopping) {
		uint64_t next = clock_next_tick(&grid, r->opts.interval_ns,
						now_ns()),
			 now;

		if (deadline && next > deadline)
			next = deadline;
		wait_until(next);
		now = now_ns();
		/* a failed write ends the run (the exit code says it) */
		stopping = probe_thread_stop_signal ||
			   (deadline && now >= deadline) || ferror(stdout);
		for (unsigned int i = 0; stopping && i < r->nprobes; i++)
			osnoise_probe_join(&r->probes[i]);
		take_all(r);
		osnoise_render_interval(r, now - last);
		osnoise_export_interval(r);
		last = now;
	}
	read_threads(r);
	osnoise_render_summary(r, now_ns() - r->start_ns);
}

static int prepare(struct osnoise_run *r)
{
	size_t n = r->nprobes;
	int err = probe_host_prepare("osnoise", &r->host, &r->opts.cpus);

	if (err)
		return err;
	r->last = calloc(n, sizeof(*r->last));
	r->interval = calloc(n, sizeof(*r->interval));
	r->total = calloc(n, sizeof(*r->total));
	if (!r->last || !r->interval || !r->total)
		return -ENOMEM;
	log_setup_libbpf();
	r->live = !r->opts.json && isatty(STDOUT_FILENO);
	json_init(&r->jw, stdout);
	return 0;
}

static void cleanup(struct osnoise_run *r)
{
	for (unsigned int i = 0; r->probes && i < r->nprobes; i++)
		osnoise_probe_join(&r->probes[i]);
	if (r->cpus)
		munmap(r->cpus, r->cpus_len);
	expo_cmd_stop(&r->export);
	osnoise_bpf__destroy(r->skel);
	free(r->probes);
	free(r->cpu_ids);
	free(r->last);
	free(r->interval);
	free(r->total);
	free(r->threads);
}

/* An exit code when the host cannot run the probes, else -1. */
static int check_host(struct osnoise_run *r)
{
	int rc = probe_host_check("osnoise", &r->host, &r->opts.cpus,
				  r->opts.cpus_given);

	if (rc >= 0)
		return rc;
	r->probes = calloc(cpuset_count(&r->opts.cpus), sizeof(*r->probes));
	r->cpu_ids = calloc(cpuset_count(&r->opts.cpus), sizeof(*r->cpu_ids));
	if (!r->probes || !r->cpu_ids) {
		log_err("osnoise: out of memory");
		return EXIT_FAIL;
	}
	for (unsigned int i = 0; i < CPUSET_MAX; i++)
		if (cpuset_has(&r->opts.cpus, i)) {
			r->cpu_ids[r->nprobes] = i;
			r->probes[r->nprobes++].th.cpu = i;
		}
	if (r->opts.prio &&
	    cpuset_first_missing(&r->host.online, &r->opts.cpus) < 0)
		log_warn("osnoise: SCHED_FIFO probes on every CPU: this "
			 "process runs between their spins, so the table, "
			 "--duration and SIGINT may come up to --runtime late");
	return -1;
}

int cmd_osnoise(int argc, char **argv)
{
	struct osnoise_run r = {};
	int err, rc;

	err = osnoise_parse_opts(&r.opts, argc, argv);
	if (err)
		return cli_exit(err);
	/* a bad --listen exits 2 before any BPF program loads */
	err = expo_cmd_bind(&r.export, "osnoise", r.opts.listen,
			    r.opts.textfile);
	if (err) {
		rc = err == -ENOMEM ? EXIT_FAIL : EXIT_USAGE;
		goto out;
	}
	rc = check_host(&r);
	if (rc >= 0)
		goto out;
	rc = EXIT_FAIL;
	err = prepare(&r);
	if (!err)
		err = open_bpf(&r);
	if (!err)
		err = start_probes(&r);
	if (err) {
		if (err == -ENOENT || err == -EOPNOTSUPP || err == -ENOTSUP)
			rc = EXIT_UNSUPPORTED;
		goto out;
	}
	if (osnoise_export_start(&r))
		goto out;
	osnoise_render_header(&r);
	run_loop(&r);
	rc = EXIT_OK;
	if (fflush(stdout) || ferror(stdout)) {
		log_err("osnoise: write the output: %s",
			strerror(errno ? errno : EIO));
		rc = EXIT_FAIL;
	}
out:
	cleanup(&r);
	return rc;
}
