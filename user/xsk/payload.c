// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The test payload of payload.h: filling and checking. */
#include "payload.h"

#include <string.h>

/*
 * Byte i is 7 * (i + m) mod 256 with m = 183 * (131 * seq + 1) mod 256
 * (183 is the inverse of 7 mod 256): a window into a cycle of 256 bytes,
 * so filling and checking are copies and compares of whole runs.
 */
#define C1(k) (uint8_t)(7 * (k))
#define C4(k) C1(k), C1(k + 1), C1(k + 2), C1(k + 3)
#define C16(k) C4(k), C4(k + 4), C4(k + 8), C4(k + 12)
#define C64(k) C16(k), C16(k + 16), C16(k + 32), C16(k + 48)
#define C256(k) C64(k), C64(k + 64), C64(k + 128), C64(k + 192)
static const uint8_t cycle[512] = { C256(0), C256(256) };

/* Where byte i of seq's payload starts in the cycle. */
static inline size_t cycle_at(uint64_t seq, size_t i)
{
	return (size_t)((183 * (131 * seq + 1) + i) & 255);
}

void xsk_payload_fill(uint8_t *buf, size_t len, uint64_t seq)
{
	struct xsk_payload_hdr h = { XSK_PAYLOAD_MAGIC, (uint32_t)len, seq, 0 };

	memcpy(buf, &h, sizeof(h));
	for (size_t i = sizeof(h), n; i < len; i += n) {
		n = len - i < 256 ? len - i : 256;
		memcpy(buf + i, cycle + cycle_at(seq, i), n);
	}
}

int xsk_payload_check(const uint8_t *buf, size_t len, uint64_t *seq,
		      uint64_t *tx_ns)
{
	struct xsk_payload_hdr h;

	if (len < sizeof(h))
		return -1;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != XSK_PAYLOAD_MAGIC || h.len != len)
		return -1;
	for (size_t i = sizeof(h), n; i < len; i += n) {
		n = len - i < 256 ? len - i : 256;
		if (memcmp(buf + i, cycle + cycle_at(h.seq, i), n))
			return -1;
	}
	*seq = h.seq;
	*tx_ns = h.tx_ns;
	return 0;
}
