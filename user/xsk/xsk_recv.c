// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf xsk recv: UDP datagrams to --port steered by the XDP program into
 * an AF_XDP socket (or a UDP socket in socket mode); checks each payload
 * (user/xsk/payload.h), counts duplicates and measures one-way latency
 * from the sender's time stamp.
 */
#define _GNU_SOURCE
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
	uint64_t count, duration_ns;
	bool json, spin;
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

static int recv_loop(struct recv_cfg *c, struct rtbpf_xsk *x,
		     struct xsk_rx_tally *t)
{
	struct rtbpf_xsk_rx_info info;
	uint64_t end = c->duration_ns ? ns_add_sat(now_ns(), c->duration_ns) :
					0;
	struct pollfd pfd = { .fd = rtbpf_xsk__fd(x), .events = POLLIN };
	static uint8_t buf[65536];
	unsigned int iter = 0;
	int n;

	while (!xsk_stop && (!c->count || t->received < c->count)) {
		/* the clock only now and then while spinning: a read of it
		 * before each look would delay noticing a datagram */
		if (end && (!c->spin || !(++iter % 1024)) && now_ns() >= end)
			break;
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
		json_kv_u64(w, "received", t->received);
		json_kv_u64(w, "intact", t->intact);
		json_kv_u64(w, "bad", t->bad);
		json_kv_u64(w, "truncated", t->truncated);
		json_kv_u64(w, "duplicates", t->dup);
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
	       "%llu truncated, %llu duplicates\n",
	       (unsigned long long)t->received, (unsigned long long)t->intact,
	       (unsigned long long)t->bad, (unsigned long long)t->truncated,
	       (unsigned long long)t->dup);
	if (t->lat.count)
		printf("one-way latency: p50 %.1f us, p99 %.1f us, max %.1f us\n",
		       xsk_rx_tally__one_way(t, 0.5) / 1e3,
		       xsk_rx_tally__one_way(t, 0.99) / 1e3, t->lat.max / 1e3);
}

int xsk_recv_main(int argc, char **argv)
{
	struct recv_cfg c = {};
	struct xsk_rx_tally t = {};
	struct rtbpf_xsk *x = NULL;
	struct json_w w;
	const char *mwhy;
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
	rtbpf_xsk__mode(x, &mwhy);
	if (c.json)
		xsk_json_header(&w, "xsk recv", &c.o, x);
	else
		printf("rtbpf xsk recv: %s queue %u port %u, mode %s (%s)\n",
		       c.o.ifname, c.o.queue, c.o.rx_ports[0],
		       rtbpf_xsk_mode_str(rtbpf_xsk__mode(x, NULL)), mwhy);
	fflush(stdout);
	err = recv_loop(&c, x, &t);
	if (err)
		log_err("xsk recv: %s", strerror(-err));
	report(&c, &t, &w);
	xsk_print_stats(x, c.json, &w);
	rc = err ? EXIT_FAIL : EXIT_OK;
cleanup:
	rtbpf_xsk__destroy(x);
	xsk_rx_tally__fini(&t);
	return rc;
}
