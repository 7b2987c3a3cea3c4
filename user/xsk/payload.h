/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Test payload of `rtbpf xsk send` and the checks of `rtbpf xsk recv` and
 * tests/tools/xsk_peer.c: a 24-byte header (magic, length, sequence
 * number, CLOCK_MONOTONIC send time in ns, all host order: sender and
 * receiver share the host) then bytes derived from the sequence number, so
 * a receiver detects corruption, truncation and duplicates.
 */
#ifndef RTBPF_XSK_PAYLOAD_H
#define RTBPF_XSK_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XSK_PAYLOAD_MAGIC 0x58425452u /* "RTBX" */
#define XSK_PAYLOAD_MIN 24

struct xsk_payload_hdr {
	uint32_t magic;
	uint32_t len;
	uint64_t seq;
	uint64_t tx_ns;
};

static inline uint8_t xsk_payload_byte(uint64_t seq, size_t i)
{
	return (uint8_t)(seq * 131 + i * 7 + 1);
}

/*
 * Byte i is 7 * (i + m) mod 256 with m = 183 * (131 * seq + 1) mod 256
 * (183 is the inverse of 7 mod 256): a window into a cycle of 256 bytes,
 * so filling and checking are copies and compares of whole runs.
 */
static uint8_t xsk_payload_cycle[512];

__attribute__((constructor)) static void xsk_payload_cycle_init(void)
{
	for (size_t k = 0; k < sizeof(xsk_payload_cycle); k++)
		xsk_payload_cycle[k] = (uint8_t)(7 * k);
}

/* Where byte i of seq's payload starts in the cycle. */
static inline size_t xsk_payload_at(uint64_t seq, size_t i)
{
	return (size_t)((183 * (131 * seq + 1) + i) & 255);
}

/* len >= XSK_PAYLOAD_MIN. */
static inline void xsk_payload_fill(uint8_t *buf, size_t len, uint64_t seq)
{
	struct xsk_payload_hdr h = { XSK_PAYLOAD_MAGIC, (uint32_t)len, seq, 0 };

	memcpy(buf, &h, sizeof(h));
	for (size_t i = sizeof(h), n; i < len; i += n) {
		n = len - i < 256 ? len - i : 256;
		memcpy(buf + i, xsk_payload_cycle + xsk_payload_at(seq, i), n);
	}
}

static inline void xsk_payload_stamp(uint8_t *buf, uint64_t ns)
{
	memcpy(buf + offsetof(struct xsk_payload_hdr, tx_ns), &ns, sizeof(ns));
}

/* 0 when buf holds an intact payload; its seq and send time. */
static inline int xsk_payload_check(const uint8_t *buf, size_t len,
				    uint64_t *seq, uint64_t *tx_ns)
{
	struct xsk_payload_hdr h;

	if (len < sizeof(h))
		return -1;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != XSK_PAYLOAD_MAGIC || h.len != len)
		return -1;
	for (size_t i = sizeof(h), n; i < len; i += n) {
		n = len - i < 256 ? len - i : 256;
		if (memcmp(buf + i,
			   xsk_payload_cycle + xsk_payload_at(h.seq, i), n))
			return -1;
	}
	*seq = h.seq;
	*tx_ns = h.tx_ns;
	return 0;
}

#endif
