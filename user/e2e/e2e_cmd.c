// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf bench e2e: options, the matrix (transport x tuning, interleaved
 * over rounds so drift in a noisy host hits every cell alike), and the
 * one exit path that always tears the namespaces down.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rtbpf/xsk.h>

#include "cli.h"
#include "commands.h"
#include "e2e.h"
#include "log.h"
#include "parse.h"

static void on_signal(int sig)
{
	e2e_stop = sig;
}

static const struct cli_choice transports[] = {
	{ "xsk", 1 << TR_XSK, false },
	{ "udp", 1 << TR_UDP, false },
	{ "both", 1 << TR_XSK | 1 << TR_UDP, false },
	{ 0 },
};

static const struct cli_choice e2e_xsk_modes[] = {
	{ "auto", RTBPF_XSK_AUTO, false },
	{ "zerocopy", RTBPF_XSK_ZEROCOPY, false },
	{ "copy", RTBPF_XSK_COPY, false },
	{ 0 },
};

/* A CPU that is online now (the range is the table's, 0..CPUSET_MAX). */
static int apply_cpu(const struct cli_opt *o, const char *arg,
		     const union cli_val *v, void *dst, char *err, size_t len)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (v->i >= n) {
		snprintf(err, len, "%s is out of range [0, %ld] (online CPUs)",
			 arg, n - 1);
		return -ERANGE;
	}
	cli_store(o, v, dst);
	return 0;
}

#define E struct e2e_opts
/* clang-format off */
#define E2E_CPU_OPT(name, m, text)                                            \
	{ name, 0, .arg = "CPU", .help = (text),                              \
	  CLI_INT_AT(E, m, 0, CPUSET_MAX - 1), .apply = apply_cpu }
/* clang-format on */
/* --tuned, --untuned and --matrix: which half of the matrix runs. */
enum { EX_TUNINGS = 1 };

static const struct cli_opt e2e_opts_tbl[] = {
	{ "rate", 'r', .help = "events per second (default 10000)",
	  CLI_UINT_AT(E, rate, 1, 1000000) },
	{ "count", 'n', .alias = "events",
	  .help = "measured events per cell and round (default 20000)",
	  CLI_UINT_AT(E, events, 1, 10000000) },
	{ "warmup", 0, .help = "unmeasured events first (default 500)",
	  CLI_UINT_AT(E, warmup, 0, 1000000) },
	{ "rounds", 0,
	  .help = "run the matrix N times, interleaved (default 1)",
	  CLI_UINT_AT(E, rounds, 1, 100) },
	{ "transport", 0, .help = "the transports to measure (default both)",
	  .type = CLI_CHOICE, CLI__AT(E, transports), .choices = transports },
	{ "tuned", 0, .help = "tuned cells only", CLI_CONST_AT(E, tunings, 2),
	  .excl = EX_TUNINGS },
	{ "untuned", 0, .help = "untuned cells only",
	  CLI_CONST_AT(E, tunings, 1), .excl = EX_TUNINGS },
	{ "matrix", 0, .help = "tuned and untuned (default)",
	  CLI_CONST_AT(E, tunings, 3), .excl = EX_TUNINGS },
	{ "xsk-mode", 0, .help = "AF_XDP mode (default auto)",
	  CLI_CHOICE_AT(E, xsk_mode, e2e_xsk_modes) },
	{ "size", 'S', .arg = "BYTES",
	  .help = "payload after the 56-byte event header, >= 16 (default "
		  "16)",
	  CLI_UINT_AT(E, size, 16, 1024) },
	E2E_CPU_OPT("gen-cpu", gen_cpu,
		    "generator's CPU, tuned (default: the worker's: its "
		    "wake-up of the worker needs no IPI)"),
	E2E_CPU_OPT("worker-cpu", worker_cpu,
		    "worker's CPU, tuned (default: the last online)"),
	E2E_CPU_OPT("rx-cpu", rx_cpu,
		    "receiver's CPU, tuned (default: the worker's)"),
	{ "priority", 0, .arg = "PRIO",
	  .help = "worker's SCHED_FIFO priority, 2-98; generator one less, "
		  "receiver one more (default 80)",
	  CLI_INT_AT(E, priority, 2, 98) },
	{ "threshold", 'T', .help = "monitor spike threshold (default 30us)",
	  CLI_LATENCY_AT(E, threshold_ns, 1, 0) },
	{ "no-monitor", 0, .help = "do not run rtbpf monitor alongside",
	  CLI_CONST_AT(E, monitor, false) },
	{ "no-check", 0, .help = "do not report rtbpf check's findings",
	  CLI_CONST_AT(E, check, false) },
	{ "keep-going", 0, .help = "a failing cell does not stop the others",
	  CLI_FLAG_AT(E, keep_going) },
	{ "plot", 'o', .arg = "FILE.svg",
	  .help = "write the end-to-end CDF (gnuplot)", CLI_STR_AT(E, plot) },
	CLI_OPT_JSON(E, json),
	{},
};
#undef E

const struct cli_cmd e2e_cli = { "bench e2e", "[options]", e2e_opts_tbl,
				 CLI_ARGS_NONE,
				 "more messages; histograms of every stage" };

