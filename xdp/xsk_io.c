// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf_xsk hot paths: send, send_batch, reap (with the copy-mode kick
 * loop) and recv. No allocation, no locks; one thread sends, one receives.
 * Send-call durations go into a struct rtbpf_hist (<rtbpf/hist.h>; bucket
 * math of bpf/hist.h).
 */
#define _GNU_SOURCE
#include "xsk_internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "bpf/hist.h"
#include "clock.h"

#define BATCH_MAX 64
/* Kick attempts beyond one per 32 queued frames (the copy-mode budget). */
#define KICK_SLACK 4
/* Frames looked at per recv call before giving up on non-UDP junk. */
#define RX_SKIP_MAX 64

static inline void hist_add(struct rtbpf_hist *h, uint64_t v)
{
	HIST_ADD(h, v);
}

static uint32_t reap_comp(struct rtbpf_xsk *x)
{
	uint32_t idx, n;

	n = xsk_ring_cons__peek(&x->comp, x->o.tx_size, &idx);
	for (uint32_t i = 0; i < n; i++)
		x->free_frames[x->n_free++] =
			*xsk_ring_cons__comp_addr(&x->comp, idx + i);
	if (n)
		xsk_ring_cons__release(&x->comp, n);
	x->st.completed += n;
	return n;
}

static inline uint32_t tx_queued(struct rtbpf_xsk *x)
{
	return x->o.tx_size - xsk_prod_nb_free(&x->tx, x->o.tx_size);
}

/*
 * Copy mode: the kernel reads the TX ring only inside a sendto() or poll()
 * on the socket, and a kick that fails with ENETDOWN or ENXIO returns
 * before it looks at the ring. On a send-only object only the sending
 * thread makes those calls, so the frames put on the ring since the last
 * kick that could look (tx_exposed) are still ours: take them back, so
 * that the error means "not sent" and a retry cannot send a datagram
 * twice. (An object that also receives may be polled by its receiving
 * thread, and poll() drives TX in copy mode: there they stay queued.)
 * Returns how many.
 */
static uint32_t withdraw_tx(struct rtbpf_xsk *x)
{
	uint32_t cons = __atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE);
	uint32_t from = x->tx_exposed, n;

	if (x->mode != RTBPF_XSK_COPY || x->can_recv)
		return 0;
	if ((int32_t)(cons - from) > 0)
		from = cons;
	n = x->tx.cached_prod - from;
	for (uint32_t i = 0; i < n; i++)
		x->free_frames[x->n_free++] =
			xsk_ring_prod__tx_desc(&x->tx, from + i)->addr;
	x->tx.cached_prod = from;
	__atomic_store_n(x->tx.producer, from, __ATOMIC_RELEASE);
	x->st.withdrawn += n;
	return n;
}

/*
 * Wakes the kernel's TX path. In copy mode one sendto() sends at most 32
 * frames (more with XDP_MAX_TX_SKB_BUDGET) and says EAGAIN when more are
 * queued or the completion ring is full: drain completions and kick again,
 * at most queued/32 + KICK_SLACK times. EBUSY means the device dropped the
 * last frame the kernel took (counted in tx_dropped; the frame comes back
 * on the completion ring). ENETDOWN and ENXIO take the frames the kernel
 * has not seen back off the ring (withdraw_tx).
 */
