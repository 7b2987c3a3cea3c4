// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf xsk recv: UDP datagrams to --port steered by the XDP program into
 * an AF_XDP socket (or a UDP socket in socket mode); checks each payload
 * (user/xsk/payload.h), counts duplicates and measures one-way latency
 * from the sender's time stamp. Datagrams without the payload's magic are
 * foreign (another sender's: counted, never judged); rtbpf payload that
 * fails its checks is bad and makes the run exit 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "parse.h"
#include "xsk_cmd.h"
#include "xsk/rx_tally.h"

struct recv_cfg {
	struct rtbpf_xsk_opts o;
	uint64_t count, duration_ns, interval_ns;
	bool json, spin, quiet;
};

static int apply_ip(const struct cli_opt *o, const char *arg,
		    const union cli_val *v, void *dst, char *err, size_t len)
{
	struct recv_cfg *c = dst;
	uint16_t port = 0;

	(void)o;
	if (xsk_parse_ipport(v->s, &c->o.rx_ip, &port, false) || port) {
		snprintf(err, len, "'%s' is not an IPv4 address", arg);
		return -EINVAL;
	}
	return 0;
}

#define R struct recv_cfg
static const struct cli_opt recv_opts[] = {
	{ "port", 0, .arg = "PORT",
	  .help = "UDP destination port to steer (required; repeat for up "
		  "to 8)",
	  CLI_UINTS_AT(R, o.rx_ports, o.n_rx_ports, 1, 65535),
	  .flags = CLI_REQUIRED },
	{ "ip", 0, .type = CLI_STR, .arg = "IP",
	  .help = "steer only datagrams to this address", .apply = apply_ip },
	{ "count", 'n', .help = "stop after N datagrams",
	  CLI_UINT_AT(R, count, 1, 1ULL << 40) },
	CLI_OPT_DURATION(R, duration_ns, 0),
	{ "interval", 'i',
	  .help = "progress line (--json: an interval record) every DUR "
		  "(default 1s, at least 10ms)",
	  CLI_DURATION_AT(R, interval_ns, 10000000, 0) },
	{ "quiet", 0, .help = "no progress lines or interval records",
	  CLI_FLAG_AT(R, quiet) },
	{ "attach", 0, .arg = "HOW", .help = "XDP attach mode (default auto)",
	  CLI_CHOICE_AT(R, o.attach, xsk_attaches) },
	{ "spin", 0, .help = "spin on the ring instead of poll(2)",
	  CLI_FLAG_AT(R, spin) },
	XSK_COMMON_OPTS(R, "interface to receive on (required)"),
	{},
};
#undef R

const struct cli_cmd xsk_recv_cli = { "xsk recv",
				      "--dev IF --port PORT [options]",
				      recv_opts, CLI_ARGS_NONE,
				      "more messages; -vv adds libbpf's" };

/* The counts of t as JSON fields (the interval and xsk_recv records). */
static void counts_json(struct json_w *w, const struct xsk_rx_tally *t)
{
	json_kv_u64(w, "received", t->received);
	json_kv_u64(w, "intact", t->intact);
	json_kv_u64(w, "bad", t->bad);
	json_kv_u64(w, "truncated", t->truncated);
	json_kv_u64(w, "duplicates", t->dup);
	json_kv_u64(w, "foreign", t->foreign);
}

/* The header record, or the lines that say what recv listens on and
 * what it expects. */
static void print_start(const struct recv_cfg *c, struct rtbpf_xsk *x,
			struct json_w *w)
{
	char ip[INET_ADDRSTRLEN] = "any address";
	const char *mwhy;
	enum rtbpf_xsk_mode m = rtbpf_xsk__mode(x, &mwhy);

	if (c->o.rx_ip)
		inet_ntop(AF_INET, &c->o.rx_ip, ip, sizeof(ip));
	if (c->json) {
		xsk_json_header_begin(w, "xsk recv", &c->o, x);
		json_key(w, "ports");
		json_arr_begin(w);
		for (unsigned int i = 0; i < c->o.n_rx_ports; i++)
			json_u64(w, c->o.rx_ports[i]);
		json_arr_end(w);
		if (c->o.rx_ip)
			json_kv_str(w, "ip", ip);
		json_kv_str(w, "payload", "rtbpf");
		json_obj_end(w);
		json_end_record(w);
		return;
	}
	printf("rtbpf xsk recv: %s queue %u, UDP port%s ", c->o.ifname,
	       c->o.queue, c->o.n_rx_ports > 1 ? "s" : "");
	for (unsigned int i = 0; i < c->o.n_rx_ports; i++)
		printf("%s%u", i ? "," : "", c->o.rx_ports[i]);
	printf(" to %s, mode %s (%s)\n", ip, rtbpf_xsk_mode_str(m), mwhy);
	printf("expects the payload of rtbpf xsk send (magic RTBX, length, "
	       "sequence,\n  send time, bytes from the sequence): others "
	       "count as foreign\n");
	fflush(stdout);
}

/* Every interval: the counts so far (and the datagrams since the last). */
static void progress(const struct recv_cfg *c, const struct xsk_rx_tally *t,
		     uint64_t elapsed_ns, uint64_t *last, struct json_w *w)
{
	if (c->json) {
		json_obj_begin(w);
		json_kv_str(w, "type", "interval");
		json_kv_u64(w, "elapsed_ns", elapsed_ns);
		counts_json(w, t);
		json_obj_end(w);
		json_end_record(w);
	} else {
		printf("%7.1fs %llu datagrams (+%llu): %llu intact, %llu "
		       "foreign, %llu bad",
		       elapsed_ns / 1e9, (unsigned long long)t->received,
		       (unsigned long long)(t->received - *last),
		       (unsigned long long)t->intact,
		       (unsigned long long)t->foreign,
		       (unsigned long long)t->bad);
		if (t->truncated)
			printf(", %llu truncated",
			       (unsigned long long)t->truncated);
		if (t->dup)
			printf(", %llu duplicates", (unsigned long long)t->dup);
		printf("\n");
		fflush(stdout);
	}
	*last = t->received;
}

/* At the interval's end: a progress report, unless --quiet. */
static void tick(const struct recv_cfg *c, const struct xsk_rx_tally *t,
		 uint64_t now, uint64_t start, uint64_t *next, uint64_t *last,
		 struct json_w *w)
{
	if (c->quiet || now < *next)
		return;
	progress(c, t, now - start, last, w);
	while (*next <= now)
		*next += c->interval_ns;
}

static int recv_loop(struct recv_cfg *c, struct rtbpf_xsk *x,
		     struct xsk_rx_tally *t, struct json_w *w)
{
	struct rtbpf_xsk_rx_info info;
	uint64_t start = now_ns(), now, last = 0;
	uint64_t end = c->duration_ns ? ns_add_sat(start, c->duration_ns) : 0;
	uint64_t next = start + c->interval_ns;
	struct pollfd pfd = { .fd = rtbpf_xsk__fd(x), .events = POLLIN };
	static uint8_t buf[65536];
	unsigned int iter = 0;
	int n;

	while (!xsk_stop && (!c->count || t->received < c->count)) {
		/* the clock only now and then while spinning: a read of it
		 * before each look would delay noticing a datagram */
		if (!c->spin || !(++iter % 1024)) {
			now = now_ns();
			if (end && now >= end)
				break;
			tick(c, t, now, start, &next, &last, w);
		}
		n = rtbpf_xsk__recv(x, buf, sizeof(buf), &info);
		if (n >= 0) {
			xsk_rx_tally__add(t, buf, (size_t)n, info.len,
					  now_ns());
			continue;
		}
		if (n != -EAGAIN)
			return n;
		if (c->o.busy_poll_us || c->spin)
			continue;
		if (poll(&pfd, 1, 50) < 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}

static void report(struct recv_cfg *c, struct xsk_rx_tally *t, struct json_w *w)
{
	if (c->json) {
		json_obj_begin(w);
		json_kv_str(w, "type", "xsk_recv");
		counts_json(w, t);
		json_key(w, "one_way");
		json_obj_begin(w);
		json_kv_u64(w, "count", t->lat.count);
		json_kv_bool(w, "exact", samples_exact(&t->exact));
		json_kv_u64(w, "p50_ns", xsk_rx_tally__one_way(t, 0.5));
		json_kv_u64(w, "p99_ns", xsk_rx_tally__one_way(t, 0.99));
		json_kv_u64(w, "max_ns", t->lat.max);
		json_obj_end(w);
		json_obj_end(w);
		json_end_record(w);
		return;
	}
	printf("received %llu datagrams: %llu intact, %llu bad, "
	       "%llu truncated, %llu duplicates; %llu foreign\n",
	       (unsigned long long)t->received, (unsigned long long)t->intact,
	       (unsigned long long)t->bad, (unsigned long long)t->truncated,
	       (unsigned long long)t->dup, (unsigned long long)t->foreign);
	if (t->lat.count)
		printf("one-way latency: p50 %.1f us, p99 %.1f us, max %.1f us\n",
		       xsk_rx_tally__one_way(t, 0.5) / 1e3,
		       xsk_rx_tally__one_way(t, 0.99) / 1e3, t->lat.max / 1e3);
}

int xsk_recv_main(int argc, char **argv)
{
	struct recv_cfg c = { .interval_ns = 1000000000ULL };
	struct xsk_rx_tally t = {};
	struct rtbpf_xsk *x = NULL;
	struct json_w w;
	char why[256];
	int err, rc = EXIT_FAIL;

	err = cli_parse(&xsk_recv_cli, argc, argv, &c, NULL);
	if (err)
		return cli_exit(err);
	log_setup_libbpf();
	json_init(&w, stdout);
	if (xsk_rx_tally__init(&t, c.count)) {
		log_err("xsk recv: out of memory");
		goto cleanup;
	}
	if (xsk_install_signals())
		goto cleanup;
	c.o.errbuf = why;
	c.o.errlen = sizeof(why);
	x = rtbpf_xsk__create(&c.o);
	if (!x) {
		rc = xsk_create_failed("recv", errno, why);
		goto cleanup;
	}
	print_start(&c, x, &w);
	err = recv_loop(&c, x, &t, &w);
	if (err)
		log_err("xsk recv: %s", strerror(-err));
	report(&c, &t, &w);
	xsk_print_stats(x, c.json, &w);
	rc = err ? EXIT_FAIL : EXIT_OK;
	if (t.bad) {
		log_err("xsk recv: %llu bad datagrams (rtbpf payload that "
			"failed its checks)",
			(unsigned long long)t.bad);
		rc = EXIT_FAIL;
	}
cleanup:
	rtbpf_xsk__destroy(x);
	xsk_rx_tally__fini(&t);
	return rc;
}
