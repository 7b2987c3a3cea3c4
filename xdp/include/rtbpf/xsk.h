/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * AF_XDP UDP sender and receiver for one (interface, queue), with a
 * kernel-UDP fallback.
 *
 * Background. The object owns one UMEM (frame_size * n_frames bytes,
 * mmap'ed and populated; in huge pages when it spans one or more and the
 * host has them: reserved hugetlbfs pages, else transparent huge pages;
 * umem_huge_bytes in the stats says how much is), one AF_XDP socket
 * created through libxdp with XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD, and for
 * receiving our own XDP program (xdp/xsk_steer.bpf.c) attached through a
 * bpf_link, so a killed process leaves nothing attached. TX frames come from a LIFO free stack
 * refilled from the completion ring; RX frames cycle between the fill and
 * RX rings (the fill ring has room for twice the RX frames, so it is never
 * full); no frame is ever in two rings. recv prefetches the frame the
 * kernel fills next, known from the fill ring's order (rx_guessed).
 *
 * Mode ladder, starting at opts.mode: zero-copy bind, then copy bind (on
 * any zero-copy bind error), then an ordinary UDP socket (send/sendmmsg,
 * recv). The mode reached and why are reported by rtbpf_xsk__mode(); with
 * opts.strict the ladder is not descended and create fails instead. A
 * bind that gets EBUSY (the queue's previous socket is still being torn
 * down) is retried with bounded backoff (12 tries over 1.28 s).
 *
 * Copy mode sends at most 32 frames per kick (the kernel's TX budget) and
 * answers EAGAIN when more are queued or the completion ring is full, so
 * every kick is a loop: kick, drain completions, kick again while EAGAIN,
 * a bounded number of times. Where the kernel has XDP_MAX_TX_SKB_BUDGET
 * (6.17+) the budget is raised to the TX ring size first.
 *
 * Threads: an object is single-producer single-consumer: one thread sends
 * and reaps, and one thread (the same or another) receives. Stats may be
 * read from the sending thread only. Give each sending thread its own
 * object on its own queue.
 *
 * Privileges: CAP_NET_RAW for AF_XDP, CAP_BPF+CAP_NET_ADMIN (or root) to
 * load and attach the XDP program. Socket mode needs none.
 */
#ifndef RTBPF_XSK_H
#define RTBPF_XSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <rtbpf/hist.h>

#define RTBPF_XSK_MAX_PORTS 8

enum rtbpf_xsk_mode {
	RTBPF_XSK_AUTO = 0, /* zero-copy, then copy, then socket */
	RTBPF_XSK_ZEROCOPY = 1,
	RTBPF_XSK_COPY = 2,
	RTBPF_XSK_SOCKET = 3, /* ordinary UDP socket */
};

/* How the receive program is attached. */
enum rtbpf_xsk_attach {
	RTBPF_XSK_ATTACH_AUTO = 0, /* native (driver), else generic (skb) */
	RTBPF_XSK_ATTACH_DRV = 1,
	RTBPF_XSK_ATTACH_SKB = 2,
};

struct rtbpf_xsk_opts {
	const char *ifname; /* required */
	uint32_t queue; /* default 0 */
	enum rtbpf_xsk_mode mode; /* where the ladder starts */
	bool strict; /* fail rather than descend the ladder */
	/* IPv4 addresses in network byte order, ports in host order. */
	uint32_t src_ip; /* 0: the interface's first IPv4 address */
	uint16_t src_port; /* 0: dst_port */
	uint32_t dst_ip; /* 0: cannot send, only receive */
	uint16_t dst_port;
	uint8_t src_mac[6]; /* used when src_mac_set, else the interface's */
	bool src_mac_set;
	uint8_t dst_mac[6]; /* used when dst_mac_set, else neighbour table */
	bool dst_mac_set;
	/* Receive: UDP destination ports steered here; none = send only. */
	uint16_t rx_ports[RTBPF_XSK_MAX_PORTS];
	unsigned int n_rx_ports;
	uint32_t rx_ip; /* steer only datagrams to this address; 0 = any */
	enum rtbpf_xsk_attach attach;
	uint32_t frame_size; /* 2048 or 4096; 0 = 2048 */
	uint32_t n_frames; /* UMEM frames, power of two; 0 = 4096 */
	uint32_t tx_size; /* TX and completion ring; power of two; 0 = 2048 */
	/* RX ring, power of two, 0 = 2048; the fill ring has twice as many
	 * entries, and the RX frames are at most this many */
	uint32_t rx_size;
	uint32_t busy_poll_us; /* SO_BUSY_POLL + SO_PREFER_BUSY_POLL; 0 off */
	/* Keep the kernel's 32-frame copy-mode budget per kick (as before
	 * 6.17) instead of raising it: exercises the kick loop. */
	bool keep_tx_budget;
	/* Optional: on failure, a one-line reason naming the step. */
	char *errbuf;
	size_t errlen;
};

struct rtbpf_xsk_stats {
	enum rtbpf_xsk_mode mode; /* never AUTO */
	uint64_t umem_bytes; /* UMEM size (0 in socket mode) */
	uint64_t umem_huge_bytes; /* of it, backed by huge pages */
	uint64_t submitted; /* frames put on the TX ring / datagrams handed
			       to the kernel in socket mode */
	uint64_t completed; /* frames back from the completion ring (sent,
			       or dropped by the device: tx_dropped) */
	uint64_t tx_dropped; /* copy mode: frames the device dropped (a kick
				said EBUSY: no carrier, queue stopped) */
	uint64_t withdrawn; /* copy mode: frames taken back off the TX ring
			       after a kick failed (ENETDOWN, ENXIO): never
			       sent, their send reported the error */
	uint64_t kicks; /* sendto() wakeups */
	uint64_t kick_eagain, kick_ebusy, kick_enobufs, kick_enetdown;
	uint64_t kick_other;
	uint64_t ring_full; /* -EAGAIN: TX ring full */
	uint64_t no_frame; /* -ENOBUFS: no free UMEM frame */
	uint64_t too_big; /* -EMSGSIZE */
	uint64_t send_errors; /* socket mode: send()/sendmmsg() failures */
	uint64_t icmp_refused; /* socket mode: ECONNREFUSED from an earlier
				  datagram's ICMP port unreachable (nothing
				  was sent by that call; sent again) */
	uint64_t received; /* datagrams returned by recv */
	uint64_t rx_malformed; /* frames on the RX ring that were not ours */
	uint64_t rx_guessed; /* frames recv guessed (and prefetched) right */
	/* XDP_STATISTICS (zero in socket mode). */
	uint64_t rx_dropped, rx_invalid_descs, tx_invalid_descs;
	uint64_t rx_ring_full, rx_fill_ring_empty_descs, tx_ring_empty_descs;
	/* Receive program's per-CPU counters, summed (zero when none). */
	uint64_t xdp_seen, xdp_redirected, xdp_redirect_failed, xdp_passed;
	/* Duration of each send/send_batch call, ns. */
	struct rtbpf_hist send_ns;
};

struct rtbpf_xsk_rx_info {
	uint32_t src_ip; /* network byte order */
	uint16_t src_port; /* host order */
	uint16_t dst_port;
	size_t len; /* datagram payload length (may exceed the buffer) */
};

struct rtbpf_xsk;

/*
 * Opens the object: resolves addresses (SIOCGIFINDEX, SIOCGIFHWADDR,
 * SIOCGIFMTU, getifaddrs, /proc/net/arp and /proc/net/route for the
 * destination MAC), builds the header template, then walks the mode ladder.
 * For receiving it loads and attaches the XDP program and inserts the
 * socket into its XSKMAP. Allocates; may sleep (EBUSY backoff). Returns
 * the object, or NULL and errno: EINVAL (bad option or queue out of
 * range), ENODEV (no such interface), EHOSTUNREACH (destination MAC not in
 * the neighbour table: ping it once or set dst_mac), EPERM, EBUSY, ENOMEM,
 * or the errno of the failing step; opts->errbuf says which.
 */
struct rtbpf_xsk *rtbpf_xsk__create(const struct rtbpf_xsk_opts *opts);

/*
 * Sends one datagram. Returns 0 once it is on the TX ring and the kernel
 * has been kicked (copy mode: handed to the device, or still queued and
 * sent by the next kick), or -EMSGSIZE (payload larger than frame or MTU
 * allows), -ENOBUFS (no free frame even after reaping), -EAGAIN (TX ring
 * full), -ENETDOWN/-ENXIO (device down or gone), -EBUSY (copy mode: the
 * device dropped it, e.g. no carrier) or another -errno of send(2) in
 * socket mode. An error means the datagram was not sent and will not be,
 * so a retry cannot send it twice. On a send-only object in copy mode a
 * kick that fails (ENETDOWN, ENXIO) takes the frame back off the TX ring
 * and the error is returned. Where it cannot be taken back (zero-copy
 * mode, where the driver reads the ring on its own; an object that also
 * receives, whose socket another thread may poll; or a kick that failed
 * after an earlier one let the kernel see the frame) a frame the kernel
 * already took, or one queued while the device is down (it leaves when
 * the device is up again), makes send return 0, the failure counted in
 * kick_enetdown/kick_other; after ENXIO (socket unbound for good) or
 * another error it cannot leave and the error is returned. Use a
 * send-only object for orders. Every error is counted; nothing is
 * dropped silently. Never allocates or blocks (socket mode: a blocking
 * send(2)). System calls: sendto() kicks.
 */
int rtbpf_xsk__send(struct rtbpf_xsk *x, const void *payload, size_t len);

/*
 * Sends n datagrams with one kick loop (socket mode: sendmmsg(2) of up to
 * 64). Returns how many were accepted (a prefix of iov; fewer than n when
 * frames or ring ran out or a kick failed, counted as above; the rest were
 * not sent), or -errno when none was. A frame of an accepted prefix that
 * the device then drops (EBUSY: no carrier) is counted in tx_dropped.
 */
int rtbpf_xsk__send_batch(struct rtbpf_xsk *x, const struct iovec *iov,
			  unsigned int n);

/*
 * Moves completed TX frames back to the free stack. Returns how many.
 * send and send_batch reap by themselves; call it when idle to release
 * frames early. Never blocks; no system call.
 */
int rtbpf_xsk__reap(struct rtbpf_xsk *x);

/*
 * Copies the next received datagram's payload (at most len bytes) into
 * buf. Returns the number of bytes copied, -EAGAIN when none is waiting
 * (poll rtbpf_xsk__fd() for POLLIN), or -EINVAL when the object does not
 * receive. Never blocks. System calls: recvfrom() wakeup when the fill
 * ring needs it or busy-poll is on; recv(2) in socket mode.
 */
int rtbpf_xsk__recv(struct rtbpf_xsk *x, void *buf, size_t len,
		    struct rtbpf_xsk_rx_info *info);

/*
 * The socket to poll (AF_XDP or the UDP socket). In copy mode a poll()
 * also drives the kernel's TX path: on a send-only object poll only from
 * the sending thread, between sends, or a failed kick may no longer take
 * its frames back safely.
 */
int rtbpf_xsk__fd(const struct rtbpf_xsk *x);

/* The mode reached; *why (may be NULL) gets the reason, valid until
 * destroy. */
enum rtbpf_xsk_mode rtbpf_xsk__mode(const struct rtbpf_xsk *x,
				    const char **why);
const char *rtbpf_xsk_mode_str(enum rtbpf_xsk_mode m);

/*
 * Fills s: counters, XDP_STATISTICS (getsockopt) and the XDP program's
 * counters (one map lookup). Returns 0 or -errno. Call from the sending
 * thread.
 */
int rtbpf_xsk__stats(struct rtbpf_xsk *x, struct rtbpf_xsk_stats *s);

/*
 * Closes the socket, detaches and unloads the program (link destroyed),
 * unmaps the UMEM. Frames still in the TX ring may be lost: reap until
 * submitted == completed first for a clean finish. Accepts NULL.
 */
void rtbpf_xsk__destroy(struct rtbpf_xsk *x);

#endif
