// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sched_floor: the benchmark's reference tool. Loads and attaches
 * tests/tools/sched_floor.bpf.c (one clock read per event on the hooks of
 * rtbpf's sched collector; with --no-waking on runqlat's: sched_wakeup,
 * sched_wakeup_new and sched_switch), prints "ready", and detaches on
 * SIGINT or SIGTERM. Needs root. Exit 0, 1 on failure, 2 on arguments.
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "sched_floor.skel.h"

int main(int argc, char **argv)
{
	struct sched_floor_bpf *s;
	sigset_t set;
	int sig;

	bool waking = true;

	if (argc == 2 && !strcmp(argv[1], "--no-waking")) {
		waking = false;
	} else if (argc != 1) {
		fprintf(stderr, "usage: sched_floor [--no-waking]\n");
		return 2;
	}
	/* blocked before attaching: a signal from then on is not lost */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	s = sched_floor_bpf__open();
	if (s && !waking) {
		bpf_program__set_autoload(s->progs.floor_waking, false);
		bpf_program__set_autoload(s->progs.floor_wake_idle, false);
	}
	if (!s || sched_floor_bpf__load(s) || sched_floor_bpf__attach(s)) {
		fprintf(stderr, "sched_floor: load and attach: %s\n",
			strerror(errno));
		sched_floor_bpf__destroy(s);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	sched_floor_bpf__destroy(s);
	return 0;
}
