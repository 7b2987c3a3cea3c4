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
#include "commands.h"
#include "log.h"
#include "parse.h"
#include "xsk_cmd.h"
#include "xsk/payload.h"

struct send_cfg {
	struct rtbpf_xsk_opts o;
	uint64_t count, rate, size, batch;
	bool json;
};

static int ipport(const char *arg, uint32_t *ip, uint16_t *port, bool need_port,
		  char *err, size_t len)
{
	if (xsk_parse_ipport(arg, ip, port, need_port)) {
		snprintf(err, len, "'%s' is not %s", arg,
			 need_port ? "IPv4:PORT" : "IPv4[:PORT]");
		return -EINVAL;
	}
	return 0;
}

static int apply_dst(const struct cli_opt *o, const char *arg,
		     const union cli_val *v, void *dst, char *err, size_t len)
{
	struct send_cfg *c = dst;

	(void)o, (void)arg;
	return ipport(v->s, &c->o.dst_ip, &c->o.dst_port, true, err, len);
}

static int apply_src(const struct cli_opt *o, const char *arg,
		     const union cli_val *v, void *dst, char *err, size_t len)
{
	struct send_cfg *c = dst;

	(void)o, (void)arg;
	return ipport(v->s, &c->o.src_ip, &c->o.src_port, false, err, len);
}

static int apply_mac(const struct cli_opt *o, const char *arg,
		     const union cli_val *v, void *dst, char *err, size_t len)
{
	struct send_cfg *c = dst;

	(void)o;
	if (xsk_parse_mac(v->s, c->o.dst_mac)) {
		snprintf(err, len,
			 "'%s' is not a MAC address "
			 "(aa:bb:cc:dd:ee:ff)",
			 arg);
		return -EINVAL;
	}
	c->o.dst_mac_set = true;
	return 0;
}

#define S struct send_cfg
static const struct cli_opt send_opts[] = {
	{ "dst", 'D', .type = CLI_STR, .arg = "IP:PORT",
	  .help = "destination (required)", .flags = CLI_REQUIRED,
	  .apply = apply_dst },
	{ "src", 's', .type = CLI_STR, .arg = "IP[:PORT]",
	  .help = "source (default: the interface's address, port = dst "
		  "port)",
	  .apply = apply_src },
	{ "dst-mac", 0, .type = CLI_STR, .arg = "MAC",
	  .help = "next hop's MAC (default: from the neighbour table)",
	  .apply = apply_mac },
	{ "count", 'n', .help = "datagrams to send (default 1000)",
	  CLI_UINT_AT(S, count, 1, 1ULL << 40) },
	{ "rate", 'r', .arg = "PPS",
	  .help = "pace at PPS datagrams/s (default: flat out)",
	  CLI_UINT_AT(S, rate, 1, 100000000) },
	{ "size", 'S', .arg = "BYTES",
	  .help = "UDP payload size, >= 24 (default 64)",
	  CLI_UINT_AT(S, size, XSK_PAYLOAD_MIN, 65507) },
	{ "batch", 'b',
	  .help = "datagrams per call: 1 = send, more = send_batch (default "
		  "1)",
	  CLI_UINT_AT(S, batch, 1, 1024) },
	{ "frame-size", 0, .arg = "BYTES", .help = "UMEM frame size 2048|4096",
	  CLI_UINT_AT(S, o.frame_size, 2048, 4096) },
	{ "keep-tx-budget", 0,
	  .help = "keep 32 frames per copy-mode kick (test the kick loop)",
	  CLI_FLAG_AT(S, o.keep_tx_budget) },
	XSK_COMMON_OPTS(S, "interface to send on (required)"),
	{},
};
#undef S

const struct cli_cmd xsk_send_cli = { "xsk send",
				      "--dev IF --dst IP:PORT [options]",
				      send_opts, CLI_ARGS_NONE,
				      "more messages; -vv adds libbpf's" };

static int parse(struct send_cfg *c, int argc, char **argv)
{
	c->count = 1000;
	c->size = 64;
	c->batch = 1;
	return cli_parse(&xsk_send_cli, argc, argv, c, NULL);
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

/* Datagrams the device dropped after taking them: said, taken out of
 * *sent for a batch; -EBUSY unless err is set already. */
static int account_drops(const struct send_cfg *c, struct rtbpf_xsk *x,
			 uint64_t *sent, int err)
{
	struct rtbpf_xsk_stats st;

	if (rtbpf_xsk__stats(x, &st) || !st.tx_dropped)
		return err;
	log_err("xsk send: the device dropped %llu datagram(s) (no "
		"carrier, or its queue stopped)",
		(unsigned long long)st.tx_dropped);
	/* a single send that was dropped returned -EBUSY and is not in sent;
	 * a batch's drops are among its accepted frames */
	if (c->batch > 1)
		*sent -= st.tx_dropped < *sent ? st.tx_dropped : *sent;
	return err ?: -EBUSY;
}

static void print_result(const struct send_cfg *c, struct json_w *w,
			 uint64_t sent, uint64_t ns)
{
	double pps = ns ? sent * 1e9 / (double)ns : 0;
	double per = sent ? (double)ns / (double)sent : 0;

	if (c->json) {
		json_obj_begin(w);
		json_kv_str(w, "type", "xsk_send");
		json_kv_u64(w, "sent", sent);
		json_kv_u64(w, "elapsed_ns", ns);
		json_kv_double(w, "pps", pps);
		json_kv_double(w, "ns_per_pkt", per);
		json_obj_end(w);
		json_end_record(w);
	} else {
		printf("sent %llu datagrams of %llu bytes in %.3f s: "
		       "%.0f pps, %.0f ns/datagram\n",
		       (unsigned long long)sent, (unsigned long long)c->size,
		       ns / 1e9, pps, per);
	}
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
	const char *mwhy;
	int err, rc = EXIT_FAIL;

	err = parse(&c, argc, argv);
	if (err)
		return cli_exit(err);
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
	if (c.json) {
		xsk_json_header_begin(&w, "xsk send", &c.o, x);
		json_obj_end(&w);
		json_end_record(&w);
	} else
		printf("rtbpf xsk send: %s queue %u, mode %s (%s)\n",
		       c.o.ifname, c.o.queue,
		       rtbpf_xsk_mode_str(rtbpf_xsk__mode(x, NULL)), mwhy);
	err = send_loop(&c, x, buf, iov, &sent, &ns);
	drain(x);
	if (err)
		log_err("xsk send: after %llu datagrams: %s",
			(unsigned long long)sent, strerror(-err));
	err = account_drops(&c, x, &sent, err);
	print_result(&c, &w, sent, ns);
	xsk_print_stats(x, c.json, &w);
	rc = err ? EXIT_FAIL : EXIT_OK;
cleanup:
	rtbpf_xsk__destroy(x);
	free(iov);
	free(buf);
	return rc;
}
