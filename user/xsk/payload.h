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

#include <stdbool.h>
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

/* len >= XSK_PAYLOAD_MIN: header (tx_ns 0) and seq's bytes into buf. */
void xsk_payload_fill(uint8_t *buf, size_t len, uint64_t seq);

static inline void xsk_payload_stamp(uint8_t *buf, uint64_t ns)
{
	memcpy(buf + offsetof(struct xsk_payload_hdr, tx_ns), &ns, sizeof(ns));
}

/* Whether buf starts with the payload's magic: sent by rtbpf (intact or
 * not), else a foreign datagram. */
static inline bool xsk_payload_ours(const uint8_t *buf, size_t len)
{
	uint32_t magic;

	if (len < sizeof(magic))
		return false;
	memcpy(&magic, buf, sizeof(magic));
	return magic == XSK_PAYLOAD_MAGIC;
}

/* 0 when buf holds an intact payload; its seq and send time. */
int xsk_payload_check(const uint8_t *buf, size_t len, uint64_t *seq,
		      uint64_t *tx_ns);

#endif
