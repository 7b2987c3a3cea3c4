// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness: the event serializer's reader (user/lib/event.c
 * rtbpf_event__read), whose bytes come from a peer. The first input byte
 * picks the mode:
 *   even: the rest is a stream read event after event, as a receiver
 *         would. An event read must lie inside the bytes given and write
 *         back (rtbpf_event__write) to exactly the bytes it was read from;
 *         a refusal is -EMSGSIZE or -EBADMSG and leaves the event alone.
 *   odd:  the rest holds an event's fields and payload, written with a
 *         valid checksum (so the fuzzer gets past it), then one byte of it
 *         changed as the input says. Unchanged, it reads back equal; with
 *         any byte changed outside the length prefix it is refused.
 * Every buffer is an exact-size heap copy, so ASan catches an overread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rtbpf/event.h>

#include "tests/fuzz/fuzz.h"

static uint8_t again[RTBPF_EVENT_HDR + RTBPF_EVENT_DATA_MAX];

static bool same_event(const struct rtbpf_event *a, const struct rtbpf_event *b)
{
	return a->type == b->type && a->flags == b->flags && a->qty == b->qty &&
	       a->seq == b->seq && a->key == b->key && a->ts_ns == b->ts_ns &&
	       a->price == b->price && a->data_len == b->data_len &&
	       a->data == b->data;
}

/* Reads one event at b (len bytes); returns what was consumed or 0. */
static size_t read_one(const uint8_t *b, size_t len)
{
	struct rtbpf_event ev, before;
	int ret, w;

	memset(&ev, 0x5a, sizeof(ev));
	before = ev;
	ret = rtbpf_event__read(&ev, b, len);
	if (ret < 0) {
		FUZZ_ASSERT(ret == -EMSGSIZE || ret == -EBADMSG);
		FUZZ_ASSERT(same_event(&ev, &before));
		return 0;
	}
	FUZZ_ASSERT(ret >= RTBPF_EVENT_HDR && (size_t)ret <= len);
	FUZZ_ASSERT((size_t)ret == rtbpf_event__size(&ev));
	if (ev.data_len) {
		const uint8_t *d = ev.data;

		FUZZ_ASSERT(d == b + RTBPF_EVENT_HDR);
		FUZZ_ASSERT(d + ev.data_len <= b + len);
	}
	w = rtbpf_event__write(&ev, again, (size_t)ret);
	FUZZ_ASSERT(w == ret);
	FUZZ_ASSERT(!memcmp(again, b, (size_t)ret));
	return (size_t)ret;
}

static void stream(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	size_t off = 0, n;

	if (!copy)
		return;
	memcpy(copy, data, size);
	/* a receiver's view: after an event, the next starts right there */
	while ((n = read_one(copy + off, size - off)))
		off += n;
	free(copy);
}

static uint64_t take(const uint8_t **p, size_t *left, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && *left; i++, (*p)++, (*left)--)
		v |= (uint64_t) * *p << (8 * i);
	return v;
}

static void corrupt(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t left = size, at, len;
	struct rtbpf_event in, out;
	uint8_t *buf, flip;
	int ret;

	memset(&in, 0, sizeof(in));
	in.type = (uint16_t)take(&p, &left, 2);
	in.flags = (uint16_t)take(&p, &left, 2);
	in.qty = (uint32_t)take(&p, &left, 4);
	in.seq = take(&p, &left, 8);
	in.key = take(&p, &left, 8);
	in.ts_ns = take(&p, &left, 8);
	in.price = (int64_t)take(&p, &left, 8);
	at = (size_t)take(&p, &left, 4);
	flip = (uint8_t)take(&p, &left, 1);
	in.data_len = (uint32_t)(left < RTBPF_EVENT_DATA_MAX ?
					 left :
					 RTBPF_EVENT_DATA_MAX);
	in.data = in.data_len ? p : NULL;
	len = rtbpf_event__size(&in);
	buf = malloc(len);
	if (!buf)
		return;
	/* one byte short refused, exact size written */
	FUZZ_ASSERT(rtbpf_event__write(&in, buf, len - 1) == -EMSGSIZE);
	FUZZ_ASSERT(rtbpf_event__write(&in, buf, len) == (int)len);
	ret = rtbpf_event__read(&out, buf, len);
	FUZZ_ASSERT(ret == (int)len);
	FUZZ_ASSERT(out.data == (in.data_len ? buf + RTBPF_EVENT_HDR : NULL));
	out.data = in.data;
	FUZZ_ASSERT(same_event(&in, &out));
	FUZZ_ASSERT(!in.data_len ||
		    !memcmp(buf + RTBPF_EVENT_HDR, in.data, in.data_len));
	/* every truncation refused */
	FUZZ_ASSERT(rtbpf_event__read(&out, buf, at % len) == -EMSGSIZE);
	if (flip) {
		at %= len;
		buf[at] ^= flip;
		if (at >= 4 && at < 8) /* the length prefix: may shrink */
			read_one(buf, len);
		else
			FUZZ_ASSERT(rtbpf_event__read(&out, buf, len) < 0);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		corrupt(data + 1, size - 1);
	else
		stream(data + 1, size - 1);
	return 0;
}
