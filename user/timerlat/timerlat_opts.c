// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf timerlat: the option table. */
#include "timerlat.h"

#include <string.h>

#include "cli.h"
#include "commands.h"

#define O struct timerlat_opts
static const struct cli_opt timerlat_opts_tbl[] = {
	CLI_OPT_PROBE_CPUS(O, cpus, cpus_given),
	{ "period", 0,
	  .help = "each probe's timer period (default 1ms; 10us to 10s)",
	  CLI_DURATION_AT(O, period_ns, 10000, 10000000000ULL) },
	{ "prio", 0, .help = "the probes' SCHED_FIFO priority (default 95)",
	  CLI_UINT_AT(O, prio, 1, 99) },
	{ "threshold", 'T',
	  .help = "report a sample whose thread latency reaches LAT, with "
		  "its causes",
	  CLI_LATENCY_AT(O, threshold_ns, 1, 0) },
	CLI_OPT_DURATION(O, duration_ns, 1),
	CLI_OPT_INTERVAL(O, interval_ns),
	{ "report-rate", 0,
	  .help = "at most N reports per CPU and second (default 20)",
	  CLI_UINT_AT(O, report_rate, 1, 100000) },
	CLI_OPT_JSON(O, json),
	CLI_OPT_LISTEN(O, listen),
	CLI_OPT_TEXTFILE(O, textfile),
	{},
};
#undef O

const struct cli_cmd timerlat_cli = { "timerlat", "[options]",
				      timerlat_opts_tbl, CLI_ARGS_NONE,
				      "more messages; -vv adds libbpf's" };

int timerlat_parse_opts(struct timerlat_opts *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	o->period_ns = 1000000;
	o->prio = 95;
	o->interval_ns = 1000000000ULL;
	o->report_rate = 20;
	return cli_parse(&timerlat_cli, argc, argv, o, NULL);
}
