// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * AF_XDP library logic without a socket: the header template and its IPv4
 * checksum, the frame parser's bounds, the test payload checks, and
 * create's option validation (fails before any system call that needs
 * privileges).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xdp/xsk_internal.h"
#include "xsk/payload.h"
#include "xsk/rx_tally.h"

static struct rtbpf_xsk *fake(void)
{
	struct rtbpf_xsk *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	memcpy(x->o.src_mac, "\x02\0\0\0\0\1", 6);
	memcpy(x->o.dst_mac, "\x02\0\0\0\0\2", 6);
	x->o.src_ip = inet_addr("198.18.0.1");
	x->o.dst_ip = inet_addr("198.18.0.2");
	x->o.src_port = 4000;
	x->o.dst_port = 9000;
	rtbpf_xsk_net_build_template(x);
	return x;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_write_parse(void **state)
{
	struct rtbpf_xsk *x = fake();
	struct rtbpf_xsk_rx_info info;
	uint8_t frame[2048], pay[1472];
	size_t sizes[] = { 0, 1, 24, 64, 1471, 1472 };
	uint32_t len;
	int off;

	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (size_t i = 0; i < sizes[k]; i++)
			pay[i] = (uint8_t)(i * 3 + k);
		len = rtbpf_xsk_net_write(x, frame, pay, sizes[k]);
		assert_int_equal(len, 42 + sizes[k]);
		/* A valid IPv4 header sums to 0xffff. */
		assert_int_equal(csum(frame + 14, 20), 0xffff);
		off = rtbpf_xsk_net_parse(frame, len, &info);
		assert_int_equal(off, 42);
		assert_int_equal(info.len, sizes[k]);
		assert_int_equal(info.src_port, 4000);
		assert_int_equal(info.dst_port, 9000);
		assert_int_equal(info.src_ip, x->o.src_ip);
		assert_memory_equal(frame + off, pay, sizes[k] ? sizes[k] : 1);
	}
	free(x);
}

static void test_parse_rejects(void **state)
{
	struct rtbpf_xsk *x = fake();
	struct rtbpf_xsk_rx_info info;
	uint8_t frame[256], bad[256];
	uint32_t len;

	(void)state;
	len = rtbpf_xsk_net_write(x, frame, "0123456789", 10);
	for (uint32_t cut = 0; cut < len; cut++)
		assert_int_equal(rtbpf_xsk_net_parse(frame, cut, &info),
				 -EINVAL);
	memcpy(bad, frame, len);
	bad[23] = 6; /* TCP */
	assert_int_equal(rtbpf_xsk_net_parse(bad, len, &info), -EINVAL);
	memcpy(bad, frame, len);
	bad[14] = 0x44; /* ihl 4 */
	assert_int_equal(rtbpf_xsk_net_parse(bad, len, &info), -EINVAL);
	memcpy(bad, frame, len);
	bad[17] = 0xff; /* IP total length past the frame */
	assert_int_equal(rtbpf_xsk_net_parse(bad, len, &info), -EINVAL);
	memcpy(bad, frame, len);
	bad[39] = 0xff; /* UDP length past the IP datagram */
	assert_int_equal(rtbpf_xsk_net_parse(bad, len, &info), -EINVAL);
	memcpy(bad, frame, len);
	bad[12] = 0x86; /* IPv6 ethertype */
	bad[13] = 0xdd;
	assert_int_equal(rtbpf_xsk_net_parse(bad, len, &info), -EINVAL);
	free(x);
}

static void test_payload(void **state)
{
	uint8_t b[100];
	uint64_t seq, ts;

	(void)state;
	xsk_payload_fill(b, sizeof(b), 77);
	xsk_payload_stamp(b, 123456);
	assert_int_equal(xsk_payload_check(b, sizeof(b), &seq, &ts), 0);
	assert_int_equal(seq, 77);
	assert_int_equal(ts, 123456);
	assert_int_equal(xsk_payload_check(b, sizeof(b) - 1, &seq, &ts), -1);
	b[50] ^= 1;
	assert_int_equal(xsk_payload_check(b, sizeof(b), &seq, &ts), -1);
}

