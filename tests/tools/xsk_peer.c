// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xsk_peer PORT COUNT IDLE_MS [spin]: an ordinary kernel UDP receiver for
 * the xsk tests and benchmark. Binds 0.0.0.0:PORT, prints "ready", then
 * receives (spinning on recv with "spin", else sleeping in poll) until
 * COUNT datagrams or IDLE_MS without one, tallying them as `rtbpf xsk
 * recv` does (user/xsk/rx_tally.h: payload checks, duplicates, one-way
 * latency). Ends with one line: received= intact= bad= dup= p50_ns=
 * p99_ns= max_ns= foreign= (the percentiles exact: every one-way figure
 * is kept; foreign: datagrams without the payload's magic).
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "xsk/rx_tally.h"
#include "clock.h"

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint64_t count, port, idle_ms, idle_from = 0, at;
	static uint8_t buf[65536];
	struct xsk_rx_tally t;
	struct pollfd pfd;
	int fd, sz = 16 << 20, spin;
	char err[128];
	ssize_t n;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: xsk_peer PORT COUNT IDLE_MS [spin]\n");
		return 2;
	}
	if (parse_u64(argv[1], 1, 65535, &port, err, sizeof(err)) ||
	    parse_u64(argv[2], 1, 1ULL << 40, &count, err, sizeof(err)) ||
	    parse_u64(argv[3], 1, 3600000, &idle_ms, err, sizeof(err))) {
		fprintf(stderr, "xsk_peer: %s\n", err);
		return 2;
	}
	sa.sin_port = htons((uint16_t)port);
	spin = argc == 5 && !strcmp(argv[4], "spin");
	if (xsk_rx_tally__init(&t, count)) {
		fprintf(stderr, "xsk_peer: out of memory\n");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("xsk_peer: socket");
		xsk_rx_tally__fini(&t);
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	printf("ready\n");
	fflush(stdout);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (t.received < count) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && spin) {
			if (!idle_from)
				idle_from = now_ns();
			else if (now_ns() - idle_from > idle_ms * 1000000ULL)
				break;
			continue;
		}
		if (n < 0) {
			if (poll(&pfd, 1, (int)idle_ms) <= 0)
				break;
			continue;
		}
		/* arrival time first, as rtbpf xsk recv takes it */
		at = now_ns();
		idle_from = 0;
		xsk_rx_tally__add(&t, buf, (size_t)n, (size_t)n, at);
	}
	printf("received=%llu intact=%llu bad=%llu dup=%llu p50_ns=%llu "
	       "p99_ns=%llu max_ns=%llu foreign=%llu\n",
	       (unsigned long long)t.received, (unsigned long long)t.intact,
	       (unsigned long long)t.bad, (unsigned long long)t.dup,
	       (unsigned long long)xsk_rx_tally__one_way(&t, 0.5),
	       (unsigned long long)xsk_rx_tally__one_way(&t, 0.99),
	       (unsigned long long)t.lat.max, (unsigned long long)t.foreign);
	close(fd);
	xsk_rx_tally__fini(&t);
	return 0;
}
