// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Event serializer: round trip through a pool buffer, the exact
 * little-endian bytes, refusal of too-small output buffers, and for input:
 * every truncation, every single-byte corruption and random garbage are
 * errors. Inputs are copied into exact-size heap buffers so ASan turns any
 * overread into a failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rtbpf/event.h>
#include <rtbpf/pool.h>

#include "alloc_count.h"

static const char payload[] = "8=FIX.4.4|35=D|55=ESZ6|54=1|38=5";

static struct rtbpf_event sample(void)
{
	return (struct rtbpf_event){
		.type = 0x0102,
		.flags = 0xA5A5,
		.qty = 0xDEADBEEF,
		.seq = 0x0102030405060708ull,
		.key = 42,
		.ts_ns = 1700000000123456789ull,
		.price = -123456789,
		.data = payload,
		.data_len = sizeof(payload),
	};
}

static void assert_same(const struct rtbpf_event *a,
			const struct rtbpf_event *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->qty, b->qty);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->key, b->key);
	assert_int_equal(a->ts_ns, b->ts_ns);
	assert_int_equal(a->price, b->price);
	assert_int_equal(a->data_len, b->data_len);
	if (a->data_len)
		assert_memory_equal(a->data, b->data, a->data_len);
}

static void test_round_trip_pool(void **state)
{
	struct rtbpf_pool_cfg cfg = { .buf_size = 256, .n_bufs = 4 };
	struct rtbpf_pool *p = rtbpf_pool__new(&cfg);
	struct rtbpf_event in = sample(), out;
	uint8_t *buf;
	int n;

	(void)state;
	assert_non_null(p);
	buf = rtbpf_pool__get(p, NULL, rtbpf_event__size(&in));
	assert_non_null(buf);
	n = rtbpf_event__write(&in, buf, 256);
	assert_int_equal(n, RTBPF_EVENT_HDR + sizeof(payload));
	memset(&out, 0, sizeof(out));
	assert_int_equal(rtbpf_event__read(&out, buf, 256), n);
	assert_same(&in, &out);
	assert_ptr_equal(out.data, buf + RTBPF_EVENT_HDR);
	/* No payload. */
	in.data = NULL;
	in.data_len = 0;
	assert_int_equal(rtbpf_event__write(&in, buf, 256), RTBPF_EVENT_HDR);
	assert_int_equal(rtbpf_event__read(&out, buf, RTBPF_EVENT_HDR),
			 RTBPF_EVENT_HDR);
	assert_same(&in, &out);
	assert_null(out.data);
	assert_int_equal(rtbpf_pool__put(p, NULL, buf), 0);
	rtbpf_pool__free(p);
}

/* The layout is part of the contract: check bytes, not just symmetry. */
static void test_layout(void **state)
{
	struct rtbpf_event in = sample();
	uint8_t b[128];
	static const uint8_t seq_le[] = { 8, 7, 6, 5, 4, 3, 2, 1 };

	(void)state;
	assert_int_equal(rtbpf_event__write(&in, b, sizeof(b)),
			 56 + sizeof(payload));
	assert_memory_equal(b, "RTBE", 4);
	assert_int_equal(b[4], 56 + sizeof(payload));
	assert_int_equal(b[5] | b[6] | b[7], 0);
	assert_int_equal(b[12], 1); /* version */
	assert_int_equal(b[13], 0);
	assert_int_equal(b[14], 0x02); /* type, low byte first */
	assert_int_equal(b[15], 0x01);
	assert_memory_equal(b + 16, seq_le, 8);
	assert_int_equal(b[24], 42);
	assert_int_equal(b[40], (uint8_t)(-123456789 & 0xff));
	assert_int_equal(b[47], 0xff); /* negative price, sign byte last */
	assert_int_equal(b[48], 0xEF);
	assert_int_equal(b[51], 0xDE);
	assert_memory_equal(b + 56, payload, sizeof(payload));
}

