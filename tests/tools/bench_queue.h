/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bench_kit's queues behind one interface: rtbpf ring (SP and MPSC
 * paths), rtbpf fan-in, ck_ring spsc/mpsc and a mutex+condvar queue;
 * q_push never blocks but for the mutex queue (full), q_pop likewise
 * (empty). Included by tests/tools/bench_kit.c only. */
#ifndef RTBPF_BENCH_QUEUE_H
#define RTBPF_BENCH_QUEUE_H

#include <ck_ring.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <rtbpf/fanin.h>
#include <rtbpf/ring.h>

#define QSIZE 4096
#define BATCH 32

enum kind { K_RING_SP, K_RING_MP, K_FANIN, K_CK_SPSC, K_CK_MPSC, K_MUTEX };

struct mutex_q {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	uint64_t head, tail;
	uint64_t v[QSIZE];
};

struct queue {
	enum kind kind;
	struct rtbpf_ring ring;
	struct rtbpf_fanin fanin;
	ck_ring_t ck;
	ck_ring_buffer_t *ckbuf;
	pthread_mutex_t ck_lock; /* unused: ck mpsc needs none */
	struct mutex_q mq;
};

static inline int q_init(struct queue *q, enum kind kind)
{
	memset(q, 0, sizeof(*q));
	q->kind = kind;
	switch (kind) {
	case K_RING_SP:
	case K_RING_MP:
		return rtbpf_ring__init(&q->ring, QSIZE,
					kind == K_RING_SP ? RTBPF_RING_SP : 0);
	case K_FANIN:
		return rtbpf_fanin__init(&q->fanin, 2, QSIZE);
	case K_CK_SPSC:
	case K_CK_MPSC:
		q->ckbuf = aligned_alloc(128, sizeof(*q->ckbuf) * QSIZE);
		if (!q->ckbuf)
			return -ENOMEM;
		ck_ring_init(&q->ck, QSIZE);
		return 0;
	case K_MUTEX:
		pthread_mutex_init(&q->mq.lock, NULL);
		pthread_cond_init(&q->mq.not_empty, NULL);
		pthread_cond_init(&q->mq.not_full, NULL);
		return 0;
	}
	return -EINVAL;
}

static inline void q_fini(struct queue *q)
{
	rtbpf_ring__fini(&q->ring);
	rtbpf_fanin__fini(&q->fanin);
	free(q->ckbuf);
}

/* Non-blocking except for the mutex queue, which waits while full. lane:
 * the producer's index (fan-in: its own lane). */
static inline bool q_push(struct queue *q, unsigned int lane, uint64_t v)
{
	struct rtbpf_msg m = { .ts_ns = v };
	struct mutex_q *mq = &q->mq;

	switch (q->kind) {
	case K_RING_SP:
		return rtbpf_ring__try_push_sp(&q->ring, &m) == 0;
	case K_RING_MP:
		return rtbpf_ring__try_push_mp(&q->ring, &m) == 0;
	case K_FANIN:
		return rtbpf_fanin__try_push(&q->fanin, lane, &m) == 0;
	case K_CK_SPSC:
		return ck_ring_enqueue_spsc(&q->ck, q->ckbuf, (void *)v);
	case K_CK_MPSC:
		return ck_ring_enqueue_mpsc(&q->ck, q->ckbuf, (void *)v);
	case K_MUTEX:
		pthread_mutex_lock(&mq->lock);
		while (mq->tail - mq->head == QSIZE)
			pthread_cond_wait(&mq->not_full, &mq->lock);
		mq->v[mq->tail++ % QSIZE] = v;
		pthread_cond_signal(&mq->not_empty);
		pthread_mutex_unlock(&mq->lock);
		return true;
	}
	return false;
}

/* Up to BATCH values; the mutex queue blocks while empty. */
static inline unsigned int q_pop(struct queue *q, uint64_t *out)
{
	struct rtbpf_msg m[BATCH];
	struct mutex_q *mq = &q->mq;
	unsigned int n = 0;
	void *p;

	switch (q->kind) {
	case K_RING_SP:
	case K_RING_MP:
		n = rtbpf_ring__pop_batch(&q->ring, m, BATCH);
		for (unsigned int i = 0; i < n; i++)
			out[i] = m[i].ts_ns;
		return n;
	case K_FANIN:
		n = rtbpf_fanin__pop_batch(&q->fanin, m, BATCH);
		for (unsigned int i = 0; i < n; i++)
			out[i] = m[i].ts_ns;
		return n;
	case K_CK_SPSC:
		while (n < BATCH && ck_ring_dequeue_spsc(&q->ck, q->ckbuf, &p))
			out[n++] = (uint64_t)p;
		return n;
	case K_CK_MPSC:
		while (n < BATCH && ck_ring_dequeue_mpsc(&q->ck, q->ckbuf, &p))
			out[n++] = (uint64_t)p;
		return n;
	case K_MUTEX:
		pthread_mutex_lock(&mq->lock);
		while (mq->tail == mq->head)
			pthread_cond_wait(&mq->not_empty, &mq->lock);
		while (n < BATCH && mq->head != mq->tail)
			out[n++] = mq->v[mq->head++ % QSIZE];
		pthread_cond_broadcast(&mq->not_full);
		pthread_mutex_unlock(&mq->lock);
		return n;
	}
	return 0;
}

#endif
