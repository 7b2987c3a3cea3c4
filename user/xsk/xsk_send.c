// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf xsk send: numbered, time-stamped UDP datagrams (user/xsk/payload.h)
 * through <rtbpf/xsk.h>, optionally paced, in batches; prints throughput
 * and the library's statistics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "parse.h"
#include "xsk_cmd.h"
#include "xsk/payload.h"

enum {
	OPT_DST_MAC = XSK_OPT_FIRST_OWN,
	OPT_FRAME,
	OPT_BUDGET,
};

static const struct cli_opt send_opts[] = {
	{ "dev", 'd', "IF", "interface to send on (required)" },
	{ "dst", 'D', "IP:PORT", "destination (required)" },
	{ "src", 's', "IP[:PORT]",
	  "source (default: the interface's address, port = dst port)" },
	{ "dst-mac", OPT_DST_MAC, "MAC",
	  "next hop's MAC (default: from the neighbour table)" },
	{ "queue", 'q', "Q", "queue to bind (default 0)" },
	{ "count", 'n', "N", "datagrams to send (default 1000)" },
	{ "rate", 'r', "PPS", "pace at PPS datagrams/s (default: flat out)" },
	{ "size", 'S', "BYTES", "UDP payload size, >= 24 (default 64)" },
	{ "batch", 'b', "N",
	  "datagrams per call: 1 = send, more = send_batch (default 1)" },
	{ "mode", 'm', "MODE", "auto|zerocopy|copy|socket (default auto)" },
	{ "strict", XSK_OPT_STRICT, NULL, "fail instead of falling back" },
	{ "frame-size", OPT_FRAME, "BYTES", "UMEM frame size 2048|4096" },
	{ "frames", XSK_OPT_FRAMES, "N",
	  "UMEM frames, power of two (default 4096)" },
	{ "ring", XSK_OPT_RING, "N",
	  "entries of each ring, power of two (default 2048)" },
	{ "busy-poll", XSK_OPT_BUSY, "US", "SO_BUSY_POLL microseconds" },
	{ "keep-tx-budget", OPT_BUDGET, NULL,
	  "keep 32 frames per copy-mode kick (test the kick loop)" },
	{ "json", 'j', NULL, "NDJSON records on stdout" },
	{ "verbose", 'v', NULL, "more messages; -vv adds libbpf's" },
	{ "help", 'h', NULL, "this help" },
	{},
};

struct send_cfg {
	struct rtbpf_xsk_opts o;
	uint64_t count, rate, size, batch;
	bool json;
};

/* parse_u64() with the option's name in front of its message. */
static int opt_u64(const char *name, const char *arg, uint64_t lo, uint64_t hi,
		   uint64_t *out, char *err, size_t len)
{
	char why[192];
	int ret = parse_u64(arg, lo, hi, out, why, sizeof(why));

	if (ret)
		snprintf(err, len, "%s: %s", name, why);
	return ret;
}

static int parse(struct send_cfg *c, int argc, char **argv)
{
	struct cli_parser p;
	char err[256];
	uint64_t v;
	int opt;

	c->count = 1000;
	c->size = 64;
	c->batch = 1;
	cli_parser_init(&p, send_opts);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) !=
	       -1) {
		err[0] = '\0';
		switch (opt) {
		case 'D':
			if (xsk_parse_ipport(optarg, &c->o.dst_ip,
					     &c->o.dst_port, true))
				snprintf(err, sizeof(err),
					 "--dst '%s': want IPv4:PORT", optarg);
			break;
		case 's':
			if (xsk_parse_ipport(optarg, &c->o.src_ip,
					     &c->o.src_port, false))
				snprintf(err, sizeof(err),
					 "--src '%s': want IPv4[:PORT]",
					 optarg);
			break;
		case OPT_DST_MAC:
			if (xsk_parse_mac(optarg, c->o.dst_mac))
				snprintf(
					err, sizeof(err),
					"--dst-mac '%s': want aa:bb:cc:dd:ee:ff",
					optarg);
			c->o.dst_mac_set = true;
			break;
		case 'n':
			opt_u64("--count", optarg, 1, 1ULL << 40, &c->count,
				err, sizeof(err));
			break;
		case 'r':
			opt_u64("--rate", optarg, 1, 100000000, &c->rate, err,
				sizeof(err));
			break;
		case 'S':
			opt_u64("--size", optarg, XSK_PAYLOAD_MIN, 65507,
				&c->size, err, sizeof(err));
			break;
		case 'b':
			opt_u64("--batch", optarg, 1, 1024, &c->batch, err,
				sizeof(err));
			break;
		case OPT_FRAME:
			if (!opt_u64("--frame-size", optarg, 2048, 4096, &v,
				     err, sizeof(err)))
				c->o.frame_size = (uint32_t)v;
			break;
		case OPT_BUDGET:
			c->o.keep_tx_budget = true;
			break;
		case 'j':
			c->json = true;
			break;
		default: {
			int r;

			if (xsk_common_opt(opt, optarg, &c->o, err,
					   sizeof(err)))
				break;
			r = cli_common(opt, argv, "xsk send",
				       "--dev IF --dst IP:PORT [options]",
				       send_opts);

			if (r)
				return r == CLI_HELP ? 1 : -EINVAL;
			break;
		}
		}
		if (err[0]) {
			log_err("xsk send: %s", err);
			return -EINVAL;
		}
	}
	if (optind < argc || !c->o.ifname || !c->o.dst_ip) {
		log_err("xsk send: %s", optind < argc ?
						"unexpected argument" :
						"--dev and --dst are required");
		return -EINVAL;
	}
	return 0;
}

