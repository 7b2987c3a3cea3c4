// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf xsk: what send and recv share: address parsing, stats output. */
#define _GNU_SOURCE
#include "xsk_cmd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "header.h"
#include "hist.h"
#include "log.h"
#include "parse.h"
#include "sysinfo.h"

volatile sig_atomic_t xsk_stop;

static void on_signal(int sig)
{
	xsk_stop = sig;
}

int xsk_install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

int xsk_parse_ipport(const char *s, uint32_t *ip, uint16_t *port,
		     bool need_port)
{
	char buf[64], err[128];
	struct in_addr a;
	uint64_t v;
	char *colon;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	else if (need_port)
		return -EINVAL;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	*ip = a.s_addr;
	if (colon) {
		if (parse_u64(colon + 1, 1, 65535, &v, err, sizeof(err)))
			return -EINVAL;
		*port = (uint16_t)v;
	}
	return 0;
}

int xsk_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int m[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5], &end) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return 0;
}

const struct cli_choice xsk_modes[] = {
	{ "auto", RTBPF_XSK_AUTO, false },
	{ "zerocopy", RTBPF_XSK_ZEROCOPY, false },
	{ "copy", RTBPF_XSK_COPY, false },
	{ "socket", RTBPF_XSK_SOCKET, false },
	{ 0 },
};

const struct cli_choice xsk_attaches[] = {
	{ "auto", RTBPF_XSK_ATTACH_AUTO, false },
	{ "drv", RTBPF_XSK_ATTACH_DRV, false },
	{ "skb", RTBPF_XSK_ATTACH_SKB, false },
	{ "native", RTBPF_XSK_ATTACH_DRV, true },
	{ "generic", RTBPF_XSK_ATTACH_SKB, true },
	{ 0 },
};

static int pow2(const char *arg, uint64_t v, char *err, size_t len)
{
	if (v & (v - 1)) {
		snprintf(err, len, "'%s' is not a power of two", arg);
		return -EINVAL;
	}
	return 0;
}

int xsk_apply_pow2(const struct cli_opt *o, const char *arg,
		   const union cli_val *v, void *dst, char *err, size_t len)
{
	int ret = pow2(arg, v->u, err, len);

	if (!ret)
		cli_store(o, v, dst);
	return ret;
}

/* One option for both rings: o->off is the rx_size of the options. */
int xsk_apply_ring(const struct cli_opt *o, const char *arg,
		   const union cli_val *v, void *dst, char *err, size_t len)
{
	struct rtbpf_xsk_opts *x =
		(void *)((char *)dst + o->off -
			 offsetof(struct rtbpf_xsk_opts, rx_size));
	int ret = pow2(arg, v->u, err, len);

	if (!ret)
		x->rx_size = x->tx_size = (uint32_t)v->u;
	return ret;
}

int xsk_apply_dev(const struct cli_opt *o, const char *arg,
		  const union cli_val *v, void *dst, char *err, size_t len)
{
	size_t n = strlen(v->s);

	if (!n || n >= IFNAMSIZ) {
		snprintf(err, len,
			 "'%s' is no interface name (1 to %d characters)", arg,
			 IFNAMSIZ - 1);
		return -EINVAL;
	}
	cli_store(o, v, dst);
	return 0;
}

int xsk_create_failed(const char *cmd, int err, const char *why)
{
	const char *hint = "";

	if ((err == EPERM || err == EACCES) && !strstr(why, "(needs"))
		hint = " (needs root, or CAP_NET_RAW+CAP_BPF+CAP_NET_ADMIN)";
	log_err("xsk %s: %s%s", cmd, *why ? why : strerror(err), hint);
	if (err == EOPNOTSUPP)
		return EXIT_UNSUPPORTED;
	if (err == EINVAL || err == ENODEV || err == EHOSTUNREACH ||
	    err == EADDRNOTAVAIL)
		return EXIT_USAGE;
	return EXIT_FAIL;
}

void xsk_json_header_begin(struct json_w *w, const char *cmd,
			   const struct rtbpf_xsk_opts *o, struct rtbpf_xsk *x)
{
	struct host_info hi = {};
	const char *why;
	enum rtbpf_xsk_mode m = rtbpf_xsk__mode(x, &why);

	sysinfo_load(&hi);
	json_header_begin(w, cmd, &hi);
	json_kv_str(w, "dev", o->ifname);
	json_kv_u64(w, "queue", o->queue);
	json_kv_str(w, "mode", rtbpf_xsk_mode_str(m));
	json_kv_str(w, "mode_reason", why);
}

static void hist_kv(struct json_w *w, const char *k, const struct hist *h)
{
	json_key(w, k);
	json_obj_begin(w);
	json_kv_u64(w, "count", h->count);
	hist_json_summary(h, w);
	json_obj_end(w);
}

void xsk_print_stats(struct rtbpf_xsk *x, bool json, struct json_w *w)
{
	struct rtbpf_xsk_stats s;
	struct hist h;
	int err;

	err = rtbpf_xsk__stats(x, &s);
	if (err)
		log_warn("xsk: reading statistics: %s", strerror(-err));
	hist_from_rtbpf(&h, &s.send_ns);
#define F(name)               \
	{                     \
#name, s.name \
	}
	const struct {
		const char *k;
		uint64_t v;
	} f[] = {
		F(submitted),
		F(completed),
		F(tx_dropped),
		F(withdrawn),
		F(kicks),
		F(kick_eagain),
		F(kick_ebusy),
		F(kick_enobufs),
		F(kick_enetdown),
		F(kick_other),
		F(ring_full),
		F(no_frame),
		F(too_big),
		F(send_errors),
		F(icmp_refused),
		F(received),
		F(rx_malformed),
		F(rx_guessed),
		F(rx_dropped),
		F(rx_invalid_descs),
		F(tx_invalid_descs),
		F(rx_ring_full),
		F(rx_fill_ring_empty_descs),
		F(tx_ring_empty_descs),
		F(xdp_seen),
		F(xdp_redirected),
		F(xdp_redirect_failed),
		F(xdp_passed),
		F(umem_bytes),
		F(umem_huge_bytes),
	};
#undef F
	if (json) {
		json_obj_begin(w);
		json_kv_str(w, "type", "xsk_stats");
		json_kv_str(w, "mode", rtbpf_xsk_mode_str(s.mode));
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			json_kv_u64(w, f[i].k, f[i].v);
		hist_kv(w, "send_call", &h);
		json_obj_end(w);
		json_end_record(w);
		return;
	}
	printf("stats (mode %s):\n", rtbpf_xsk_mode_str(s.mode));
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].v || i < 4)
			printf("  %-26s %llu\n", f[i].k,
			       (unsigned long long)f[i].v);
	if (h.count && log_verbosity)
		hist_print(&h, stdout, "send call duration");
	else if (h.count)
		printf("  send call: p50 %.2f us, p99 %.2f us, max %.2f us "
		       "(-v: histogram)\n",
		       hist_quantile(&h, 0.5) / 1e3,
		       hist_quantile(&h, 0.99) / 1e3, h.max / 1e3);
}
