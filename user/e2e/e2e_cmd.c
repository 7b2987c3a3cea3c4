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

atomic_int e2e_stop;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
	       "e2e_stop is set by a signal handler");

enum {
	OPT_TUNED = 256,
	OPT_UNTUNED,
	OPT_MATRIX,
	OPT_WARMUP,
	OPT_ROUNDS,
	OPT_GEN_CPU,
	OPT_WORKER_CPU,
	OPT_RX_CPU,
	OPT_NO_MONITOR,
	OPT_NO_CHECK,
	OPT_KEEP_GOING,
	OPT_XSK_MODE,
};

static const struct cli_opt e2e_opts_tbl[] = {
	{ "rate", 'r', "N", "events per second (default 10000)" },
	{ "events", 'n', "N",
	  "measured events per cell and round "
	  "(default 20000)" },
	{ "warmup", OPT_WARMUP, "N", "unmeasured events first (default 500)" },
	{ "rounds", OPT_ROUNDS, "N",
	  "run the matrix N times, interleaved "
	  "(default 1)" },
	{ "transport", 't', "T", "xsk|udp|both (default both)" },
	{ "tuned", OPT_TUNED, NULL, "tuned cells only" },
	{ "untuned", OPT_UNTUNED, NULL, "untuned cells only" },
	{ "matrix", OPT_MATRIX, NULL, "tuned and untuned (default)" },
	{ "xsk-mode", OPT_XSK_MODE, "MODE",
	  "AF_XDP mode auto|zerocopy|copy (default auto)" },
	{ "size", 'S', "BYTES",
	  "payload after the 56-byte event header, "
	  ">= 16 (default 16)" },
	{ "gen-cpu", OPT_GEN_CPU, "CPU",
	  "generator's CPU, tuned (default: the worker's: its wake-up of "
	  "the worker needs no IPI)" },
	{ "worker-cpu", OPT_WORKER_CPU, "CPU",
	  "worker's CPU, tuned (default: the last online)" },
	{ "rx-cpu", OPT_RX_CPU, "CPU",
	  "receiver's CPU, tuned (default: the worker's)" },
	{ "priority", 'p', "PRIO",
	  "worker's SCHED_FIFO priority, 2-98; "
	  "generator one less, receiver one more "
	  "(default 80)" },
	{ "threshold", 'T', "DUR", "monitor spike threshold (default 30us)" },
	{ "no-monitor", OPT_NO_MONITOR, NULL,
	  "do not run rtbpf monitor alongside" },
	{ "no-check", OPT_NO_CHECK, NULL,
	  "do not report rtbpf check's findings" },
	{ "keep-going", OPT_KEEP_GOING, NULL,
	  "a failing cell does not stop the others" },
	{ "plot", 'o', "FILE.svg", "write the end-to-end CDF (gnuplot)" },
	{ "json", 'j', NULL, "NDJSON records on stdout" },
	{ "verbose", 'v', NULL, "more messages; histograms of every stage" },
	{ "help", 'h', NULL, "this help" },
	{},
};

static void on_signal(int sig)
{
	e2e_stop = sig;
}

static int parse_cpu(const char *s, int *cpu, char *err, size_t len)
{
	uint64_t v;
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (parse_u64(s, 0, n > 0 ? (uint64_t)n - 1 : 0, &v, err, len))
		return -EINVAL;
	*cpu = (int)v;
	return 0;
}

