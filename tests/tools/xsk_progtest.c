// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xsk_progtest: runs xdp/xsk_steer.bpf.c on crafted frames with
 * bpf_prog_test_run_opts (no traffic, no attach): a matching IPv4/UDP
 * datagram takes the redirect path (no socket in the map here, so it falls
 * back to XDP_PASS and counts a failed redirect), everything else (other
 * port, other address, TCP, IPv6, VLAN, fragments, every truncation) is
 * passed without a redirect attempt and without reading out of bounds.
 * Needs root (CAP_BPF + CAP_NET_ADMIN). Exit 0 pass, 1 fail, 77 skip.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp/xsk_steer.h"
#include "xsk_steer.skel.h"

static int failures;

#define CHECK_EQ(a, b, what)                                               \
	({                                                                 \
		long long _a = (long long)(a), _b = (long long)(b);        \
		bool _ok = _a == _b;                                       \
		if (!_ok) {                                                \
			fprintf(stderr, "FAIL %s: %s = %lld, want %lld\n", \
				what, #a, _a, _b);                         \
			failures++;                                        \
		}                                                          \
		_ok;                                                       \
	})

/* Ethernet + IPv4 + UDP to 198.18.0.2:dport, 16 bytes of payload. */
static size_t udp4(unsigned char *f, unsigned short dport, unsigned int daddr)
{
	memset(f, 0, 128);
	memcpy(f, "\x02\0\0\0\0\2\x02\0\0\0\0\1\x08\x00", 14);
	f[14] = 0x45;
	f[16] = 0;
	f[17] = 20 + 8 + 16;
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, "\xc6\x12\0\1", 4);
	memcpy(f + 30, &daddr, 4);
	f[34] = 0x23;
	f[35] = 0x28;
	f[36] = (unsigned char)(dport >> 8);
	f[37] = (unsigned char)dport;
	f[39] = 8 + 16;
	return 14 + 20 + 8 + 16;
}

static int read_counters(struct xsk_steer_bpf *s, unsigned long long *out)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long v[1024];

	if (ncpu <= 0 || ncpu > 1024)
		return -EINVAL;
	for (__u32 k = 0; k < XSK_STEER_NR; k++) {
		if (bpf_map_lookup_elem(bpf_map__fd(s->maps.counters), &k, v))
			return -errno;
		out[k] = 0;
		for (int c = 0; c < ncpu; c++)
			out[k] += v[c];
	}
	return 0;
}

/* Runs one frame; checks the verdict and which counters moved. */
static void run(struct xsk_steer_bpf *s, const char *name,
		const unsigned char *f, size_t len, bool match)
{
	unsigned char out[256];
	unsigned long long before[XSK_STEER_NR], after[XSK_STEER_NR];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
	int err, fails = failures;

	if (read_counters(s, before))
		return (void)failures++;
	err = bpf_prog_test_run_opts(bpf_program__fd(s->progs.xdp_xsk_steer),
				     &o);
	if (!CHECK_EQ(err, 0, name))
		return;
	read_counters(s, after);
	CHECK_EQ(o.retval, XDP_PASS, name);
	CHECK_EQ(after[XSK_STEER_SEEN] - before[XSK_STEER_SEEN], 1, name);
	CHECK_EQ(after[XSK_STEER_PASSED] - before[XSK_STEER_PASSED], 1, name);
	CHECK_EQ(after[XSK_STEER_REDIRECT_FAILED] -
			 before[XSK_STEER_REDIRECT_FAILED],
		 match, name);
	CHECK_EQ(after[XSK_STEER_REDIRECTED] - before[XSK_STEER_REDIRECTED], 0,
		 name);
	CHECK_EQ(o.data_size_out, len, name);
	printf("%s  %-34s %s\n", failures == fails ? "ok  " : "FAIL", name,
	       match ? "redirect path" : "passed");
}

static struct xsk_steer_bpf *load(unsigned int dst_ip)
{
	struct xsk_steer_bpf *s = xsk_steer_bpf__open();

	if (!s)
		return NULL;
	s->rodata->cfg_ports[0] = 9000;
	s->rodata->cfg_ports[1] = 9001;
	s->rodata->cfg_dst_ip = dst_ip;
	if (xsk_steer_bpf__load(s)) {
		xsk_steer_bpf__destroy(s);
		return NULL;
	}
	return s;
}