static int kick(struct rtbpf_xsk *x)
{
	uint32_t tries = tx_queued(x) / 32 + KICK_SLACK;

	for (uint32_t i = 0; i < tries; i++) {
		uint32_t prod = x->tx.cached_prod, cons;
		int e;

		if (x->mode == RTBPF_XSK_ZEROCOPY &&
		    !xsk_ring_prod__needs_wakeup(&x->tx))
			return 0;
		x->st.kicks++;
		e = sendto(x->xfd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 ? errno :
									 0;
		if (e != ENETDOWN && e != ENXIO)
			x->tx_exposed = prod;
		switch (e) {
		case 0:
			return 0;
		case EAGAIN:
			x->st.kick_eagain++;
			break;
		case EBUSY:
			x->st.kick_ebusy++;
			x->st.tx_dropped++;
			/* the last frame the kernel took was dropped: ours
			 * if it was alone on the ring, else find it by the
			 * consumer index (where the kernel published it) */
			cons = __atomic_load_n(x->tx.consumer,
					       __ATOMIC_ACQUIRE);
			if (x->tx_mine_only || cons - 1 == x->tx_mine)
				x->tx_mine_dropped = true;
			break;
		case ENOBUFS:
			x->st.kick_enobufs++;
			break;
		case EINTR:
			break;
		case ENETDOWN:
			x->st.kick_enetdown++;
			withdraw_tx(x);
			return -ENETDOWN;
		case ENXIO:
			x->st.kick_other++;
			withdraw_tx(x);
			return -ENXIO;
		default:
			x->st.kick_other++;
			return -e;
		}
		reap_comp(x);
		if (!tx_queued(x))
			return 0;
	}
	return 0; /* still queued: the next kick sends it */
}

int rtbpf_xsk__reap(struct rtbpf_xsk *x)
{
	uint32_t n;

	if (x->mode == RTBPF_XSK_SOCKET || !x->can_send)
		return 0;
	n = reap_comp(x);
	if (tx_queued(x)) {
		kick(x);
		n += reap_comp(x);
	}
	return (int)n;
}

/* Frames and ring slots for up to want packets: how many we got. */
static uint32_t reserve_tx(struct rtbpf_xsk *x, uint32_t want, uint32_t *idx,
			   int *why)
{
	uint32_t n;

	if (x->n_free < want)
		reap_comp(x);
	if (!x->n_free) {
		kick(x);
		reap_comp(x);
	}
	if (!x->n_free) {
		x->st.no_frame++;
		*why = -ENOBUFS;
		return 0;
	}
	if (want > x->n_free)
		want = x->n_free;
	n = xsk_prod_nb_free(&x->tx, want);
	if (n && n < want)
		want = n; /* reserve is all or nothing */
	n = xsk_ring_prod__reserve(&x->tx, want, idx);
	if (!n) {
		kick(x);
		n = xsk_ring_prod__reserve(&x->tx, 1, idx);
	}
	if (!n) {
		x->st.ring_full++;
		*why = -EAGAIN;
	}
	return n;
}

static inline void put_frame(struct rtbpf_xsk *x, uint32_t idx,
			     const void *payload, size_t len)
{
	struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx);
	uint64_t addr = x->free_frames[--x->n_free];

	d->addr = addr;
	d->len =
		rtbpf_xsk_net_write(x, (uint8_t *)x->area + addr, payload, len);
	d->options = 0;
}

/*
 * The socket is connected: an ICMP port-unreachable for an earlier
 * datagram fails the next send with ECONNREFUSED, which then sends
 * nothing. AF_XDP never sees such errors; count it and send again.
 */
#define ICMP_RETRIES 2

static int send_sock(struct rtbpf_xsk *x, const void *payload, size_t len)
{
	for (int i = 0;; i++) {
		if (send(x->ufd, payload, len, 0) >= 0)
			break;
		if (errno == ECONNREFUSED && i < ICMP_RETRIES) {
			x->st.icmp_refused++;
			continue;
		}
		x->st.send_errors++;
		return -errno;
	}
	x->st.submitted++;
	return 0;
}