static int parse(struct e2e_opts *o, int argc, char **argv)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct cli_parser p;
	char err[256];
	uint64_t v;
	int opt;

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
	cli_parser_init(&p, e2e_opts_tbl);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) !=
	       -1) {
		err[0] = '\0';
		switch (opt) {
		case 'r':
			parse_u64(optarg, 1, 1000000, &o->rate, err,
				  sizeof(err));
			break;
		case 'n':
			parse_u64(optarg, 1, 10000000, &o->events, err,
				  sizeof(err));
			break;
		case OPT_WARMUP:
			parse_u64(optarg, 0, 1000000, &o->warmup, err,
				  sizeof(err));
			break;
		case OPT_ROUNDS:
			parse_u64(optarg, 1, 100, &o->rounds, err, sizeof(err));
			break;
		case 't':
			if (!strcmp(optarg, "xsk"))
				o->transports = 1u << TR_XSK;
			else if (!strcmp(optarg, "udp"))
				o->transports = 1u << TR_UDP;
			else if (!strcmp(optarg, "both"))
				o->transports = 3;
			else
				snprintf(err, sizeof(err),
					 "--transport '%s': want xsk, udp or "
					 "both",
					 optarg);
			break;
		case OPT_TUNED:
			o->tunings = 2;
			break;
		case OPT_UNTUNED:
			o->tunings = 1;
			break;
		case OPT_MATRIX:
			o->tunings = 3;
			break;
		case OPT_XSK_MODE:
			if (!strcmp(optarg, "auto"))
				o->xsk_mode = RTBPF_XSK_AUTO;
			else if (!strcmp(optarg, "zerocopy"))
				o->xsk_mode = RTBPF_XSK_ZEROCOPY;
			else if (!strcmp(optarg, "copy"))
				o->xsk_mode = RTBPF_XSK_COPY;
			else
				snprintf(err, sizeof(err),
					 "--xsk-mode '%s': want auto, "
					 "zerocopy or copy",
					 optarg);
			break;
		case 'S':
			parse_u64(optarg, 16, 1024, &o->size, err, sizeof(err));
			break;
		case OPT_GEN_CPU:
			parse_cpu(optarg, &o->gen_cpu, err, sizeof(err));
			break;
		case OPT_WORKER_CPU:
			parse_cpu(optarg, &o->worker_cpu, err, sizeof(err));
			break;
		case OPT_RX_CPU:
			parse_cpu(optarg, &o->rx_cpu, err, sizeof(err));
			break;
		case 'p':
			if (!parse_u64(optarg, 2, 98, &v, err, sizeof(err)))
				o->priority = (int)v;
			break;
		case 'T': {
			char why[192];

			if (parse_duration(optarg, &o->threshold_ns, why,
					   sizeof(why)))
				snprintf(err, sizeof(err), "--threshold: %s",
					 why);
			break;
		}
		case OPT_NO_MONITOR:
			o->monitor = false;
			break;
		case OPT_NO_CHECK:
			o->check = false;
			break;
		case OPT_KEEP_GOING:
			o->keep_going = true;
			break;
		case 'o':
			o->plot = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		default: {
			int r = cli_common(opt, argv, "bench e2e", "[options]",
					   e2e_opts_tbl);

			if (r)
				return r == CLI_HELP ? 1 : -EINVAL;
			break;
		}
		}
		if (err[0]) {
			log_err("bench e2e: %s", err);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		log_err("bench e2e: unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (o->gen_cpu < 0)
		o->gen_cpu = o->worker_cpu;
	if (o->rx_cpu < 0)
		o->rx_cpu = o->worker_cpu;
	return 0;
}

static int e2e_main(int argc, char **argv)
{
	struct e2e_net net = { .fd_a = -1, .fd_b = -1 };
	struct e2e_result res[4] = {};
	struct sigaction sa = { .sa_handler = on_signal };
	struct e2e_opts o;
	struct json_w w;
	unsigned int nr = 0;
	int rc = EXIT_OK, err;

	err = parse(&o, argc, argv);
	if (err)
		return err > 0 ? EXIT_OK : EXIT_USAGE;
	if (geteuid()) {
		log_err("bench e2e: needs root (network namespaces, "
			"AF_XDP, SCHED_FIFO, BPF for the monitor)");
		return EXIT_FAIL;
	}
	json_init(&w, stdout);
	for (int tr = TR_XSK; tr <= TR_UDP; tr++)
		for (int t = 0; t < 2; t++)
			if ((o.transports >> tr & 1) && (o.tunings >> t & 1))
				res[nr++].cfg = (struct e2e_cell_cfg){
					.tr = (enum e2e_transport)tr, .tuned = t
				};
	/* A handler that only sets a flag, no SA_RESTART: blocking waits
	 * return EINTR and every path below reaches the teardown. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
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
	for (uint64_t round = 0; round < o.rounds && !e2e_stop; round++)
		for (unsigned int i = 0; i < nr && !e2e_stop; i++) {
			struct e2e_result *r = &res[i];

			if (r->failed)
				continue;
			if (!o.json)
				fprintf(stderr,
					"rtbpf: bench e2e: round %llu "
					"cell %s\n",
					(unsigned long long)round + 1,
					e2e_cell_name(&r->cfg));
			err = e2e_cell_run(&o, &net, r);
			if (err && err != -EINTR) {
				r->failed = true;
				log_err("bench e2e: %s: %s",
					e2e_cell_name(&r->cfg), r->why);
				rc = EXIT_FAIL;
				if (!o.keep_going)
					goto report;
			}
		}
report:
	if (e2e_stop) {
		log_err("bench e2e: interrupted by signal %d: partial results",
			atomic_load(&e2e_stop));
		rc = EXIT_FAIL;
	}
	e2e_report(&o, res, nr, &w);
	for (unsigned int i = 0; i < nr; i++)
		if (res[i].lost || res[i].dup || res[i].bad || res[i].sum_bad ||
		    res[i].send_err || res[i].overflow)
			rc = EXIT_FAIL;
	if (o.plot && !e2e_stop) {
		err = e2e_plot(o.plot, res, nr);
		if (err)
			rc = EXIT_FAIL;
		else if (!o.json)
			printf("plot: %s\n", o.plot);
	}
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
