/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fan-in: many producers, one consumer, as one single-producer ring
 * (<rtbpf/ring.h>, RTBPF_RING_SP) per producer ("lane"), drained by the
 * consumer in turn.
 *
 * Background. In the MPSC ring every push claims the shared tail with a
 * compare-and-swap: producers running at the same time bounce that line,
 * and the locked instruction waits for the producer's earlier stores to
 * reach the consumer. Here a producer only ever writes its own lane, so a
 * push costs what a single-producer push costs however many producers
 * run. The price: each producer must own a lane (one thread per lane, the
 * caller's guarantee) and capacity is per lane. Order is kept per
 * producer, which is all an MPSC ring promises too: messages of different
 * producers have no order between them.
 *
 * pop_batch starts at the lane after the one it started at last time, so
 * a busy producer cannot starve the others. No call on the hot path
 * blocks, allocates or makes a system call.
 */
#ifndef RTBPF_FANIN_H
#define RTBPF_FANIN_H

#include <rtbpf/ring.h>

#define RTBPF_FANIN_MAX_LANES 64

struct rtbpf_fanin {
	struct rtbpf_ring *lanes; /* nlanes rings, each RTBPF_RING_SP */
	unsigned int nlanes;
	unsigned int next; /* consumer: lane the next pop starts at */
};

/*
 * Sets up nlanes (1 to RTBPF_FANIN_MAX_LANES) lanes of capacity slots each
 * (a power of two, as for rtbpf_ring__init). Allocates and prefaults, so
 * call it at startup. 0, -EINVAL or -ENOMEM.
 */
int rtbpf_fanin__init(struct rtbpf_fanin *f, unsigned int nlanes,
		      uint32_t capacity);
/* Frees the lanes; queued messages are dropped. */
void rtbpf_fanin__fini(struct rtbpf_fanin *f);

/*
 * Push into lane (the calling producer's own, 0 to nlanes-1). Never
 * blocks: 0, or -EAGAIN when that lane is full (counted as its overflow).
 */
static inline int rtbpf_fanin__try_push(struct rtbpf_fanin *f,
					unsigned int lane,
					const struct rtbpf_msg *m)
{
	return rtbpf_ring__try_push_sp(&f->lanes[lane], m);
}

/*
 * Consumer only: up to max messages into out, lanes taken in turn from
 * the one after last time's start, each lane's messages oldest first.
 * Returns how many (0 when every lane is empty).
 */
static inline unsigned int rtbpf_fanin__pop_batch(struct rtbpf_fanin *f,
						  struct rtbpf_msg *out,
						  unsigned int max)
{
	unsigned int n = 0, lane = f->next;

	for (unsigned int i = 0; i < f->nlanes && n < max; i++) {
		n += rtbpf_ring__pop_batch(&f->lanes[lane], out + n, max - n);
		if (++lane == f->nlanes)
			lane = 0;
	}
	if (++f->next == f->nlanes)
		f->next = 0;
	return n;
}

/* Pushes refused because a lane was full, all lanes, since init. */
static inline uint64_t rtbpf_fanin__overflow(struct rtbpf_fanin *f)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < f->nlanes; i++)
		sum += rtbpf_ring__overflow(&f->lanes[i]);
	return sum;
}

/* Messages queued in every lane: a snapshot, as rtbpf_ring__depth. */
static inline uint32_t rtbpf_fanin__depth(struct rtbpf_fanin *f)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < f->nlanes; i++)
		sum += rtbpf_ring__depth(&f->lanes[i]);
	return sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
}

#endif