/* The run copies give byte for byte the defining formula, at every size
 * and sequence tried, and a flipped byte past the first run is caught. */
static void test_payload_bytes(void **state)
{
	static const size_t sizes[] = { 24, 25, 64, 279, 280, 281, 1500, 9000 };
	static uint8_t b[9000];
	uint64_t seq, ts;

	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (uint64_t q = 0; q < 600; q += 7) {
			xsk_payload_fill(b, sizes[k], q);
			for (size_t i = XSK_PAYLOAD_MIN; i < sizes[k]; i++)
				if (b[i] != xsk_payload_byte(q, i))
					fail_msg("size %zu seq %llu byte %zu",
						 sizes[k],
						 (unsigned long long)q, i);
			assert_int_equal(
				xsk_payload_check(b, sizes[k], &seq, &ts), 0);
			assert_int_equal(seq, q);
		}
	}
	xsk_payload_fill(b, 9000, 5);
	b[8999] ^= 0x80;
	assert_int_equal(xsk_payload_check(b, 9000, &seq, &ts), -1);
}

/* Ground truth per datagram: another sender's bytes are foreign, never
 * bad; rtbpf payload that fails its checks is bad; a repeat of an intact
 * one is a duplicate; one kept short of its wire length is truncated. */
static void test_tally_kinds(void **state)
{
	static const uint8_t other[] = "8=FIX.4.4|35=0|", one = 'x';
	struct xsk_rx_tally t;
	uint8_t b[64];

	(void)state;
	assert_int_equal(xsk_rx_tally__init(&t, 0), 0);
	xsk_rx_tally__add(&t, other, sizeof(other), sizeof(other), 0);
	xsk_rx_tally__add(&t, &one, 1, 1, 0);
	xsk_payload_fill(b, sizeof(b), 3);
	xsk_rx_tally__add(&t, b, sizeof(b), sizeof(b), 0);
	xsk_rx_tally__add(&t, b, sizeof(b), sizeof(b), 0);
	xsk_rx_tally__add(&t, b, 40, sizeof(b), 0);
	assert_true(xsk_payload_ours(b, 4));
	b[40] ^= 1;
	xsk_rx_tally__add(&t, b, sizeof(b), sizeof(b), 0);
	xsk_rx_tally__add(&t, b, sizeof(b) - 1, sizeof(b) - 1, 0);
	assert_int_equal(t.received, 7);
	assert_int_equal(t.foreign, 2);
	assert_int_equal(t.intact, 2);
	assert_int_equal(t.dup, 1);
	assert_int_equal(t.truncated, 1);
	assert_int_equal(t.bad, 2);
	xsk_rx_tally__fini(&t);
}

static void test_create_rejects(void **state)
{
	struct rtbpf_xsk_opts o = { .ifname = "lo" };
	char err[256];

	(void)state;
	o.errbuf = err;
	o.errlen = sizeof(err);
	/* Nothing to send to and nothing to receive. */
	assert_null(rtbpf_xsk__create(&o));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "nothing to do"));
	o.dst_ip = inet_addr("198.18.0.2");
	o.dst_port = 9000;
	o.frame_size = 3000;
	assert_null(rtbpf_xsk__create(&o));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "frame size"));
	o.frame_size = 0;
	o.tx_size = 1000;
	assert_null(rtbpf_xsk__create(&o));
	assert_int_equal(errno, EINVAL);
	o.tx_size = 0;
	o.ifname = "rtbpf-no-such0";
	assert_null(rtbpf_xsk__create(&o));
	assert_int_equal(errno, ENODEV);
	assert_non_null(strstr(err, "rtbpf-no-such0"));
	assert_null(rtbpf_xsk__create(NULL));
	assert_int_equal(errno, EINVAL);
	rtbpf_xsk__destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_parse),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_payload_bytes),
		cmocka_unit_test(test_tally_kinds),
		cmocka_unit_test(test_create_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
