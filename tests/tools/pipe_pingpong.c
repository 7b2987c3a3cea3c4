// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Benchmark load (bench/sched.sh): the round trip of `perf bench sched
 * pipe`, timed in short batches so that a quiet stretch of a shared VM can
 * be picked out.
 *
 * Two processes pinned to one CPU pass a byte back and forth through two
 * pipes; every round trip is two context switches and one or two wakeups
 * (a side preempted by the one it woke is switched back in, not woken),
 * the events a scheduling-latency tool hooks. The parent times --batches
 * batches of --per round trips each (CLOCK_MONOTONIC) and prints, in ns
 * per round trip, the fastest batch, the 10th percentile and the median.
 * Noise on a shared machine only adds time, so the low end of the
 * distribution is the steadiest estimate of what an attached tool costs;
 * bench/sched.sh compares it with the same figure taken with nothing
 * attached in the same round.
 *
 * Output: one JSON line {"round_trips":N,"min_ns":..,"p10_ns":..,
 * "median_ns":..}. Exit 0 ok, 1 failure, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "samples.h"
#include "clock.h"

/* The child: echo every byte back until the parent closes its end. */
static void echo_loop(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			break;
	_exit(0);
}

struct pp_args {
	uint64_t cpu, batches, per;
};

#define A struct pp_args
static const struct cli_opt pp_opts[] = {
	{ "cpu", 0, .help = "the CPU both processes run on (default 0)",
	  CLI_UINT_AT(A, cpu, 0, CPU_SETSIZE - 1) },
	{ "batches", 0, .help = "batches timed (default 400)",
	  CLI_UINT_AT(A, batches, 1, 1000000) },
	{ "per", 0, .help = "round trips per batch (default 500)",
	  CLI_UINT_AT(A, per, 1, 1000000) },
	{},
};
#undef A

static const struct cli_cmd pp_cli = { "pipe_pingpong", "[options]", pp_opts,
				       CLI_ARGS_NONE, NULL };

int main(int argc, char **argv)
{
	struct pp_args a = { .cpu = 0, .batches = 400, .per = 500 };
	struct samples times = { 0 };
	uint64_t cpu, batches, per;
	int to_child[2] = { -1, -1 }, to_parent[2] = { -1, -1 };
	int err = 1, status;
	cpu_set_t set;
	pid_t child;

	err = cli_parse(&pp_cli, argc, argv, &a, NULL);
	if (err)
		return cli_exit(err);
	err = 1;
	cpu = a.cpu;
	batches = a.batches;
	per = a.per;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* the child inherits the affinity */
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "pipe_pingpong: pin to CPU %" PRIu64 ": %s\n",
			cpu, strerror(errno));
		return 1;
	}
	/* batches <= 1000000 < SAMPLES_MAX */
	if (samples_init(&times, batches) || pipe(to_child) ||
	    pipe(to_parent)) {
		fprintf(stderr, "pipe_pingpong: set-up: %s\n", strerror(errno));
		goto cleanup;
	}
	child = fork();
	if (child < 0) {
		fprintf(stderr, "pipe_pingpong: fork: %s\n", strerror(errno));
		goto cleanup;
	}
	if (!child) {
		close(to_child[1]);
		close(to_parent[0]);
		echo_loop(to_child[0], to_parent[1]);
	}
	close(to_child[0]);
	close(to_parent[1]);
	to_child[0] = to_parent[1] = -1;

	for (uint64_t i = 0; i < batches; i++) {
		uint64_t t0 = now_ns();
		char c = 'x';

		for (uint64_t k = 0; k < per; k++) {
			if (write(to_child[1], &c, 1) != 1 ||
			    read(to_parent[0], &c, 1) != 1) {
				fprintf(stderr,
					"pipe_pingpong: round trip: %s\n",
					strerror(errno));
				kill(child, SIGKILL);
				goto reap;
			}
		}
		samples_add(&times, now_ns() - t0);
	}
	err = 0;
reap:
	/* EOF ends the child's loop */
	close(to_child[1]);
	to_child[1] = -1;
	if (waitpid(child, &status, 0) < 0)
		err = 1;
	if (err)
		goto cleanup;
	/* batch times in ns; rank 1 of batches is the fastest */
	printf("{\"round_trips\":%" PRIu64 ",\"min_ns\":%.1f,\"p10_ns\":%.1f,"
	       "\"median_ns\":%.1f}\n",
	       batches * per,
	       (double)samples_quantile(&times, 1.0 / (double)batches) /
		       (double)per,
	       (double)samples_quantile(&times, 0.1) / (double)per,
	       (double)samples_quantile(&times, 0.5) / (double)per);
cleanup:
	for (int i = 0; i < 2; i++) {
		if (to_child[i] >= 0)
			close(to_child[i]);
		if (to_parent[i] >= 0)
			close(to_parent[i]);
	}
	samples_free(&times);
	return err;
}
