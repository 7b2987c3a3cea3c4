/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ABI between xdp/xsk_steer.bpf.c and xdp/xsk_rx.c: __u32/__u64 only. */
#ifndef RTBPF_XSK_STEER_H
#define RTBPF_XSK_STEER_H

/* Destination UDP ports one program steers (cfg_ports). */
#define XSK_STEER_MAX_PORTS 8
/* Queues (XSKMAP keys) one program serves. */
#define XSK_STEER_MAX_QUEUES \
	64 /* XSKMAP slots; grown at load for a higher queue */

/* Index into the per-CPU counters array. */
enum xsk_steer_counter {
	XSK_STEER_SEEN = 0, /* every frame the program ran on */
	XSK_STEER_REDIRECTED = 1, /* matched and handed to a socket */
	XSK_STEER_REDIRECT_FAILED = 2, /* matched, no socket on the queue */
	XSK_STEER_PASSED = 3, /* not ours (or failed): to the kernel stack */
	XSK_STEER_NR = 4,
};

#endif
