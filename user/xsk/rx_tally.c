// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The receive tally shared by `rtbpf xsk recv` and tests/tools/xsk_peer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xsk/payload.h"
#include "xsk/rx_tally.h"

int xsk_rx_tally__init(struct xsk_rx_tally *t, uint64_t count)
{
	memset(t, 0, sizeof(*t));
	hist_reset(&t->lat);
	t->seen = calloc(XSK_SEQ_TRACK / 8, 1);
	if (!t->seen ||
	    (count && count <= SAMPLES_MAX && samples_init(&t->exact, count))) {
		xsk_rx_tally__fini(t);
		return -ENOMEM;
	}
	return 0;
}

void xsk_rx_tally__add(struct xsk_rx_tally *t, const uint8_t *buf, size_t n,
		       size_t wire_len, uint64_t arrival_ns)
{
	uint64_t seq, tx;

	t->received++;
	if (!xsk_payload_ours(buf, n)) {
		t->foreign++;
		return;
	}
	if (n < wire_len) {
		t->truncated++;
		return;
	}
	if (xsk_payload_check(buf, n, &seq, &tx)) {
		t->bad++;
		return;
	}
	t->intact++;
	if (seq < XSK_SEQ_TRACK) {
		if (t->seen[seq / 8] & (1u << (seq % 8)))
			t->dup++;
		t->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	}
	if (tx && arrival_ns >= tx) {
		hist_add_value(&t->lat, arrival_ns - tx);
		samples_add(&t->exact, arrival_ns - tx);
	}
}

uint64_t xsk_rx_tally__one_way(struct xsk_rx_tally *t, double q)
{
	return samples_or_hist_quantile(&t->exact, &t->lat, q);
}

void xsk_rx_tally__fini(struct xsk_rx_tally *t)
{
	free(t->seen);
	t->seen = NULL;
	samples_free(&t->exact);
}
