// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xsk_peer PORT COUNT IDLE_MS [spin]: an ordinary kernel UDP receiver for
 * the xsk tests and benchmark. Binds 0.0.0.0:PORT, prints "ready", then
 * receives (spinning on recv with "spin", else sleeping in poll) until
 * COUNT datagrams or IDLE_MS without one, checking every payload
 * (user/xsk/payload.h) and tracking duplicates and one-way latency. Ends
 * with one line: received= intact= bad= dup= p50_ns= p99_ns= max_ns= (the
 * percentiles exact: every one-way figure is kept).
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "hist.h"
#include "samples.h"
#include "xsk/payload.h"

#define SEQ_TRACK (1u << 24)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint64_t count, rcvd = 0, intact = 0, bad = 0, dup = 0, seq, tx;
	static uint8_t buf[65536];
	static struct hist lat;
	struct samples exact = { 0 };
	struct pollfd pfd;
	int fd, idle_ms, sz = 16 << 20, spin;
	uint64_t idle_from = 0, at;
	uint8_t *seen;
	ssize_t n;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: xsk_peer PORT COUNT IDLE_MS [spin]\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	count = strtoull(argv[2], NULL, 10);
	idle_ms = atoi(argv[3]);
	spin = argc == 5 && !strcmp(argv[4], "spin");
	seen = calloc(SEQ_TRACK / 8, 1);
	if (count && count <= SAMPLES_MAX && samples_init(&exact, count)) {
		fprintf(stderr, "xsk_peer: out of memory\n");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!seen || fd < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("xsk_peer: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	hist_reset(&lat);
	printf("ready\n");
	fflush(stdout);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (rcvd < count) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && spin) {
			if (!idle_from)
				idle_from = now_ns();
			else if (now_ns() - idle_from >
				 (uint64_t)idle_ms * 1000000ULL)
				break;
			continue;
		}
		if (n < 0) {
			if (poll(&pfd, 1, idle_ms) <= 0)
				break;
			continue;
		}
		/* arrival time first, as rtbpf xsk recv takes it */
		at = now_ns();
		idle_from = 0;
		rcvd++;
		if (xsk_payload_check(buf, (size_t)n, &seq, &tx)) {
			bad++;
			continue;
		}
		intact++;
		if (seq < SEQ_TRACK) {
			if (seen[seq / 8] & (1u << (seq % 8)))
				dup++;
			seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
		}
		if (tx && at >= tx) {
			hist_add_value(&lat, at - tx);
			samples_add(&exact, at - tx);
		}
	}
	printf("received=%llu intact=%llu bad=%llu dup=%llu p50_ns=%llu "
	       "p99_ns=%llu max_ns=%llu\n",
	       (unsigned long long)rcvd, (unsigned long long)intact,
	       (unsigned long long)bad, (unsigned long long)dup,
	       (unsigned long long)samples_or_hist_quantile(&exact, &lat, 0.5),
	       (unsigned long long)samples_or_hist_quantile(&exact, &lat, 0.99),
	       (unsigned long long)lat.max);
	samples_free(&exact);
	free(seen);
	return 0;
}
