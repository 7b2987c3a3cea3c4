// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * drift_prom --profile NAME [--check-root DIR] [--check-cpus LIST]
 *            [--openmetrics] [--count N] [--check-interval DUR]:
 * runs the monitor's drift check (user/monitor/drift.h) N times (default
 * 1), --check-interval apart, and prints the exposition drift_prom()
 * writes after the last, the text a scrape or --textfile serves, so a
 * test checks it with promtool on a fake root without the BPF side.
 * Exit 0; 1 when a check could not run; 2 on a bad option or profile.
 * Options from the monitor's own table entries (DRIFT_CLI_OPTS).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "monitor/drift.h"
#include "prom.h"

struct args {
	struct drift_opts drift;
	bool openmetrics;
	unsigned int count;
};

#define A struct args
static const struct cli_opt opts[] = {
	DRIFT_CLI_OPTS(A, drift),
	{ "openmetrics", 0, .help = "OpenMetrics 1.0 text (ends with # EOF)",
	  CLI_FLAG_AT(A, openmetrics) },
	{ "count", 'n', .help = "checks to run (default 1)",
	  CLI_UINT_AT(A, count, 1, 1000) },
	{},
};
#undef A

static const struct cli_cmd drift_cli = { "drift_prom", "--profile NAME", opts,
					  CLI_ARGS_NONE, NULL };

int main(int argc, char **argv)
{
	struct args a = { .count = 1 };
	struct drift *d;
	struct prom p;
	int ret, err = 0;

	ret = cli_parse(&drift_cli, argc, argv, &a, NULL);
	if (ret)
		return cli_exit(ret);
	if (!a.drift.profile) {
		fprintf(stderr, "drift_prom: --profile is required\n");
		return EXIT_USAGE;
	}
	d = drift__new(&a.drift);
	if (!d)
		return EXIT_USAGE;
	for (unsigned int i = 0; i < a.count; i++) {
		struct timespec ts = {
			.tv_sec = (time_t)(a.drift.interval_ns / 1000000000ULL),
			.tv_nsec = (long)(a.drift.interval_ns % 1000000000ULL),
		};

		if (i)
			nanosleep(&ts, NULL);
		err = drift_check(d);
	}
	prom_init(&p, stdout, a.openmetrics);
	drift_prom(d, &p);
	ret = prom_finish(&p);
	drift__free(d);
	return err || ret ? EXIT_FAIL : EXIT_OK;
}
