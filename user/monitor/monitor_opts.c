// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf monitor: the option table, and the checks of --pid, --tid and
 * --comm against /proc. */
#define _GNU_SOURCE
#include "monitor.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "render_util.h"

/* --tid names one thread: with --pid or --comm it could only match that
 * thread or nothing. --pid with --comm picks threads of one process. */
enum { EX_PID = 1, EX_COMM = 2 };

enum {
	C_IRQ = 1,
	C_SOFTIRQ = 2,
	C_IPI = 4,
	C_FAULT = 8,
	C_STOLEN = 16,
	C_TIMER = 32,
};

static const struct cli_choice collectors[] = {
	{ "sched", 0, false },		 { "irq", C_IRQ, false },
	{ "softirq", C_SOFTIRQ, false }, { "ipi", C_IPI, false },
	{ "fault", C_FAULT, false },	 { "stolen", C_STOLEN, false },
	{ "timer", C_TIMER, false },	 { 0 },
};

/* The process a thread belongs to (its Tgid), or 0 when it is gone. */
static uint64_t proc_tgid(uint64_t id)
{
	char path[64], line[128];
	unsigned long long tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%llu/status",
		 (unsigned long long)id);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %llu", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

static int apply_pid(const struct cli_opt *o, const char *arg,
		     const union cli_val *v, void *dst, char *err, size_t len)
{
	uint64_t tgid = proc_tgid(v->u);

	if (!tgid) {
		snprintf(err, len, "%s: no such process", arg);
		return -ESRCH;
	}
	if (tgid != v->u) {
		snprintf(err, len,
			 "%s is a thread of process %llu, not a process "
			 "(--tid watches one thread)",
			 arg, (unsigned long long)tgid);
		return -EINVAL;
	}
	cli_store(o, v, dst);
	return 0;
}

static int apply_comm(const struct cli_opt *o, const char *arg,
		      const union cli_val *v, void *dst, char *err, size_t len)
{
	struct monitor_opts *m = dst;

	(void)o;
	if (!*v->s || strlen(v->s) >= sizeof(m->filter.comm)) {
		snprintf(err, len, "'%s': a thread name has 1 to 15 characters",
			 arg);
		return -EINVAL;
	}
	snprintf(m->filter.comm, sizeof(m->filter.comm), "%s", v->s);
	return 0;
}

static int apply_collectors(const struct cli_opt *o, const char *arg,
			    const union cli_val *v, void *dst, char *err,
			    size_t len)
{
	struct monitor_opts *m = dst;

	(void)o, (void)arg, (void)err, (void)len;
	m->noise.irq = v->u & C_IRQ;
	m->noise.softirq = v->u & C_SOFTIRQ;
	m->noise.ipi = v->u & C_IPI;
	m->noise.fault = v->u & C_FAULT;
	m->stolen = v->u & C_STOLEN;
	m->timer = m->timer_own = v->u & C_TIMER;
	return 0;
}

