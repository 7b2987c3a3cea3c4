/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fixed-size buffer pool: every buffer is carved out of one region mapped,
 * prefaulted and optionally locked in memory by rtbpf_pool__new(); get and
 * put never allocate, never block and never make a system call.
 *
 * Background. Free buffers sit on a lock-free LIFO (Treiber stack) of
 * 32-bit indices with a 32-bit generation tag beside the top index in one
 * 64-bit word, so a CAS cannot succeed on a stale top (ABA). Link words live
 * in a side array, not in the buffers, so a caller writing to a buffer
 * after putting it cannot corrupt the free list.
 *
 * A per-thread cache (struct rtbpf_pool_cache, caller-owned, one per
 * thread, never shared) holds up to RTBPF_POOL_CACHE_MAX free buffers: get
 * and put touch only the cache and go to the shared stack in half-cache
 * batches, one CAS per batch. Buffers may be put from a thread other than
 * the one that got them.
 *
 * Checks: a pointer that is not a buffer of this pool is refused always;
 * with RTBPF_POOL_F_CHECK (forced on in builds with -DRTBPF_DEBUG) every
 * buffer carries an owner flag and a second put of the same buffer is
 * refused and counted instead of corrupting the pool. The check costs one
 * atomic exchange per get and per put.
 *
 * System calls: rtbpf_pool__new() mmap(MAP_POPULATE) and, with
 * RTBPF_POOL_F_MLOCK, mlock() (needs CAP_IPC_LOCK beyond RLIMIT_MEMLOCK);
 * rtbpf_pool__free() munmap(). Nothing else makes one.
 */
#ifndef RTBPF_POOL_H
#define RTBPF_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Buffers start on, and are padded to, this boundary. */
#define RTBPF_POOL_ALIGN 64
#define RTBPF_POOL_CACHE_MAX 64

/* mlock() the region: fails with -EPERM/-ENOMEM over RLIMIT_MEMLOCK. */
#define RTBPF_POOL_F_MLOCK (1u << 0)
/* Detect double put (an owner flag per buffer). */
#define RTBPF_POOL_F_CHECK (1u << 1)

struct rtbpf_pool;

struct rtbpf_pool_cfg {
	size_t buf_size; /* largest request served; rounded up internally */
	uint32_t n_bufs;
	unsigned int flags; /* RTBPF_POOL_F_* */
};

struct rtbpf_pool_stats {
	uint64_t n_bufs;
	uint64_t buf_size; /* usable bytes per buffer (after rounding) */
	uint64_t shared_free; /* on the shared stack; excludes caches */
	uint64_t exhausted; /* gets refused: no free buffer */
	uint64_t oversize; /* gets refused: size > buf_size */
	uint64_t double_put; /* puts refused: already free (F_CHECK) */
	uint64_t bad_ptr; /* puts refused: not a buffer of this pool */
};

/* Per-thread cache of free buffers: caller-owned, used by one thread. */
struct rtbpf_pool_cache {
	struct rtbpf_pool *pool;
	uint32_t n;
	uint32_t idx[RTBPF_POOL_CACHE_MAX];
	uint64_t gets;
	uint64_t puts;
};

/*
 * Maps, prefaults (and with RTBPF_POOL_F_MLOCK locks) n_bufs buffers of
 * buf_size bytes, 1 <= n_bufs < 2^31. The only call that allocates; call it
 * at startup. Returns the pool, or NULL and errno: EINVAL (bad cfg),
 * ENOMEM, EPERM (mlock not permitted). Not thread safe.
 */
struct rtbpf_pool *rtbpf_pool__new(const struct rtbpf_pool_cfg *cfg);
/*
 * Unmaps everything. Buffers still out (or held in caches) become invalid.
 * Accepts NULL. No other thread may use the pool or its caches.
 */
void rtbpf_pool__free(struct rtbpf_pool *p);

/*
 * A free buffer of at least size bytes, contents undefined. c is this
 * thread's cache for p, or NULL to use the shared stack directly (one CAS).
 * Returns NULL and errno: EMSGSIZE (size > buf_size), ENOBUFS (exhausted;
 * buffers in other threads' caches are not stolen), EINVAL (c belongs to
 * another pool or was finished). Lock-free, never blocks
 * or allocates; thread safe given one cache per thread.
 */
void *rtbpf_pool__get(struct rtbpf_pool *p, struct rtbpf_pool_cache *c,
		      size_t size);
/*
 * Returns buf to the pool (through cache c, or the shared stack if c is
 * NULL). Returns 0, -EINVAL (not a buffer of p, or c not bound to p) or
 * -EALREADY (double put, with RTBPF_POOL_F_CHECK only). Lock-free, never blocks
 * or allocates.
 */
int rtbpf_pool__put(struct rtbpf_pool *p, struct rtbpf_pool_cache *c,
		    void *buf);

/* True if buf points at the start of one of p's buffers. Thread safe. */
bool rtbpf_pool__owns(const struct rtbpf_pool *p, const void *buf);

/* Counters since new; a snapshot, thread safe. Returns 0 or -EINVAL. */
int rtbpf_pool__stats(const struct rtbpf_pool *p, struct rtbpf_pool_stats *s);

/* Binds a caller-owned cache to p. Returns 0 or -EINVAL. */
int rtbpf_pool_cache__init(struct rtbpf_pool_cache *c, struct rtbpf_pool *p);
/* Gives every cached buffer back to the shared stack. */
void rtbpf_pool_cache__fini(struct rtbpf_pool_cache *c);

#endif
