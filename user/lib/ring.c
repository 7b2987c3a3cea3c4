// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Ring setup and teardown; the hot path is inline in <rtbpf/ring.h>. */
#include <rtbpf/ring.h>

#include <stdlib.h>
#include <string.h>

int rtbpf_ring__init(struct rtbpf_ring *r, uint32_t capacity,
		     unsigned int flags)
{
	size_t len;

	if (!r || capacity < 2 || capacity > RTBPF_RING_MAX ||
	    (capacity & (capacity - 1)) || (flags & ~RTBPF_RING_SP))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	len = (size_t)capacity * sizeof(*r->slots);
	/* aligned_alloc wants a multiple of the alignment. */
	len = (len + RTBPF_RING_ALIGN - 1) & ~(size_t)(RTBPF_RING_ALIGN - 1);
	r->slots = aligned_alloc(RTBPF_RING_ALIGN, len);
	if (!r->slots)
		return -ENOMEM;
	/* Writing every slot here prefaults the array: no page fault later. */
	for (uint32_t i = 0; i < capacity; i++) {
		memset(&r->slots[i].msg, 0, sizeof(r->slots[i].msg));
		atomic_init(&r->slots[i].seq, i);
	}
	r->mask = capacity - 1;
	r->flags = flags;
	atomic_init(&r->tail, 0);
	atomic_init(&r->overflow, 0);
	atomic_init(&r->head, 0);
	return 0;
}

void rtbpf_ring__fini(struct rtbpf_ring *r)
{
	if (!r)
		return;
	free(r->slots);
	r->slots = NULL;
}

struct rtbpf_ring *rtbpf_ring__new(uint32_t capacity, unsigned int flags)
{
	struct rtbpf_ring *r;
	int err;

	r = aligned_alloc(RTBPF_RING_ALIGN, sizeof(*r));
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	err = rtbpf_ring__init(r, capacity, flags);
	if (err) {
		free(r);
		errno = -err;
		return NULL;
	}
	return r;
}

void rtbpf_ring__free(struct rtbpf_ring *r)
{
	if (!r)
		return;
	rtbpf_ring__fini(r);
	free(r);
}
