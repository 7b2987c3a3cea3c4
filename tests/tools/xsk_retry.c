// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xsk_retry IFACE DST_IP PORT: one AF_XDP sender in copy mode (strict)
 * that a test drives line by line on stdin, so the link can change between
 * two sends of the same process:
 *   send SEQ   sends one 64-byte test datagram (user/xsk/payload.h) with
 *              sequence SEQ; prints "rc=0" or "rc=-ERRNO"
 *   reap       reaps completions; prints "reaped=N"
 *   stats      prints "submitted= completed= tx_dropped= withdrawn="
 *   quit       ends (exit 0)
 * Exit 1 when the socket cannot be made, 2 on bad arguments.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rtbpf/xsk.h>

#include "xsk/payload.h"

int main(int argc, char **argv)
{
	struct rtbpf_xsk_opts o = { .mode = RTBPF_XSK_COPY, .strict = true };
	struct rtbpf_xsk_stats st;
	struct rtbpf_xsk *x;
	char why[256] = "", line[64];
	uint8_t buf[64];
	unsigned long long seq;
	struct in_addr a;

	if (argc != 4 || !inet_aton(argv[2], &a) || !atoi(argv[3])) {
		fprintf(stderr, "usage: xsk_retry IFACE DST_IP PORT\n");
		return 2;
	}
	o.ifname = argv[1];
	o.dst_ip = a.s_addr;
	o.dst_port = (uint16_t)atoi(argv[3]);
	o.errbuf = why;
	o.errlen = sizeof(why);
	x = rtbpf_xsk__create(&o);
	if (!x) {
		fprintf(stderr, "xsk_retry: %s\n", why);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "send %llu", &seq) == 1) {
			xsk_payload_fill(buf, sizeof(buf), seq);
			xsk_payload_stamp(buf, 0);
			printf("rc=%d\n", rtbpf_xsk__send(x, buf, sizeof(buf)));
		} else if (!strncmp(line, "reap", 4)) {
			printf("reaped=%d\n", rtbpf_xsk__reap(x));
		} else if (!strncmp(line, "stats", 5)) {
			rtbpf_xsk__stats(x, &st);
			printf("submitted=%llu completed=%llu tx_dropped=%llu "
			       "withdrawn=%llu\n",
			       (unsigned long long)st.submitted,
			       (unsigned long long)st.completed,
			       (unsigned long long)st.tx_dropped,
			       (unsigned long long)st.withdrawn);
		} else if (!strncmp(line, "quit", 4)) {
			break;
		}
	}
	rtbpf_xsk__destroy(x);
	return 0;
}