#define M struct monitor_opts
static const struct cli_opt monitor_opts_tbl[] = {
	{ "cpus", 'c',
	  .help = "CPUs to watch (default: isolated CPUs, else "
		  "all)",
	  CLI_CPULIST_AT(M, filter.cpus), CLI_SEEN(M, cpus_given) },
	{ "pid", 'p', .arg = "PID",
	  .help = "watch only the threads of process PID",
	  CLI_UINT_AT(M, filter.tgid, 1, INT32_MAX),
	  CLI_SEEN(M, filter.has_tgid), .excl = EX_PID, .apply = apply_pid },
	{ "tid", 't', .arg = "TID", .help = "watch only thread TID",
	  CLI_UINT_AT(M, filter.tid, 1, INT32_MAX), CLI_SEEN(M, filter.has_tid),
	  .excl = EX_PID | EX_COMM, .apply = cli_store_live_id },
	{ "comm", 0, .type = CLI_STR, .arg = "NAME",
	  .help = "watch only threads named NAME (with --pid: of that "
		  "process)",
	  CLI_SEEN(M, filter.has_comm), .excl = EX_COMM, .apply = apply_comm },
	{ "interval", 'i',
	  .help = "report every DUR (default 1s, at least "
		  "10ms)",
	  CLI_DURATION_AT(M, interval_ns, 10000000, 0) },
	CLI_OPT_DURATION(M, duration_ns, 1),
	{ "count", 'n', .help = "stop after N intervals",
	  CLI_UINT_AT(M, count, 1, UINT32_MAX) },
	CLI_OPT_JSON(M, json),
	{ "collectors", 0, .type = CLI_CHOICES, .choices = collectors,
	  .help = "collectors to load (default: all; sched is always on)",
	  .apply = apply_collectors },
	{ "threshold", 'T',
	  .help = "spike report when a wait reaches LAT (e.g. 100us)",
	  CLI_LATENCY_AT(M, threshold_ns, 1, 0) },
	{ "spike-rate", 0,
	  .help = "at most N spike reports per CPU and second (default 20)",
	  CLI_UINT_AT(M, spike_rate, 1, 100000) },
	{ "housekeeping", 0, .alias = "housekeeping-cpu",
	  .help = "run the monitor itself on LIST (default: CPUs not "
		  "watched)",
	  CLI_CPULIST_AT(M, housekeeping), CLI_SEEN(M, housekeeping_given) },
	CLI_OPT_LISTEN(M, listen),
	CLI_OPT_TEXTFILE(M, textfile),
	{ "quiet", 0,
	  .help = "no table or NDJSON on stdout (with --listen or "
		  "--textfile)",
	  CLI_FLAG_AT(M, quiet) },
	DRIFT_CLI_OPTS(M, drift),
	{},
};
#undef M

const struct cli_cmd monitor_cli = { "monitor", "[options]", monitor_opts_tbl,
				     CLI_ARGS_NONE,
				     "more messages; -vv adds libbpf's" };

/* --pid with --comm: say so when no thread of the process has the name
 * (yet): the two filters AND. */
static void warn_comm_outside_pid(const struct sched_filter *f)
{
	char path[64], name[32];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%u/task", f->tgid);
	d = opendir(path);
	while (d && !found && (e = readdir(d))) {
		FILE *c;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%u/task/%.16s/comm",
			 f->tgid, e->d_name);
		c = fopen(path, "re");
		if (c && fgets(name, sizeof(name), c)) {
			name[strcspn(name, "\n")] = '\0';
			found = !strcmp(name, f->comm);
		}
		if (c)
			fclose(c);
	}
	if (d)
		closedir(d);
	if (!found)
		log_warn("monitor: no thread of --pid %u is named '%s' now: "
			 "only threads of it that take the name are watched",
			 f->tgid, f->comm);
}

/* Options that only mean something with another. 0 or -EINVAL (said). */
static int check_exporter_opts(const struct monitor_opts *o)
{
	const struct drift_opts *d = &o->drift;
	bool exporting = o->listen || o->textfile;

	if (o->quiet && !exporting) {
		log_err("monitor: --quiet: nothing would be shown (it goes "
			"with --listen or --textfile)");
		return -EINVAL;
	}
	if (d->profile && !exporting) {
		log_err("monitor: --profile: drift is exported as metrics: add "
			"--listen or --textfile");
		return -EINVAL;
	}
	if (!d->profile && (d->interval_ns || d->root || d->cpus_given)) {
		log_err("monitor: --%s: only with --profile",
			d->interval_ns ? "check-interval" :
			d->root	       ? "check-root" :
					 "check-cpus");
		return -EINVAL;
	}
	return 0;
}

int monitor_parse_opts(struct monitor_opts *o, int argc, char **argv)
{
	int ret;

	memset(o, 0, sizeof(*o));
	o->interval_ns = 1000000000ULL;
	o->noise.irq = o->noise.softirq = o->noise.ipi = o->noise.fault = true;
	o->stolen = true;
	o->timer = o->timer_own = true;
	o->spike_rate = 20;
	ret = cli_parse(&monitor_cli, argc, argv, o, NULL);
	if (ret == CLI_HELP_SHOWN) { /* what the tables' columns show */
		fputc('\n', stdout);
		render_legend(stdout);
	}
	if (!ret)
		ret = check_exporter_opts(o);
	if (!ret && o->filter.has_tgid && o->filter.has_comm)
		warn_comm_outside_pid(&o->filter);
	return ret;
}
