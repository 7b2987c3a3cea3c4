/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Counts heap allocations made by the calling thread, through the
 * sanitizer runtime's malloc hooks (unit tests always run under ASan, or
 * TSan). alloc_count_supported() is false in a plain build: tests then
 * skip the allocation check rather than pass it vacuously. The flags are
 * volatile: gcc assumes malloc reads no user memory and would otherwise drop
 * the store that arms the counter.
 */
#ifndef RTBPF_TEST_ALLOC_COUNT_H
#define RTBPF_TEST_ALLOC_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ALLOC_COUNT_SUPPORTED 1
int __sanitizer_install_malloc_and_free_hooks(
	void (*malloc_hook)(const volatile void *, size_t),
	void (*free_hook)(const volatile void *));
#else
#define ALLOC_COUNT_SUPPORTED 0
#endif

static _Thread_local volatile uint64_t alloc_count_n;
static _Thread_local volatile bool alloc_count_on;

static void alloc_count_malloc_hook(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	if (alloc_count_on)
		alloc_count_n++;
}

static void alloc_count_free_hook(const volatile void *p)
{
	(void)p;
}

/* Installs the hooks once; false when this build cannot count. */
static inline bool alloc_count_supported(void)
{
#if ALLOC_COUNT_SUPPORTED
	static bool installed;

	if (!installed)
		installed = __sanitizer_install_malloc_and_free_hooks(
				    alloc_count_malloc_hook,
				    alloc_count_free_hook) != 0;
	return installed;
#else
	(void)alloc_count_malloc_hook;
	(void)alloc_count_free_hook;
	return false;
#endif
}

static inline void alloc_count_start(void)
{
	alloc_count_n = 0;
	alloc_count_on = true;
}

/* Allocations by this thread since alloc_count_start(). */
static inline uint64_t alloc_count_stop(void)
{
	alloc_count_on = false;
	return alloc_count_n;
}

#endif
