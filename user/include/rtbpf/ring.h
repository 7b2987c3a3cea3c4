/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Bounded lock-free ring: many producers, one consumer (MPSC), with a
 * single-producer fast path (RTBPF_RING_SP).
 *
 * Background. Every slot carries a sequence number (Vyukov's bounded queue):
 * slot i of lap L holds seq L*cap + i when free and L*cap + i + 1 when full.
 * A producer claims a position (CAS on the tail in MPSC mode, a plain store
 * in SP mode), copies the message, then publishes it by storing seq with
 * release order; the consumer reads a slot only after it sees the published
 * seq and frees it by storing seq + cap. Producers and consumer therefore
 * meet on the slot's cache line only: they never read each other's index.
 * The producer index (tail) and the consumer index (head) sit on separate
 * 128-byte blocks so neither bounces with the other or with adjacent-line
 * prefetch.
 *
 * Messages are copied by value (32-byte slots, 24 bytes of message): a
 * pointer (typically a pool buffer), a routing key and a timestamp.
 *
 * No call on the hot path (try_push, pop, pop_batch) blocks, allocates,
 * or makes a system call. A full ring makes try_push return -EAGAIN and
 * count one overflow. A producer preempted between claiming and publishing
 * a slot holds the consumer at that slot until it resumes (the price of
 * per-slot publication; nothing is lost or reordered).
 */
#ifndef RTBPF_RING_H
#define RTBPF_RING_H

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* One block of two cache lines: x86 prefetches lines in pairs. */
#define RTBPF_RING_ALIGN 128
#define RTBPF_RING_MAX (1u << 30)

/* The ring has exactly one producer thread: try_push skips the CAS. */
#define RTBPF_RING_SP (1u << 0)

struct rtbpf_msg {
	void *ptr;
	uint64_t key;
	uint64_t ts_ns;
};

struct rtbpf_ring_slot {
	_Atomic uint64_t seq;
	struct rtbpf_msg msg;
};

struct rtbpf_ring {
	/* Read-only after init. */
	struct rtbpf_ring_slot *slots;
	uint64_t mask;
	unsigned int flags;
	/* Producers. */
	alignas(RTBPF_RING_ALIGN) _Atomic uint64_t tail;
	_Atomic uint64_t overflow;
	/* Consumer. */
	alignas(RTBPF_RING_ALIGN) _Atomic uint64_t head;
};

/*
 * Sets up a caller-owned ring of capacity slots (a power of two, 2 to
 * RTBPF_RING_MAX). flags: 0 for many producers, RTBPF_RING_SP for one.
 * Allocates and prefaults the slot array (32 bytes a slot), so call it at
 * startup. Returns 0, -EINVAL (bad capacity or flags) or -ENOMEM. Not
 * thread safe against use of the same ring.
 */
int rtbpf_ring__init(struct rtbpf_ring *r, uint32_t capacity,
		     unsigned int flags);
/* Frees the slot array; messages still queued are dropped. */
void rtbpf_ring__fini(struct rtbpf_ring *r);
/* Heap-allocated ring; NULL and errno (EINVAL, ENOMEM) on error. */
struct rtbpf_ring *rtbpf_ring__new(uint32_t capacity, unsigned int flags);
/* Accepts NULL. */
void rtbpf_ring__free(struct rtbpf_ring *r);

static inline uint32_t rtbpf_ring__capacity(const struct rtbpf_ring *r)
{
	return (uint32_t)(r->mask + 1);
}

/*
 * Single-producer push: only valid on a ring made with RTBPF_RING_SP, from
 * one thread at a time. 0, or -EAGAIN when full (overflow counted).
 */
static inline int rtbpf_ring__try_push_sp(struct rtbpf_ring *r,
					  const struct rtbpf_msg *m)
{
	uint64_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
	struct rtbpf_ring_slot *s = &r->slots[pos & r->mask];

	if (atomic_load_explicit(&s->seq, memory_order_acquire) != pos) {
		atomic_fetch_add_explicit(&r->overflow, 1,
					  memory_order_relaxed);
		return -EAGAIN;
	}
	s->msg = *m;
	atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
	atomic_store_explicit(&r->tail, pos + 1, memory_order_relaxed);
	return 0;
}

/*
 * Multi-producer push: any number of threads. 0, or -EAGAIN when full
 * (overflow counted). Lock-free: a failed CAS means another producer won.
 */
static inline int rtbpf_ring__try_push_mp(struct rtbpf_ring *r,
					  const struct rtbpf_msg *m)
{
	uint64_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
	struct rtbpf_ring_slot *s;

	for (;;) {
		uint64_t seq;
		int64_t diff;

		s = &r->slots[pos & r->mask];
		seq = atomic_load_explicit(&s->seq, memory_order_acquire);
		diff = (int64_t)(seq - pos);
		if (diff == 0) {
			if (atomic_compare_exchange_weak_explicit(
				    &r->tail, &pos, pos + 1,
				    memory_order_relaxed, memory_order_relaxed))
				break;
		} else if (diff < 0) {
			atomic_fetch_add_explicit(&r->overflow, 1,
						  memory_order_relaxed);
			return -EAGAIN;
		} else {
			pos = atomic_load_explicit(&r->tail,
						   memory_order_relaxed);
		}
	}
	s->msg = *m;
	atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
	return 0;
}

/*
 * Push through the path the ring was made for. Never blocks. 0, or
 * -EAGAIN when full (overflow counted).
 */
static inline int rtbpf_ring__try_push(struct rtbpf_ring *r,
				       const struct rtbpf_msg *m)
{
	if (r->flags & RTBPF_RING_SP)
		return rtbpf_ring__try_push_sp(r, m);
	return rtbpf_ring__try_push_mp(r, m);
}

/*
 * Consumer only (one thread at a time): copies up to max messages, oldest
 * first, into out and frees their slots. Returns how many (0 if empty).
 * Stops early at a slot claimed but not yet published.
 */
static inline unsigned int rtbpf_ring__pop_batch(struct rtbpf_ring *r,
						 struct rtbpf_msg *out,
						 unsigned int max)
{
	uint64_t pos = atomic_load_explicit(&r->head, memory_order_relaxed);
	unsigned int n;

	for (n = 0; n < max; n++, pos++) {
		struct rtbpf_ring_slot *s = &r->slots[pos & r->mask];

		if (atomic_load_explicit(&s->seq, memory_order_acquire) !=
		    pos + 1)
			break;
		out[n] = s->msg;
		atomic_store_explicit(&s->seq, pos + r->mask + 1,
				      memory_order_release);
	}
	if (n)
		atomic_store_explicit(&r->head, pos, memory_order_relaxed);
	return n;
}

/* Consumer only: 0, or -EAGAIN when nothing is ready. */
static inline int rtbpf_ring__pop(struct rtbpf_ring *r, struct rtbpf_msg *out)
{
	return rtbpf_ring__pop_batch(r, out, 1) ? 0 : -EAGAIN;
}

/* Consumer only: true when the next slot holds no published message. */
static inline bool rtbpf_ring__empty(struct rtbpf_ring *r)
{
	uint64_t pos = atomic_load_explicit(&r->head, memory_order_relaxed);

	return atomic_load_explicit(&r->slots[pos & r->mask].seq,
				    memory_order_acquire) != pos + 1;
}

/*
 * Messages claimed but not yet consumed, from any thread. A snapshot: exact
 * only while nobody pushes or pops.
 */
static inline uint32_t rtbpf_ring__depth(struct rtbpf_ring *r)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	if (tail <= head)
		return 0;
	if (tail - head > r->mask + 1)
		return (uint32_t)(r->mask + 1);
	return (uint32_t)(tail - head);
}

/* Pushes refused because the ring was full, since init. Any thread. */
static inline uint64_t rtbpf_ring__overflow(struct rtbpf_ring *r)
{
	return atomic_load_explicit(&r->overflow, memory_order_relaxed);
}

#endif
