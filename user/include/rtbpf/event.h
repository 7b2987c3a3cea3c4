/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Event serializer: writes a trading event into a caller's buffer (usually
 * a pool buffer) in a fixed little-endian layout and reads it back with
 * every length checked against the bytes given. No allocation, no system
 * call, no locking; each call touches only its arguments (thread safe).
 *
 * Wire layout, all integers little-endian, total = 56 + data_len bytes:
 *
 *   0  u32 magic     "RTBE" (0x45425452)
 *   4  u32 total     header + payload length in bytes (the length prefix)
 *   8  u32 check     FNV-1a over bytes 12 .. total
 *  12  u16 version   RTBPF_EVENT_VERSION
 *  14  u16 type
 *  16  u64 seq
 *  24  u64 key       client id
 *  32  u64 ts_ns
 *  40  i64 price     fixed point, scale chosen by the application
 *  48  u32 qty
 *  52  u16 flags
 *  54  u16 reserved  zero
 *  56  payload       data_len = total - 56 bytes, at most 65535
 *
 * A reader trusts nothing: a buffer shorter than the header or than
 * `total`, a wrong magic, version or reserved field, or a checksum mismatch
 * is refused before any field or payload byte is used.
 */
#ifndef RTBPF_EVENT_H
#define RTBPF_EVENT_H

#include <stddef.h>
#include <stdint.h>

#define RTBPF_EVENT_MAGIC 0x45425452u
#define RTBPF_EVENT_VERSION 1
#define RTBPF_EVENT_HDR 56
#define RTBPF_EVENT_DATA_MAX 65535u

struct rtbpf_event {
	uint16_t type;
	uint16_t flags;
	uint32_t qty;
	uint64_t seq;
	uint64_t key;
	uint64_t ts_ns;
	int64_t price;
	/* Opaque payload. After a read it points into the buffer read. */
	const void *data;
	uint32_t data_len;
};

/* Bytes rtbpf_event__write() needs for ev. */
static inline size_t rtbpf_event__size(const struct rtbpf_event *ev)
{
	return RTBPF_EVENT_HDR + (size_t)ev->data_len;
}

/*
 * Serializes ev into buf (cap bytes). Returns the bytes written (> 0),
 * -EMSGSIZE if ev does not fit in cap, -EINVAL if ev->data_len exceeds
 * RTBPF_EVENT_DATA_MAX or data is NULL with a non-zero data_len.
 */
int rtbpf_event__write(const struct rtbpf_event *ev, void *buf, size_t cap);

/*
 * Parses the event at the start of buf (len bytes available) into ev;
 * ev->data then points into buf. Returns the bytes consumed (> 0),
 * -EMSGSIZE if buf is shorter than the header or than its length prefix
 * (truncated), -EBADMSG if the magic, version, reserved field, length
 * prefix or checksum is wrong. On error ev is left unchanged.
 */
int rtbpf_event__read(struct rtbpf_event *ev, const void *buf, size_t len);

#endif