int main(void)
{
	unsigned int ip_b = inet_addr("198.18.0.2");
	unsigned int ip_c = inet_addr("198.18.0.3");
	struct xsk_steer_bpf *s, *s_ip;
	unsigned char f[128], g[128];
	size_t n, cut;
	char name[64];

	s = load(0);
	if (!s) {
		printf("SKIP: cannot load xsk_steer (%s): needs root\n",
		       strerror(errno));
		return errno == EPERM ? 77 : 1;
	}
	n = udp4(f, 9000, ip_b);
	run(s, "udp4 port 9000", f, n, true);
	n = udp4(f, 9001, ip_b);
	run(s, "udp4 port 9001", f, n, true);
	n = udp4(f, 9002, ip_b);
	run(s, "udp4 other port", f, n, false);
	n = udp4(f, 9000, ip_b);
	f[23] = 6;
	run(s, "tcp to port 9000", f, n, false);
	n = udp4(f, 9000, ip_b);
	f[20] = 0x20; /* more fragments */
	run(s, "first fragment", f, n, false);
	n = udp4(f, 9000, ip_b);
	f[21] = 0x10; /* offset */
	run(s, "later fragment", f, n, false);
	n = udp4(f, 9000, ip_b);
	f[14] = 0x44; /* ihl 4: invalid */
	run(s, "ihl below 5", f, n, false);
	n = udp4(f, 9000, ip_b);
	f[14] = 0x4f; /* ihl 15: UDP header beyond the frame */
	run(s, "ihl 15 past the end", f, n, false);
	n = udp4(f, 9000, ip_b);
	f[14] = 0x65; /* version 6 in an IPv4 ethertype */
	run(s, "bad IP version", f, n, false);
	/* IPv6 / UDP to port 9000. */
	memset(g, 0, sizeof(g));
	memcpy(g, "\x02\0\0\0\0\2\x02\0\0\0\0\1\x86\xdd", 14);
	g[14] = 0x60;
	g[19] = 24;
	g[20] = 17;
	g[21] = 64;
	g[14 + 40 + 2] = 0x23;
	g[14 + 40 + 3] = 0x28;
	run(s, "ipv6 udp to port 9000", g, 14 + 40 + 8 + 16, false);
	/* 802.1Q tag in front of an otherwise matching datagram. */
	n = udp4(f, 9000, ip_b);
	memcpy(g, f, 12);
	memcpy(g + 12, "\x81\x00\x00\x05", 4);
	memcpy(g + 16, f + 12, n - 12);
	run(s, "vlan-tagged udp4", g, n + 4, false);
	/* Every truncation of a matching frame, from the bare Ethernet
	 * header (the smallest test_run accepts) to one byte short of the
	 * UDP header's end. */
	n = udp4(f, 9000, ip_b);
	for (cut = 14; cut < 14 + 20 + 8; cut++) {
		snprintf(name, sizeof(name), "truncated to %zu bytes", cut);
		run(s, name, f, cut, false);
	}
	/* Headers whole, the payload the lengths claim cut off. */
	run(s, "payload cut off", f, 14 + 20 + 8, false);
	run(s, "one payload byte short", f, n - 1, false);
	n = udp4(f, 9000, ip_b);
	f[17] = 20 + 8;
	f[39] = 8;
	run(s, "empty datagram, lengths agree", f, 14 + 20 + 8, true);
	n = udp4(f, 9000, ip_b);
	run(s, "ethernet padding after the datagram", f, n + 6, true);
	n = udp4(f, 9000, ip_b);
	f[17] = 20 + 4; /* IP total length shorter than IP + UDP headers */
	run(s, "ip length below the headers", f, n, false);
	n = udp4(f, 9000, ip_b);
	f[39] = 8 + 17; /* UDP length past the IP datagram */
	run(s, "udp length past the ip datagram", f, n, false);
	n = udp4(f, 9000, ip_b);
	f[39] = 7; /* below its own header */
	run(s, "udp length below 8", f, n, false);

	s_ip = load(ip_b);
	if (!s_ip) {
		fprintf(stderr, "FAIL load with cfg_dst_ip\n");
		failures++;
	} else {
		n = udp4(f, 9000, ip_b);
		run(s_ip, "dst ip filter: match", f, n, true);
		n = udp4(f, 9000, ip_c);
		run(s_ip, "dst ip filter: other address", f, n, false);
		xsk_steer_bpf__destroy(s_ip);
	}
	xsk_steer_bpf__destroy(s);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