static void test_write_refusals(void **state)
{
	struct rtbpf_event in = sample();
	size_t need = rtbpf_event__size(&in);
	uint8_t *b = malloc(need - 1);

	(void)state;
	assert_non_null(b);
	/* ASan catches any write past need - 1. */
	assert_int_equal(rtbpf_event__write(&in, b, need - 1), -EMSGSIZE);
	assert_int_equal(rtbpf_event__write(&in, b, 0), -EMSGSIZE);
	in.data_len = RTBPF_EVENT_DATA_MAX + 1;
	assert_int_equal(rtbpf_event__write(&in, b, need - 1), -EINVAL);
	in.data = NULL;
	in.data_len = 1;
	assert_int_equal(rtbpf_event__write(&in, b, need - 1), -EINVAL);
	free(b);
}

/* Every prefix of a valid message is refused without reading past it. */
static void test_truncated(void **state)
{
	struct rtbpf_event in = sample(), out;
	uint8_t full[256];
	int n = rtbpf_event__write(&in, full, sizeof(full));

	(void)state;
	assert_true(n > 0);
	for (int len = 0; len < n; len++) {
		uint8_t *b = malloc(len ? len : 1);

		memcpy(b, full, len);
		memset(&out, 0x5a, sizeof(out));
		assert_int_equal(rtbpf_event__read(&out, b, len), -EMSGSIZE);
		/* ev untouched on error */
		assert_int_equal(out.seq, 0x5a5a5a5a5a5a5a5aull);
		free(b);
	}
}

/* Every single-byte change of a valid message is refused. */
static void test_corrupt(void **state)
{
	struct rtbpf_event in = sample(), out;
	uint8_t full[256], *b;
	int n = rtbpf_event__write(&in, full, sizeof(full));
	static const uint8_t flips[] = { 0x01, 0x80, 0xff, 0x10 };

	(void)state;
	assert_true(n > 0);
	b = malloc(n);
	for (int i = 0; i < n; i++) {
		for (size_t f = 0; f < sizeof(flips); f++) {
			int err;

			memcpy(b, full, n);
			b[i] ^= flips[f];
			err = rtbpf_event__read(&out, b, n);
			if (err != -EBADMSG && err != -EMSGSIZE)
				fail_msg("byte %d ^ %#x: read returned %d", i,
					 flips[f], err);
		}
	}
	/* Unchanged copy still reads: the loop above tested the right data. */
	memcpy(b, full, n);
	assert_int_equal(rtbpf_event__read(&out, b, n), n);
	free(b);
}

/* Random bytes of random lengths: never accepted, never overread. */
static void test_garbage(void **state)
{
	struct rtbpf_event out;
	uint64_t x = 0x9E3779B97F4A7C15ull;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = iter % 200;
		uint8_t *b = malloc(len ? len : 1);

		for (size_t i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			b[i] = (uint8_t)x;
		}
		/* Half the time a valid magic and length, to get further. */
		if (len >= 8 && iter % 2) {
			memcpy(b, "RTBE", 4);
			b[4] = (uint8_t)(x % (len + 16));
			b[5] = b[6] = b[7] = 0;
		}
		assert_true(rtbpf_event__read(&out, b, len) < 0);
		free(b);
	}
}

static void test_no_alloc(void **state)
{
	struct rtbpf_event in = sample(), out;
	uint8_t b[256];
	uint64_t n;

	(void)state;
	if (!alloc_count_supported())
		skip();
	alloc_count_start();
	for (int i = 0; i < 10000; i++) {
		in.seq = i;
		rtbpf_event__write(&in, b, sizeof(b));
		rtbpf_event__read(&out, b, sizeof(b));
	}
	n = alloc_count_stop();
	assert_int_equal(n, 0);
	assert_int_equal(out.seq, 9999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_pool),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_write_refusals),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_no_alloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
