// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf_xsk lifecycle: option checks, the mode ladder (zero-copy, copy,
 * UDP socket) with EBUSY backoff, UMEM and ring set-up, stats, teardown.
 * The per-packet paths are in xsk_io.c.
 */
#define _GNU_SOURCE
#include "xsk_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_xdp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xsk_steer.skel.h"

/* Debian 12's headers predate Linux 6.17. */
#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9
#endif
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

/* EBUSY backoff: 1, 2, 4 ... 256 ms, then 256 ms steps: 12 tries, 1.28 s. */
#define BIND_TRIES 12

const char *rtbpf_xsk_mode_str(enum rtbpf_xsk_mode m)
{
	switch (m) {
	case RTBPF_XSK_AUTO:
		return "auto";
	case RTBPF_XSK_ZEROCOPY:
		return "zerocopy";
	case RTBPF_XSK_COPY:
		return "copy";
	case RTBPF_XSK_SOCKET:
		return "socket";
	}
	return "?";
}

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int check_opts(struct rtbpf_xsk *x)
{
	struct rtbpf_xsk_opts *o = &x->o;

	if (!o->frame_size)
		o->frame_size = 2048;
	if (!o->n_frames)
		o->n_frames = 4096;
	if (!o->tx_size)
		o->tx_size = 2048;
	if (!o->rx_size)
		o->rx_size = 2048;
	if (o->frame_size != 2048 && o->frame_size != 4096) {
		rtbpf_xsk_set_err(x, "frame size %u: must be 2048 or 4096",
				  o->frame_size);
		return -EINVAL;
	}
	if (!pow2(o->n_frames) || !pow2(o->tx_size) || !pow2(o->rx_size) ||
	    o->n_frames < 64 || o->n_frames > (1u << 20) ||
	    o->tx_size > (1u << 16) || o->rx_size > (1u << 16)) {
		rtbpf_xsk_set_err(x,
				  "frame count and ring sizes must be powers "
				  "of two (64..1M frames, rings up to 64K)");
		return -EINVAL;
	}
	if (o->mode > RTBPF_XSK_SOCKET || o->attach > RTBPF_XSK_ATTACH_SKB ||
	    o->n_rx_ports > RTBPF_XSK_MAX_PORTS) {
		rtbpf_xsk_set_err(x, "bad mode, attach mode or port count");
		return -EINVAL;
	}
	for (unsigned int i = 0; i < o->n_rx_ports; i++)
		if (!o->rx_ports[i]) {
			rtbpf_xsk_set_err(x, "receive port 0");
			return -EINVAL;
		}
	x->can_send = o->dst_ip && o->dst_port;
	x->can_recv = o->n_rx_ports > 0;
	if (!x->can_send && !x->can_recv) {
		rtbpf_xsk_set_err(x, "nothing to do: no destination and no "
				     "receive port");
		return -EINVAL;
	}
	return 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void close_xsk(struct rtbpf_xsk *x)
{
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	x->xsk = NULL;
	if (x->umem)
		xsk_umem__delete(x->umem);
	x->umem = NULL;
	x->xfd = -1;
}

/*
 * One bind attempt in one mode, a fresh UMEM registration each time:
 * libxdp cannot reuse a UMEM whose first socket failed to bind.
 */
static int open_xsk_once(struct rtbpf_xsk *x, __u16 bind_flags)
{
	const struct rtbpf_xsk_opts *o = &x->o;
	struct xsk_umem_config uc = {
		/*
		 * Twice the RX frames, so the fill ring is never full: when
		 * it is, the receiving thread refills the very slot the
		 * kernel takes the next frame from, and every datagram costs
		 * the kernel a cacheline from the receiver's CPU (~85 ns of
		 * one-way p50 on veth).
		 */
		.fill_size = o->rx_size * 2,
		.comp_size = o->tx_size,
		.frame_size = o->frame_size,
	};
	struct xsk_socket_config sc = {
		.rx_size = o->rx_size,
		.tx_size = o->tx_size,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = bind_flags | XDP_USE_NEED_WAKEUP,
	};
	int err;

	err = xsk_umem__create(&x->umem, x->area, x->area_len, &x->fill,
			       &x->comp, &uc);
	if (err) {
		x->umem = NULL;
		return err;
	}
	err = xsk_socket__create(&x->xsk, o->ifname, o->queue, x->umem,
				 x->can_recv ? &x->rx : NULL,
				 x->can_send ? &x->tx : NULL, &sc);
	if (err) {
		x->xsk = NULL;
		close_xsk(x);
		return err;
	}
	x->xfd = xsk_socket__fd(x->xsk);
	return 0;
}

static int open_xsk(struct rtbpf_xsk *x, __u16 bind_flags)
{
	unsigned int ms = 1;
	int err;

	for (int i = 0; i < BIND_TRIES; i++) {
		err = open_xsk_once(x, bind_flags);
		if (err != -EBUSY)
			return err;
		sleep_ms(ms);
		if (ms < 256)
			ms *= 2;
	}
	return err;
}

/* Confirms the mode the kernel chose, as Firedancer and xdpsock do. */
static bool bound_zerocopy(struct rtbpf_xsk *x)
{
	struct xdp_options opt = {};
	socklen_t len = sizeof(opt);

	if (getsockopt(x->xfd, SOL_XDP, XDP_OPTIONS, &opt, &len) < 0)
		return false;
	return opt.flags & XDP_OPTIONS_ZEROCOPY;
}

static int setup_frames(struct rtbpf_xsk *x)
{
	const struct rtbpf_xsk_opts *o = &x->o;
	uint32_t i, idx = 0, n;

	x->n_rx_frames = 0;
	if (x->can_recv) {
		x->n_rx_frames = o->n_frames / 2;
		if (x->n_rx_frames > o->rx_size)
			x->n_rx_frames = o->rx_size;
	}
	x->n_tx_frames = x->can_send ? o->n_frames - x->n_rx_frames : 0;
	x->n_free = 0;
	for (i = 0; i < x->n_tx_frames; i++)
		x->free_frames[x->n_free++] =
			(uint64_t)(x->n_rx_frames + i) * o->frame_size;
	if (!x->n_rx_frames)
		return 0; /* a TX-only socket gets nothing on its fill ring */
	n = xsk_ring_prod__reserve(&x->fill, x->n_rx_frames, &idx);
	if (n != x->n_rx_frames)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) =
			(uint64_t)i * o->frame_size;
		x->fill_pos[i] = idx + i;
	}
	x->rx_next = idx;
	xsk_ring_prod__submit(&x->fill, n);
	return 0;
}