int rtbpf_xsk__send(struct rtbpf_xsk *x, const void *payload, size_t len)
{
	uint64_t t0 = now_ns();
	uint32_t idx;
	int err = 0;

	if (!x->can_send) {
		err = -EINVAL;
		goto out;
	}
	if (len > x->max_payload) {
		x->st.too_big++;
		err = -EMSGSIZE;
		goto out;
	}
	if (x->mode == RTBPF_XSK_SOCKET) {
		err = send_sock(x, payload, len);
		goto out;
	}
	if (!reserve_tx(x, 1, &idx, &err))
		goto out;
	put_frame(x, idx, payload, len);
	xsk_ring_prod__submit(&x->tx, 1);
	x->st.submitted++;
	x->tx_mine = idx;
	x->tx_mine_only = tx_queued(x) == 1;
	x->tx_mine_dropped = false;
	err = kick(x);
	if (x->tx_mine_dropped)
		err = -EBUSY;
	else if (err && (int32_t)(x->tx.cached_prod - x->tx_mine) > 0 &&
		 (err == -ENETDOWN ||
		  (int32_t)(__atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE) -
			    x->tx_mine) > 0))
		/* not taken back, and the kernel took it or will once the
		 * device is up: it counts as sent (a retry would send it
		 * twice). ENXIO (unbound for good) or another error with the
		 * frame still queued: it will not leave, the error stands. */
		err = 0;
	reap_comp(x);
out:
	hist_add(&x->st.send_ns, now_ns() - t0);
	return err;
}

static int send_batch_sock(struct rtbpf_xsk *x, const struct iovec *iov,
			   unsigned int n)
{
	struct mmsghdr m[BATCH_MAX];
	unsigned int done = 0, k, i, refused = 0;
	int r;

	while (done < n) {
		k = n - done < BATCH_MAX ? n - done : BATCH_MAX;
		memset(m, 0, sizeof(m[0]) * k);
		for (i = 0; i < k; i++) {
			m[i].msg_hdr.msg_iov = (struct iovec *)&iov[done + i];
			m[i].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(x->ufd, m, k, 0);
		if (r < 0 && errno == ECONNREFUSED &&
		    refused++ < ICMP_RETRIES) {
			x->st.icmp_refused++; /* as send_sock */
			continue;
		}
		if (r < 0) {
			x->st.send_errors++;
			return done ? (int)done : -errno;
		}
		x->st.submitted += (unsigned int)r;
		done += (unsigned int)r;
		if ((unsigned int)r < k)
			break;
	}
	return (int)done;
}

int rtbpf_xsk__send_batch(struct rtbpf_xsk *x, const struct iovec *iov,
			  unsigned int n)
{
	uint64_t t0 = now_ns();
	unsigned int ok = 0, i;
	uint32_t idx, got;
	uint64_t before;
	int err = 0;

	if (!x->can_send) {
		err = -EINVAL;
		goto out;
	}
	/* A too-big datagram ends the batch before it: a prefix is sent. */
	for (i = 0; i < n; i++)
		if (iov[i].iov_len > x->max_payload)
			break;
	if (i < n) {
		x->st.too_big++;
		err = -EMSGSIZE;
		n = i;
	}
	before = x->st.withdrawn;
	if (x->mode == RTBPF_XSK_SOCKET) {
		int r = n ? send_batch_sock(x, iov, n) : 0;

		if (r < 0)
			err = r;
		else
			ok = (unsigned int)r;
		goto out;
	}
	while (ok < n) {
		int why = 0;

		got = reserve_tx(x, n - ok, &idx, &why);
		if (!got) {
			err = why;
			break;
		}
		for (i = 0; i < got; i++)
			put_frame(x, idx + i, iov[ok + i].iov_base,
				  iov[ok + i].iov_len);
		xsk_ring_prod__submit(&x->tx, got);
		x->st.submitted += got;
		ok += got;
		err = kick(x);
		if (err) {
			/* what the failed kick took back was not sent */
			uint32_t back = (uint32_t)(x->st.withdrawn - before);

			ok = back < ok ? ok - back : 0;
			break;
		}
	}
	reap_comp(x);
out:
	hist_add(&x->st.send_ns, now_ns() - t0);
	return ok ? (int)ok : err;
}

static int recv_sock(struct rtbpf_xsk *x, void *buf, size_t len,
		     struct rtbpf_xsk_rx_info *info)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	ssize_t r;

	r = recvfrom(x->urfd, buf, len, MSG_DONTWAIT | MSG_TRUNC,
		     (struct sockaddr *)&sa, &sl);
	if (r < 0)
		return -errno;
	if (info) {
		info->src_ip = sa.sin_addr.s_addr;
		info->src_port = ntohs(sa.sin_port);
		info->dst_port = x->o.rx_ports[0];
		info->len = (size_t)r;
	}
	x->st.received++;
	return (int)((size_t)r < len ? (size_t)r : len);
}

