// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpf_stats_hold: turns BPF run-time statistics on (run_cnt, run_time_ns
 * of every program) through bpf(BPF_ENABLE_STATS) for as long as it runs,
 * without touching the kernel.bpf_stats_enabled sysctl: the kernel turns
 * them off again when the fd closes, whatever ends the process. Prints
 * "ready", then holds until SIGINT or SIGTERM or SECONDS (default 60)
 * passed. Needs CAP_SYS_ADMIN. Exit 0, 1 on failure, 2 on arguments.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

int main(int argc, char **argv)
{
	struct timespec ts = { .tv_sec = 60 };
	sigset_t set;
	char *end;
	int fd, sig;

	if (argc > 2) {
		fprintf(stderr, "usage: bpf_stats_hold [SECONDS]\n");
		return 2;
	}
	if (argc == 2) {
		ts.tv_sec = strtol(argv[1], &end, 10);
		if (*end || ts.tv_sec <= 0) {
			fprintf(stderr, "bpf_stats_hold: bad SECONDS '%s'\n",
				argv[1]);
			return 2;
		}
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0) {
		fprintf(stderr, "bpf_stats_hold: BPF_ENABLE_STATS: %s\n",
			strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	sig = sigtimedwait(&set, NULL, &ts);
	(void)sig;
	close(fd);
	return 0;
}
