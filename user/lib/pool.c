// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Buffer pool: one mapping holds the buffers, then the link array, then
 * the owner flags; the pool header is separate so its hot words get their
 * own cache lines.
 */
#include <rtbpf/pool.h>

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef RTBPF_DEBUG
#define FORCED_FLAGS RTBPF_POOL_F_CHECK
#else
#define FORCED_FLAGS 0u
#endif

#define NIL 0u /* top word index part: 1-based, 0 = empty */

struct rtbpf_pool {
	/* Read-only after new. */
	uint8_t *base;
	size_t stride;
	uint32_t n;
	unsigned int flags;
	void *map;
	size_t map_len;
	_Atomic uint32_t *next; /* 1-based index of the next free, NIL */
	_Atomic uint8_t *owned; /* F_CHECK: 1 while handed out */
	/* Shared stack: generation << 32 | 1-based top index. */
	alignas(128) _Atomic uint64_t top;
	_Atomic uint64_t shared_free;
	/* Slow-path counters. */
	alignas(128) _Atomic uint64_t exhausted;
	_Atomic uint64_t oversize;
	_Atomic uint64_t double_put;
	_Atomic uint64_t bad_ptr;
};

static inline void count(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* Links idx[0..n) in order and pushes them with one CAS. */
static void stack_push(struct rtbpf_pool *p, const uint32_t *idx, uint32_t n)
{
	uint64_t old, new;

	for (uint32_t i = 0; i + 1 < n; i++)
		atomic_store_explicit(&p->next[idx[i]], idx[i + 1] + 1,
				      memory_order_relaxed);
	old = atomic_load_explicit(&p->top, memory_order_relaxed);
	do {
		atomic_store_explicit(&p->next[idx[n - 1]], (uint32_t)old,
				      memory_order_relaxed);
		new = ((old >> 32) + 1) << 32 | (idx[0] + 1);
	} while (!atomic_compare_exchange_weak_explicit(&p->top, &old, new,
							memory_order_release,
							memory_order_relaxed));
	atomic_fetch_add_explicit(&p->shared_free, n, memory_order_relaxed);
}

/*
 * Pops up to max indices into idx. The chain below an unchanged top (same
 * generation) cannot have changed, so links read before a successful CAS
 * are the ones that were popped.
 */
static uint32_t stack_pop(struct rtbpf_pool *p, uint32_t *idx, uint32_t max)
{
	uint64_t old, new;
	uint32_t n, cur;

	old = atomic_load_explicit(&p->top, memory_order_acquire);
	do {
		cur = (uint32_t)old;
		for (n = 0; n < max && cur != NIL; n++) {
			idx[n] = cur - 1;
			cur = atomic_load_explicit(&p->next[cur - 1],
						   memory_order_relaxed);
		}
		if (!n)
			return 0;
		new = ((old >> 32) + 1) << 32 | cur;
	} while (!atomic_compare_exchange_weak_explicit(&p->top, &old, new,
							memory_order_acquire,
							memory_order_acquire));
	atomic_fetch_sub_explicit(&p->shared_free, n, memory_order_relaxed);
	return n;
}

struct rtbpf_pool *rtbpf_pool__new(const struct rtbpf_pool_cfg *cfg)
{
	struct rtbpf_pool *p = NULL;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), bufs_len, len;
	int err;

	if (!cfg || !cfg->buf_size || !cfg->n_bufs ||
	    cfg->n_bufs >= (1u << 31) || cfg->buf_size > (1ul << 32) ||
	    (cfg->flags & ~(RTBPF_POOL_F_MLOCK | RTBPF_POOL_F_CHECK))) {
		err = EINVAL;
		goto cleanup;
	}
	p = aligned_alloc(128, sizeof(*p));
	if (!p) {
		err = ENOMEM;
		goto cleanup;
	}
	memset(p, 0, sizeof(*p));
	p->map = MAP_FAILED;
	p->n = cfg->n_bufs;
	p->flags = cfg->flags | FORCED_FLAGS;
	p->stride = (cfg->buf_size + RTBPF_POOL_ALIGN - 1) &
		    ~(size_t)(RTBPF_POOL_ALIGN - 1);
	if (p->stride > SIZE_MAX / p->n) {
		err = ENOMEM;
		goto cleanup;
	}
	bufs_len = p->stride * p->n;
	len = bufs_len + (size_t)p->n * (sizeof(*p->next) + 1);
	len = (len + page - 1) & ~(page - 1);
	/* MAP_POPULATE prefaults: no page fault on the first get. */
	p->map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p->map == MAP_FAILED) {
		err = errno;
		goto cleanup;
	}
	p->map_len = len;
	if ((p->flags & RTBPF_POOL_F_MLOCK) && mlock(p->map, len)) {
		err = errno;
		goto cleanup;
	}
	p->base = p->map;
	p->next = (_Atomic uint32_t *)(p->base + bufs_len);
	p->owned = (_Atomic uint8_t *)(p->next + p->n);
	for (uint32_t i = 0; i < p->n; i++) {
		atomic_init(&p->next[i], i + 2 <= p->n ? i + 2 : NIL);
		atomic_init(&p->owned[i], 0);
	}
	atomic_init(&p->top, 1);
	atomic_init(&p->shared_free, p->n);
	return p;