/* Puts frame f (an index, < n_rx_frames) back on the fill ring. */
static void refill(struct rtbpf_xsk *x, uint32_t f)
{
	uint32_t idx;

	/* Cannot fail: the fill ring is twice the RX frame count. */
	if (xsk_ring_prod__reserve(&x->fill, 1, &idx) == 1) {
		*xsk_ring_prod__fill_addr(&x->fill, idx) = (uint64_t)f
							   << x->frame_shift;
		x->fill_pos[f] = idx;
		xsk_ring_prod__submit(&x->fill, 1);
	}
}

/*
 * The frame the kernel most likely wrote the datagram the RX ring now
 * shows into: recv prefetches its first two cachelines (headers and 86
 * bytes of payload) while the descriptor is on its way. Each is a line
 * the kernel's CPU just wrote; fetched one after the other (descriptor,
 * then headers, then payload) they cost ~100 ns more per datagram on veth.
 * A wrong guess costs a wasted prefetch.
 */
static inline const uint8_t *rx_guess(const struct rtbpf_xsk *x)
{
	uint64_t a = *xsk_ring_prod__fill_addr((struct xsk_ring_prod *)&x->fill,
					       x->rx_next);

	return (const uint8_t *)x->area + a + XDP_PACKET_HEADROOM;
}

/* The next guess: the fill ring entry after frame f, which just came. */
static inline void rx_advance(struct rtbpf_xsk *x, uint32_t f)
{
	x->rx_next = x->fill_pos[f] + 1;
}

int rtbpf_xsk__recv(struct rtbpf_xsk *x, void *buf, size_t len,
		    struct rtbpf_xsk_rx_info *info)
{
	struct rtbpf_xsk_rx_info tmp;
	const struct xdp_desc *d;
	const uint8_t *guess;
	uint32_t idx, f;
	size_t n;
	int off;

	if (!x->can_recv)
		return -EINVAL;
	if (x->mode == RTBPF_XSK_SOCKET)
		return recv_sock(x, buf, len, info);
	if (!info)
		info = &tmp;
	for (int i = 0; i < RX_SKIP_MAX; i++) {
		if (!xsk_ring_cons__peek(&x->rx, 1, &idx)) {
			if (!x->o.busy_poll_us &&
			    !xsk_ring_prod__needs_wakeup(&x->fill))
				return -EAGAIN;
			recvfrom(x->xfd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
			if (!xsk_ring_cons__peek(&x->rx, 1, &idx))
				return -EAGAIN;
		}
		/* here, not in a helper: GCC drops a prefetch in a function
		 * it finds free of side effects, and the call with it */
		guess = rx_guess(x);
		__builtin_prefetch(guess);
		__builtin_prefetch(guess + 64);
		d = xsk_ring_cons__rx_desc(&x->rx, idx);
		if (guess == (const uint8_t *)x->area + d->addr)
			x->st.rx_guessed++;
		/* RX frames are the UMEM's first n_rx_frames; the kernel
		 * hands back only what the fill ring gave it */
		f = (uint32_t)(d->addr >> x->frame_shift);
		if (f >= x->n_rx_frames) {
			xsk_ring_cons__release(&x->rx, 1);
			x->st.rx_malformed++;
			continue;
		}
		rx_advance(x, f);
		off = rtbpf_xsk_net_parse((uint8_t *)x->area + d->addr, d->len,
					  info);
		n = 0;
		if (off >= 0) {
			n = info->len < len ? info->len : len;
			memcpy(buf, (uint8_t *)x->area + d->addr + off, n);
		}
		refill(x, f);
		xsk_ring_cons__release(&x->rx, 1);
		if (off >= 0) {
			x->st.received++;
			return (int)n;
		}
		x->st.rx_malformed++;
	}
	return -EAGAIN;
}
