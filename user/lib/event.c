// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Event serializer. Fields go through memcpy with explicit byte order, so
 * the layout is the same on any host and unaligned buffers are fine.
 */
#include <rtbpf/event.h>

#include <endian.h>
#include <errno.h>
#include <string.h>

#define OFF_MAGIC 0
#define OFF_TOTAL 4
#define OFF_CHECK 8
#define OFF_VERSION 12
#define OFF_TYPE 14
#define OFF_SEQ 16
#define OFF_KEY 24
#define OFF_TS 32
#define OFF_PRICE 40
#define OFF_QTY 48
#define OFF_FLAGS 52
#define OFF_RSVD 54

static inline void put16(uint8_t *b, size_t off, uint16_t v)
{
	v = htole16(v);
	memcpy(b + off, &v, sizeof(v));
}

static inline void put32(uint8_t *b, size_t off, uint32_t v)
{
	v = htole32(v);
	memcpy(b + off, &v, sizeof(v));
}

static inline void put64(uint8_t *b, size_t off, uint64_t v)
{
	v = htole64(v);
	memcpy(b + off, &v, sizeof(v));
}

static inline uint16_t get16(const uint8_t *b, size_t off)
{
	uint16_t v;

	memcpy(&v, b + off, sizeof(v));
	return le16toh(v);
}

static inline uint32_t get32(const uint8_t *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b + off, sizeof(v));
	return le32toh(v);
}

static inline uint64_t get64(const uint8_t *b, size_t off)
{
	uint64_t v;

	memcpy(&v, b + off, sizeof(v));
	return le64toh(v);
}

/* FNV-1a, 32 bit: catches flipped bytes, not an adversary. */
static uint32_t fnv1a(const uint8_t *b, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}

int rtbpf_event__write(const struct rtbpf_event *ev, void *buf, size_t cap)
{
	uint8_t *b = buf;
	size_t total;

	if (ev->data_len > RTBPF_EVENT_DATA_MAX || (ev->data_len && !ev->data))
		return -EINVAL;
	total = rtbpf_event__size(ev);
	if (total > cap)
		return -EMSGSIZE;
	put32(b, OFF_MAGIC, RTBPF_EVENT_MAGIC);
	put32(b, OFF_TOTAL, (uint32_t)total);
	put16(b, OFF_VERSION, RTBPF_EVENT_VERSION);
	put16(b, OFF_TYPE, ev->type);
	put64(b, OFF_SEQ, ev->seq);
	put64(b, OFF_KEY, ev->key);
	put64(b, OFF_TS, ev->ts_ns);
	put64(b, OFF_PRICE, (uint64_t)ev->price);
	put32(b, OFF_QTY, ev->qty);
	put16(b, OFF_FLAGS, ev->flags);
	put16(b, OFF_RSVD, 0);
	if (ev->data_len)
		memcpy(b + RTBPF_EVENT_HDR, ev->data, ev->data_len);
	put32(b, OFF_CHECK, fnv1a(b + OFF_VERSION, total - OFF_VERSION));
	return (int)total;
}

int rtbpf_event__read(struct rtbpf_event *ev, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	uint32_t total;

	if (len < RTBPF_EVENT_HDR)
		return -EMSGSIZE;
	if (get32(b, OFF_MAGIC) != RTBPF_EVENT_MAGIC ||
	    get16(b, OFF_VERSION) != RTBPF_EVENT_VERSION ||
	    get16(b, OFF_RSVD) != 0)
		return -EBADMSG;
	total = get32(b, OFF_TOTAL);
	if (total < RTBPF_EVENT_HDR ||
	    total - RTBPF_EVENT_HDR > RTBPF_EVENT_DATA_MAX)
		return -EBADMSG;
	if (total > len)
		return -EMSGSIZE;
	if (get32(b, OFF_CHECK) != fnv1a(b + OFF_VERSION, total - OFF_VERSION))
		return -EBADMSG;
	ev->type = get16(b, OFF_TYPE);
	ev->flags = get16(b, OFF_FLAGS);
	ev->qty = get32(b, OFF_QTY);
	ev->seq = get64(b, OFF_SEQ);
	ev->key = get64(b, OFF_KEY);
	ev->ts_ns = get64(b, OFF_TS);
	ev->price = (int64_t)get64(b, OFF_PRICE);
	ev->data_len = total - RTBPF_EVENT_HDR;
	ev->data = ev->data_len ? b + RTBPF_EVENT_HDR : NULL;
	return (int)total;
}
