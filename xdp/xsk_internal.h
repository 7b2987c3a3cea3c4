/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Private state of <rtbpf/xsk.h>, shared by xdp/xsk*.c. */
#ifndef RTBPF_XSK_INTERNAL_H
#define RTBPF_XSK_INTERNAL_H

#include <rtbpf/xsk.h>

#include <stdarg.h>
#include <xdp/xsk.h>

#define XSK_HDR_LEN 42 /* Ethernet 14 + IPv4 20 + UDP 8 */

struct rtbpf_xsk {
	struct rtbpf_xsk_opts o; /* errbuf cleared after create */
	enum rtbpf_xsk_mode mode;
	char why[320];
	int ifindex;
	unsigned int mtu;
	size_t max_payload;
	bool can_send, can_recv;

	/* AF_XDP: the UMEM (area) inside its mapping (map), see xsk_mem.c */
	void *area, *map;
	size_t area_len, map_len;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	int xfd;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint64_t *free_frames; /* LIFO of TX frame addresses */
	uint32_t n_free, n_tx_frames, n_rx_frames;
	uint32_t frame_shift; /* log2(frame_size) */
	/* Receive prefetch: fill_pos[i] is the fill ring index RX frame i
	 * was last put at; the kernel takes frames in that order, so the
	 * next datagram lands in the frame at fill ring index rx_next. */
	uint32_t *fill_pos;
	uint32_t rx_next;
	/* Copy mode: TX ring index up to which a kick let the kernel look
	 * (frames from here on can be taken back after a failed kick). */
	uint32_t tx_exposed;
	/* The frame rtbpf_xsk__send put on the ring, and whether the device
	 * dropped it (EBUSY) during the kick. */
	uint32_t tx_mine;
	bool tx_mine_only; /* it was alone on the ring */
	bool tx_mine_dropped;

	/* Receive program (bpf_link, gone when the process dies). */
	struct xsk_steer_bpf *skel;
	int link_fd;

	/* Socket mode */
	int ufd; /* connected UDP socket for sending */
	int urfd; /* bound UDP socket for receiving */

	/* Header template; IPv4 checksum of it with tot_len = 0. */
	uint8_t hdr[XSK_HDR_LEN];
	uint32_t ip_sum;

	struct rtbpf_xsk_stats st;
};

/* xsk_net.c: interface facts and the header template. */
int rtbpf_xsk_net_resolve(struct rtbpf_xsk *x);
void rtbpf_xsk_net_build_template(struct rtbpf_xsk *x);
/* Writes headers + payload into frame; returns the frame length. */
uint32_t rtbpf_xsk_net_write(const struct rtbpf_xsk *x, uint8_t *frame,
			     const void *payload, size_t len);
/* Parses an Ethernet/IPv4/UDP frame; payload offset or -EINVAL. */
int rtbpf_xsk_net_parse(const uint8_t *frame, uint32_t len,
			struct rtbpf_xsk_rx_info *info);

/* xsk_mem.c: maps x->area_len bytes of UMEM at x->area (huge pages where
 * the host has them) and fills st.umem_bytes, st.umem_huge_bytes; 0 or
 * -errno. */
int rtbpf_xsk_mem_alloc(struct rtbpf_xsk *x);
void rtbpf_xsk_mem_free(struct rtbpf_xsk *x);

/* xsk_prog.c: the receive program. */
int rtbpf_xsk_prog_attach(struct rtbpf_xsk *x);
void rtbpf_xsk_prog_detach(struct rtbpf_xsk *x);
int rtbpf_xsk_prog_counters(struct rtbpf_xsk *x, struct rtbpf_xsk_stats *s);

/* xsk_err.c: the message into o.errbuf (when the caller gave one). */
void rtbpf_xsk_set_err(struct rtbpf_xsk *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