cleanup:
	rtbpf_pool__free(p);
	errno = err;
	return NULL;
}

void rtbpf_pool__free(struct rtbpf_pool *p)
{
	if (!p)
		return;
	if (p->map != MAP_FAILED && p->map)
		munmap(p->map, p->map_len);
	free(p);
}

/* Index of buf, or -1 if it is not the start of one of p's buffers. */
static inline int64_t buf_index(const struct rtbpf_pool *p, const void *buf)
{
	uintptr_t off = (uintptr_t)buf - (uintptr_t)p->base;

	if ((uintptr_t)buf < (uintptr_t)p->base ||
	    off >= p->stride * (size_t)p->n || off % p->stride)
		return -1;
	return (int64_t)(off / p->stride);
}

bool rtbpf_pool__owns(const struct rtbpf_pool *p, const void *buf)
{
	return p && buf_index(p, buf) >= 0;
}

void *rtbpf_pool__get(struct rtbpf_pool *p, struct rtbpf_pool_cache *c,
		      size_t size)
{
	uint32_t i;

	if (c && c->pool != p) {
		errno = EINVAL;
		return NULL;
	}
	if (size > p->stride) {
		count(&p->oversize);
		errno = EMSGSIZE;
		return NULL;
	}
	if (c) {
		if (!c->n)
			c->n = stack_pop(p, c->idx, RTBPF_POOL_CACHE_MAX / 2);
		if (!c->n)
			goto exhausted;
		i = c->idx[--c->n];
		c->gets++;
	} else if (!stack_pop(p, &i, 1)) {
		goto exhausted;
	}
	if (p->flags & RTBPF_POOL_F_CHECK)
		atomic_store_explicit(&p->owned[i], 1, memory_order_relaxed);
	return p->base + (size_t)i * p->stride;

exhausted:
	count(&p->exhausted);
	errno = ENOBUFS;
	return NULL;
}

int rtbpf_pool__put(struct rtbpf_pool *p, struct rtbpf_pool_cache *c, void *buf)
{
	int64_t i = buf_index(p, buf);

	if (c && c->pool != p)
		return -EINVAL;
	if (i < 0) {
		count(&p->bad_ptr);
		return -EINVAL;
	}
	if ((p->flags & RTBPF_POOL_F_CHECK) &&
	    atomic_exchange_explicit(&p->owned[i], 0, memory_order_relaxed) !=
		    1) {
		count(&p->double_put);
		return -EALREADY;
	}
	if (!c) {
		uint32_t one = (uint32_t)i;

		stack_push(p, &one, 1);
		return 0;
	}
	if (c->n == RTBPF_POOL_CACHE_MAX) {
		/* Keep the most recently put half: it is warm in cache. */
		stack_push(p, c->idx, RTBPF_POOL_CACHE_MAX / 2);
		memmove(c->idx, c->idx + RTBPF_POOL_CACHE_MAX / 2,
			(RTBPF_POOL_CACHE_MAX / 2) * sizeof(c->idx[0]));
		c->n = RTBPF_POOL_CACHE_MAX / 2;
	}
	c->idx[c->n++] = (uint32_t)i;
	c->puts++;
	return 0;
}

int rtbpf_pool__stats(const struct rtbpf_pool *p, struct rtbpf_pool_stats *s)
{
	struct rtbpf_pool *q = (struct rtbpf_pool *)p;

	if (!p || !s)
		return -EINVAL;
	s->n_bufs = p->n;
	s->buf_size = p->stride;
	s->shared_free =
		atomic_load_explicit(&q->shared_free, memory_order_relaxed);
	s->exhausted =
		atomic_load_explicit(&q->exhausted, memory_order_relaxed);
	s->oversize = atomic_load_explicit(&q->oversize, memory_order_relaxed);
	s->double_put =
		atomic_load_explicit(&q->double_put, memory_order_relaxed);
	s->bad_ptr = atomic_load_explicit(&q->bad_ptr, memory_order_relaxed);
	return 0;
}

int rtbpf_pool_cache__init(struct rtbpf_pool_cache *c, struct rtbpf_pool *p)
{
	if (!c || !p)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->pool = p;
	return 0;
}

void rtbpf_pool_cache__fini(struct rtbpf_pool_cache *c)
{
	if (!c || !c->pool)
		return;
	if (c->n)
		stack_push(c->pool, c->idx, c->n);
	c->n = 0;
	c->pool = NULL;
}