static void tune_socket(struct rtbpf_xsk *x)
{
	const struct rtbpf_xsk_opts *o = &x->o;
	int v;

	if (x->mode == RTBPF_XSK_COPY && x->can_send && !o->keep_tx_budget) {
		/* 6.17+: more than 32 frames per kick; EACCES/ENOPROTOOPT on
		 * older kernels, where the kick loop alone copes. */
		v = (int)o->tx_size;
		setsockopt(x->xfd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &v,
			   sizeof(v));
	}
	if (o->busy_poll_us) {
		v = 1;
		setsockopt(x->xfd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &v,
			   sizeof(v));
		v = (int)o->busy_poll_us;
		setsockopt(x->xfd, SOL_SOCKET, SO_BUSY_POLL, &v, sizeof(v));
		v = 64;
		setsockopt(x->xfd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &v,
			   sizeof(v));
	}
}

static int open_udp(struct rtbpf_xsk *x)
{
	const struct rtbpf_xsk_opts *o = &x->o;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, rcvbuf = 8 << 20;

	if (x->can_send) {
		x->ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (x->ufd < 0)
			return -errno;
		setsockopt(x->ufd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname,
			   (socklen_t)strlen(o->ifname));
		sa.sin_addr.s_addr = o->src_ip;
		sa.sin_port = htons(o->src_port);
		/* The receive socket may hold the port: then any port. */
		if (bind(x->ufd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			sa.sin_port = 0;
			if (bind(x->ufd, (struct sockaddr *)&sa, sizeof(sa)) <
			    0)
				return -errno;
		}
		sa.sin_addr.s_addr = o->dst_ip;
		sa.sin_port = htons(o->dst_port);
		if (connect(x->ufd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -errno;
	}
	if (x->can_recv) {
		x->urfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (x->urfd < 0)
			return -errno;
		setsockopt(x->urfd, SOL_SOCKET, SO_REUSEADDR, &one,
			   sizeof(one));
		/* Bursts of small datagrams overflow the default 208 KiB. */
		if (setsockopt(x->urfd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			       sizeof(rcvbuf)))
			setsockopt(x->urfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				   sizeof(rcvbuf));
		if (o->busy_poll_us) {
			int v = (int)o->busy_poll_us;

			setsockopt(x->urfd, SOL_SOCKET, SO_BUSY_POLL, &v,
				   sizeof(v));
		}
		sa.sin_addr.s_addr = o->rx_ip;
		sa.sin_port = htons(o->rx_ports[0]);
		if (bind(x->urfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -errno;
	}
	return 0;
}

/* Walks the ladder from o->mode; fills x->mode and x->why. */
static int open_mode(struct rtbpf_xsk *x)
{
	const struct rtbpf_xsk_opts *o = &x->o;
	enum rtbpf_xsk_mode m = o->mode == RTBPF_XSK_AUTO ? RTBPF_XSK_ZEROCOPY :
							    o->mode;
	char zc_why[96] = "", cp_why[128] = "";
	int err = 0;

	if (m == RTBPF_XSK_ZEROCOPY) {
		err = open_xsk(x, XDP_ZEROCOPY);
		if (!err) {
			x->mode = RTBPF_XSK_ZEROCOPY;
			snprintf(x->why, sizeof(x->why),
				 "zero-copy bind succeeded");
			return 0;
		}
		snprintf(zc_why, sizeof(zc_why), "zero-copy bind: %s%s",
			 strerror(-err),
			 err == -EOPNOTSUPP ? " (driver lacks zero-copy)" : "");
		if (o->strict) {
			rtbpf_xsk_set_err(x, "%s", zc_why);
			return err;
		}
		m = RTBPF_XSK_COPY;
	}
	if (m == RTBPF_XSK_COPY) {
		err = open_xsk(x, XDP_COPY);
		if (!err && bound_zerocopy(x)) {
			close_xsk(x); /* cannot happen: XDP_COPY forces copy */
			err = -EINVAL;
		}
		if (!err) {
			x->mode = RTBPF_XSK_COPY;
			snprintf(x->why, sizeof(x->why),
				 "%s%scopy bind succeeded", zc_why,
				 *zc_why ? "; " : "");
			return 0;
		}
		snprintf(cp_why, sizeof(cp_why), "copy bind: %s%s",
			 strerror(-err),
			 err == -EPERM	 ? " (needs CAP_NET_RAW)" :
			 err == -ENOBUFS ? " (UMEM over RLIMIT_MEMLOCK: "
					   "ulimit -l, or CAP_IPC_LOCK)" :
					   "");
		if (o->strict) {
			rtbpf_xsk_set_err(x, "%s", cp_why);
			return err;
		}
	}
	if (x->can_recv && o->n_rx_ports > 1) {
		/* one socket receives one port: refuse rather than lose the
		 * other ports' datagrams without a word */
		rtbpf_xsk_set_err(
			x,
			"%s%s%s%sUDP socket mode receives one port, not %u "
			"(one object per port)",
			zc_why, *zc_why ? "; " : "", cp_why,
			*cp_why ? "; " : "", o->n_rx_ports);
		return -EINVAL;
	}
	err = open_udp(x);
	if (err) {
		rtbpf_xsk_set_err(x, "%s%s%s%sUDP socket: %s", zc_why,
				  *zc_why ? "; " : "", cp_why,
				  *cp_why ? "; " : "", strerror(-err));
		return err;
	}
	x->mode = RTBPF_XSK_SOCKET;
	snprintf(x->why, sizeof(x->why), "%s%s%s%s%s", zc_why,
		 *zc_why ? "; " : "", cp_why, *cp_why ? "; " : "",
		 o->mode == RTBPF_XSK_SOCKET ? "socket mode requested" :
					       "fell back to a UDP socket");
	return 0;
}

struct rtbpf_xsk *rtbpf_xsk__create(const struct rtbpf_xsk_opts *opts)
{
	struct rtbpf_xsk *x;
	int err;

	if (!opts) {
		errno = EINVAL;
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		errno = ENOMEM;
		return NULL;
	}
	x->o = *opts;
	x->xfd = x->ufd = x->urfd = x->link_fd = -1;
	if (x->o.errbuf && x->o.errlen)
		x->o.errbuf[0] = '\0';
	err = check_opts(x);
	if (err)
		goto cleanup;
	err = rtbpf_xsk_net_resolve(x);
	if (err)
		goto cleanup;
	x->max_payload = x->mtu > 28 ? x->mtu - 28 : 0;
	rtbpf_xsk_net_build_template(x);
	if (x->o.mode != RTBPF_XSK_SOCKET) {
		if (x->max_payload > x->o.frame_size - XSK_HDR_LEN)
			x->max_payload = x->o.frame_size - XSK_HDR_LEN;
		x->area_len = (size_t)x->o.n_frames * x->o.frame_size;
		x->free_frames = calloc(x->o.n_frames, sizeof(uint64_t));
		x->fill_pos = calloc(x->o.n_frames, sizeof(uint32_t));
		x->frame_shift = x->o.frame_size == 4096 ? 12 : 11;
		if (!x->free_frames || !x->fill_pos || rtbpf_xsk_mem_alloc(x)) {
			err = -ENOMEM;
			rtbpf_xsk_set_err(x, "UMEM of %zu bytes: out of memory",
					  x->area_len);
			goto cleanup;
		}
	}
	err = open_mode(x);
	if (err)
		goto cleanup;
	if (x->mode == RTBPF_XSK_SOCKET) {
		x->max_payload = x->mtu > 28 ? x->mtu - 28 : 0;
		/* the ladder came down to a socket: no UMEM is registered */
		rtbpf_xsk_mem_free(x);
		x->st.umem_bytes = x->st.umem_huge_bytes = 0;
	} else {
		err = setup_frames(x);
		if (err) {
			rtbpf_xsk_set_err(x, "fill ring: %s", strerror(-err));
			goto cleanup;
		}
		tune_socket(x);
		if (x->can_recv) {
			err = rtbpf_xsk_prog_attach(x);
			if (err)
				goto cleanup;
		}
	}
	x->st.mode = x->mode;
	x->o.errbuf = NULL;
	x->o.errlen = 0;
	return x;
cleanup:
	rtbpf_xsk__destroy(x);
	errno = -err;
	return NULL;
}

void rtbpf_xsk__destroy(struct rtbpf_xsk *x)
{
	if (!x)
		return;
	rtbpf_xsk_prog_detach(x);
	close_xsk(x);
	if (x->ufd >= 0)
		close(x->ufd);
	if (x->urfd >= 0)
		close(x->urfd);
	rtbpf_xsk_mem_free(x);
	free(x->free_frames);
	free(x->fill_pos);
	free(x);
}

enum rtbpf_xsk_mode rtbpf_xsk__mode(const struct rtbpf_xsk *x, const char **why)
{
	if (why)
		*why = x->why;
	return x->mode;
}

int rtbpf_xsk__fd(const struct rtbpf_xsk *x)
{
	if (x->mode != RTBPF_XSK_SOCKET)
		return x->xfd;
	return x->can_recv ? x->urfd : x->ufd;
}

int rtbpf_xsk__stats(struct rtbpf_xsk *x, struct rtbpf_xsk_stats *s)
{
	struct xdp_statistics xs = {};
	socklen_t len = sizeof(xs);

	*s = x->st;
	if (x->xfd >= 0) {
		if (getsockopt(x->xfd, SOL_XDP, XDP_STATISTICS, &xs, &len) < 0)
			return -errno;
		s->rx_dropped = xs.rx_dropped;
		s->rx_invalid_descs = xs.rx_invalid_descs;
		s->tx_invalid_descs = xs.tx_invalid_descs;
		s->rx_ring_full = xs.rx_ring_full;
		s->rx_fill_ring_empty_descs = xs.rx_fill_ring_empty_descs;
		s->tx_ring_empty_descs = xs.tx_ring_empty_descs;
	}
	return rtbpf_xsk_prog_counters(x, s);
}