static int parse(struct e2e_opts *o, int argc, char **argv)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int ret;

	*o = (struct e2e_opts){
		.rate = 10000,
		.events = 20000,
		.warmup = 500,
		.rounds = 1,
		.size = 16,
		.transports = 3,
		.tunings = 3,
		.gen_cpu = -1,
		.worker_cpu = ncpu > 1 ? (int)ncpu - 1 : 0,
		.rx_cpu = -1,
		.priority = 80,
		.threshold_ns = 30000,
		.monitor = true,
		.check = true,
		.xsk_mode = RTBPF_XSK_AUTO,
	};
	ret = cli_parse(&e2e_cli, argc, argv, o, NULL);
	if (ret)
		return ret;
	if (o->gen_cpu < 0)
		o->gen_cpu = o->worker_cpu;
	if (o->rx_cpu < 0)
		o->rx_cpu = o->worker_cpu;
	return 0;
}

/* The matrix's cells: transports x tunings asked for, in order. */
static unsigned int plan_cells(const struct e2e_opts *o, struct e2e_result *res)
{
	unsigned int nr = 0;

	for (int tr = TR_XSK; tr <= TR_UDP; tr++)
		for (int t = 0; t < 2; t++)
			if ((o->transports >> tr & 1) && (o->tunings >> t & 1))
				res[nr++].cfg = (struct e2e_cell_cfg){
					.tr = (enum e2e_transport)tr, .tuned = t
				};
	return nr;
}

/* A handler that only sets a flag, no SA_RESTART: blocking waits return
 * EINTR and every path reaches the teardown. */
static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Every round of every cell not failed yet; EXIT_OK or EXIT_FAIL (a cell
 * failed; without --keep-going the rounds stop there). */
static int run_rounds(const struct e2e_opts *o, const struct e2e_net *net,
		      struct e2e_result *res, unsigned int nr)
{
	int rc = EXIT_OK;

	for (uint64_t round = 0; round < o->rounds && !e2e_stop; round++)
		for (unsigned int i = 0; i < nr && !e2e_stop; i++) {
			struct e2e_result *r = &res[i];
			int err;

			if (r->failed)
				continue;
			if (!o->json)
				fprintf(stderr,
					"rtbpf: bench e2e: round %llu "
					"cell %s\n",
					(unsigned long long)round + 1,
					e2e_cell_name(&r->cfg));
			err = e2e_cell_run(o, net, r);
			if (err && err != -EINTR) {
				r->failed = true;
				log_err("bench e2e: %s: %s",
					e2e_cell_name(&r->cfg), r->why);
				rc = EXIT_FAIL;
				if (!o->keep_going)
					return rc;
			}
		}
	return rc;
}

/* The report, the plot; EXIT_FAIL where a cell lost, duplicated or
 * damaged anything, or the run was interrupted. */
static int report(const struct e2e_opts *o, struct e2e_result *res,
		  unsigned int nr, struct json_w *w, int rc)
{
	if (e2e_stop) {
		log_err("bench e2e: interrupted by signal %d: partial results",
			atomic_load(&e2e_stop));
		rc = EXIT_FAIL;
	}
	e2e_report(o, res, nr, w);
	for (unsigned int i = 0; i < nr; i++)
		if (res[i].lost || res[i].dup || res[i].bad || res[i].sum_bad ||
		    res[i].send_err || res[i].overflow)
			rc = EXIT_FAIL;
	if (o->plot && !e2e_stop) {
		if (e2e_plot(o->plot, res, nr))
			rc = EXIT_FAIL;
		else if (!o->json)
			printf("plot: %s\n", o->plot);
	}
	return rc;
}

static int e2e_main(int argc, char **argv)
{
	struct e2e_net net = { .fd_a = -1, .fd_b = -1 };
	struct e2e_result res[4] = {};
	struct e2e_opts o;
	struct json_w w;
	unsigned int nr;
	int rc, err;

	err = parse(&o, argc, argv);
	if (err)
		return cli_exit(err);
	if (geteuid()) {
		log_err("bench e2e: needs root (network namespaces, "
			"AF_XDP, SCHED_FIFO, BPF for the monitor)");
		return EXIT_FAIL;
	}
	json_init(&w, stdout);
	nr = plan_cells(&o, res);
	install_signals();
	e2e_net_gc();
	err = e2e_net_up(&net);
	if (err) {
		log_err("bench e2e: network set-up failed: %s", strerror(-err));
		rc = err == -EPERM ? EXIT_FAIL : EXIT_UNSUPPORTED;
		goto cleanup;
	}
	e2e_report_header(&o, &net, &w);
	if (o.check)
		e2e_report_check(&o, &w);
	rc = run_rounds(&o, &net, res, nr);
	rc = report(&o, res, nr, &w, rc);
cleanup:
	e2e_net_down(&net);
	for (unsigned int i = 0; i < nr; i++)
		free(res[i].e2e_ns);
	return rc;
}

int cmd_bench(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "e2e"))
		return e2e_main(argc - 1, argv + 1);
	if (argc >= 2 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: rtbpf bench e2e [options]\n"
		       "  e2e  event to wire to peer latency, per stage, "
		       "tuned versus untuned,\n"
		       "       AF_XDP versus kernel UDP\n"
		       "'rtbpf bench e2e --help' shows its options.\n");
		return EXIT_OK;
	}
	log_err("bench: expected 'e2e' (see rtbpf bench --help)");
	return EXIT_USAGE;
}
