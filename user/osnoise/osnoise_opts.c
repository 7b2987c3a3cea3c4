// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf osnoise: the option table. */
#include "osnoise.h"

#include <errno.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"

#define O struct osnoise_opts
static const struct cli_opt osnoise_opts_tbl[] = {
	CLI_OPT_PROBE_CPUS(O, cpus, cpus_given),
	{ "period", 0,
	  .help = "each probe spins --runtime of every DUR (default 1s; "
		  "10ms to 10s)",
	  CLI_DURATION_AT(O, period_ns, 10000000, 10000000000ULL) },
	{ "runtime", 0,
	  .help = "the spin of each period, 1ms or more, shorter than "
		  "--period (default 90% of it; with --prio at most 1s and "
		  "95% of it)",
	  CLI_DURATION_AT(O, runtime_ns, 1000000, 0) },
	{ "prio", 0,
	  .help = "the probes run SCHED_FIFO at N (default: SCHED_OTHER); "
		  "the rest of each period they sleep",
	  CLI_UINT_AT(O, prio, 1, 99) },
	{ "threshold", 'T',
	  .help = "two clock reads LAT apart or more are noise (default "
		  "5us)",
	  CLI_LATENCY_AT(O, threshold_ns, 100, 1000000000ULL) },
	CLI_OPT_DURATION(O, duration_ns, 1),
	CLI_OPT_INTERVAL(O, interval_ns),
	{ "top", 0, .help = "threads listed per CPU in the summary (default 5)",
	  CLI_UINT_AT(O, top, 0, 1000) },
	CLI_OPT_JSON(O, json),
	CLI_OPT_LISTEN(O, listen),
	CLI_OPT_TEXTFILE(O, textfile),
	{},
};
#undef O

const struct cli_cmd osnoise_cli = { "osnoise", "[options]", osnoise_opts_tbl,
				     CLI_ARGS_NONE,
				     "more messages; -vv adds libbpf's" };

int osnoise_parse_opts(struct osnoise_opts *o, int argc, char **argv)
{
	int err;

	memset(o, 0, sizeof(*o));
	o->period_ns = 1000000000ULL;
	o->threshold_ns = 5000;
	o->interval_ns = 1000000000ULL;
	o->top = 5;
	err = cli_parse(&osnoise_cli, argc, argv, o, NULL);
	if (err)
		return err;
	if (!o->runtime_ns)
		o->runtime_ns = o->period_ns / 10 * 9;
	if (o->runtime_ns >= o->period_ns) {
		log_err("osnoise: --runtime must be shorter than --period "
			"(the probe sleeps the rest, so nothing starves)");
		return -EINVAL;
	}
	/* a FIFO spin keeps the CPU's kernel threads (RCU, kworkers,
	 * ksoftirqd) off it: short spins, a real sleep */
	if (o->prio && (o->runtime_ns > 1000000000ULL ||
			(o->period_ns - o->runtime_ns) * 20 < o->period_ns)) {
		char rt[32], pd[32];

		cli_fmt_ns(o->runtime_ns, rt, sizeof(rt));
		cli_fmt_ns(o->period_ns, pd, sizeof(pd));
		log_err("osnoise: --prio: a SCHED_FIFO probe spins at most 1s "
			"at a time and sleeps at least 5%% of each period "
			"(--runtime %s of --period %s), so the CPU's kernel "
			"threads still run",
			rt, pd);
		return -EINVAL;
	}
	return 0;
}