static void wait_until(uint64_t t)
{
	uint64_t now = now_ns();
	struct timespec ts;

	if (t > now + 200000) {
		t -= 100000;
		ts.tv_sec = (time_t)(t / 1000000000ULL);
		ts.tv_nsec = (long)(t % 1000000000ULL);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		t += 100000;
	}
	while (now_ns() < t && !xsk_stop)
		__builtin_ia32_pause();
}

/* Waits up to 1 s for every frame to come back from the kernel (those
 * taken back after a failed kick never went to it). */
static void drain(struct rtbpf_xsk *x)
{
	struct rtbpf_xsk_stats s;
	uint64_t end = now_ns() + 1000000000ULL;

	while (now_ns() < end) {
		rtbpf_xsk__reap(x);
		if (rtbpf_xsk__stats(x, &s) || s.mode == RTBPF_XSK_SOCKET ||
		    s.completed + s.withdrawn >= s.submitted)
			return;
		usleep(100);
	}
}

static int send_loop(struct send_cfg *c, struct rtbpf_xsk *x, uint8_t *buf,
		     struct iovec *iov, uint64_t *sent, uint64_t *elapsed)
{
	uint64_t seq = 0, t0 = now_ns(), stall = 0, k, ts;
	int r = 0;

	while (seq < c->count && !xsk_stop) {
		k = c->count - seq < c->batch ? c->count - seq : c->batch;
		if (c->rate)
			wait_until(t0 + seq * 1000000000ULL / c->rate);
		ts = now_ns();
		for (uint64_t i = 0; i < k; i++) {
			xsk_payload_fill(iov[i].iov_base, c->size, seq + i);
			xsk_payload_stamp(iov[i].iov_base, ts);
		}
		if (k == 1 && c->batch == 1)
			r = rtbpf_xsk__send(x, buf, c->size) ?: 1;
		else
			r = rtbpf_xsk__send_batch(x, iov, (unsigned int)k);
		if (r > 0) {
			seq += (uint64_t)r;
			stall = 0;
			continue;
		}
		if (r != -EAGAIN && r != -ENOBUFS)
			break;
		/* Back-pressure, counted by the library: retry, bounded. */
		if (!stall)
			stall = now_ns();
		else if (now_ns() - stall > 1000000000ULL)
			break;
		rtbpf_xsk__reap(x);
		r = 0;
	}
	*elapsed = now_ns() - t0;
	*sent = seq;
	return r < 0 ? r : 0;
}

int xsk_send_main(int argc, char **argv)
{
	struct send_cfg c = {};
	struct rtbpf_xsk *x = NULL;
	struct json_w w;
	struct iovec *iov = NULL;
	uint8_t *buf = NULL;
	char why[256];
	uint64_t sent = 0, ns = 0;
	struct rtbpf_xsk_stats st;
	const char *mwhy;
	int err, rc = EXIT_FAIL;

	err = parse(&c, argc, argv);
	if (err)
		return err > 0 ? EXIT_OK : EXIT_USAGE;
	log_setup_libbpf();
	json_init(&w, stdout);
	c.o.errbuf = why;
	c.o.errlen = sizeof(why);
	buf = calloc(c.batch, c.size);
	iov = calloc(c.batch, sizeof(*iov));
	if (!buf || !iov) {
		log_err("xsk send: out of memory");
		goto cleanup;
	}
	for (uint64_t i = 0; i < c.batch; i++)
		iov[i] = (struct iovec){ buf + i * c.size, c.size };
	if (xsk_install_signals())
		goto cleanup;
	x = rtbpf_xsk__create(&c.o);
	if (!x) {
		rc = xsk_create_failed("send", errno, why);
		goto cleanup;
	}
	rtbpf_xsk__mode(x, &mwhy);
	if (c.json)
		xsk_json_header(&w, "xsk send", &c.o, x);
	else
		printf("rtbpf xsk send: %s queue %u, mode %s (%s)\n",
		       c.o.ifname, c.o.queue,
		       rtbpf_xsk_mode_str(rtbpf_xsk__mode(x, NULL)), mwhy);
	err = send_loop(&c, x, buf, iov, &sent, &ns);
	drain(x);
	if (err)
		log_err("xsk send: after %llu datagrams: %s",
			(unsigned long long)sent, strerror(-err));
	if (!rtbpf_xsk__stats(x, &st) && st.tx_dropped) {
		log_err("xsk send: the device dropped %llu datagram(s) (no "
			"carrier, or its queue stopped)",
			(unsigned long long)st.tx_dropped);
		/* a single send that was dropped returned -EBUSY and is not
		 * in sent; a batch's drops are among its accepted frames */
		if (c.batch > 1)
			sent -= st.tx_dropped < sent ? st.tx_dropped : sent;
		err = err ?: -EBUSY;
	}
	if (c.json) {
		json_obj_begin(&w);
		json_kv_str(&w, "type", "xsk_send");
		json_kv_u64(&w, "sent", sent);
		json_kv_u64(&w, "elapsed_ns", ns);
		json_kv_double(&w, "pps", ns ? sent * 1e9 / (double)ns : 0);
		json_kv_double(&w, "ns_per_pkt",
			       sent ? (double)ns / (double)sent : 0);
		json_obj_end(&w);
		json_end_record(&w);
	} else {
		printf("sent %llu datagrams of %llu bytes in %.3f s: "
		       "%.0f pps, %.0f ns/datagram\n",
		       (unsigned long long)sent, (unsigned long long)c.size,
		       ns / 1e9, ns ? sent * 1e9 / (double)ns : 0,
		       sent ? (double)ns / (double)sent : 0);
	}
	xsk_print_stats(x, c.json, &w);
	rc = err ? EXIT_FAIL : EXIT_OK;
cleanup:
	rtbpf_xsk__destroy(x);
	free(iov);
	free(buf);
	return rc;
}
