// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * UMEM memory. A UMEM of at least one huge page (2 MiB) is backed by huge
 * pages where the host has them: hugetlbfs pages when some are reserved
 * (vm.nr_hugepages), else transparent huge pages (madvise), else small
 * pages. Why: received frames cycle through all RX frames (2048 by
 * default), so with small pages the receiving thread walks a new page,
 * and takes a TLB miss, every other datagram; measured on veth, huge pages
 * took ~45 ns off a one-way p50 of ~1 us. What was obtained is reported in the stats
 * (umem_huge_bytes), read back from /proc/self/smaps for THP.
 */
#include "xsk_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_SZ (2UL << 20)

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << 26) /* log2(2 MiB) << MAP_HUGE_SHIFT */
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* v5.14 */
#endif

/* kB of AnonHugePages in the mapping that starts at addr, or 0. */
static uint64_t thp_bytes(const void *addr)
{
	unsigned long start, end;
	uint64_t kb = 0;
	bool ours = false;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		/* a mapping's first line: "start-end perms ..." */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			ours = start == (uintptr_t)addr;
			continue;
		}
		if (ours && sscanf(line, "AnonHugePages: %" SCNu64, &kb) == 1)
			break;
	}
	fclose(f);
	return kb * 1024;
}

/* Writes to every page, for kernels without MADV_POPULATE_WRITE. */
static void touch_pages(uint8_t *p, size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);

	for (size_t off = 0; off < len; off += (size_t)(pg > 0 ? pg : 4096))
		((volatile uint8_t *)p)[off] = 0;
}

/*
 * Transparent huge pages: reserve len + 2 huge pages of address space, put
 * the area on a huge-page boundary inside it and leave the rest mapped
 * PROT_NONE, so the area's mapping never merges with a neighbour (smaps
 * then describes the area alone).
 */
static int map_thp(struct rtbpf_xsk *x)
{
	size_t map_len = x->area_len + 2 * HUGE_SZ;
	uint8_t *p, *a;

	p = mmap(NULL, map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	/* at least one page of guard below the area, and some above */
	a = (uint8_t *)(((uintptr_t)p + 4096 + HUGE_SZ - 1) & ~(HUGE_SZ - 1));
	if (mprotect(a, x->area_len, PROT_READ | PROT_WRITE) < 0) {
		int err = -errno;

		munmap(p, map_len);
		return err;
	}
	x->map = p;
	x->map_len = map_len;
	x->area = a;
	/* best effort: with THP "never" the area keeps small pages */
	madvise(a, x->area_len, MADV_HUGEPAGE);
	if (madvise(a, x->area_len, MADV_POPULATE_WRITE) < 0) {
		int err = -errno;

		if (err != -EINVAL) { /* out of memory: report, not crash */
			munmap(p, map_len);
			x->map = x->area = NULL;
			return err;
		}
		touch_pages(a, x->area_len); /* before v5.14 */
	}
	x->st.umem_huge_bytes = thp_bytes(a);
	if (x->st.umem_huge_bytes > x->area_len)
		x->st.umem_huge_bytes = x->area_len;
	return 0;
}

int rtbpf_xsk_mem_alloc(struct rtbpf_xsk *x)
{
	void *p;

	x->st.umem_bytes = x->area_len;
	x->st.umem_huge_bytes = 0;
	if (x->area_len >= HUGE_SZ && !(x->area_len % HUGE_SZ)) {
		p = mmap(NULL, x->area_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE |
				 MAP_HUGETLB | MAP_HUGE_2MB,
			 -1, 0);
		if (p != MAP_FAILED) {
			x->map = x->area = p;
			x->map_len = x->area_len;
			x->st.umem_huge_bytes = x->area_len;
			return 0;
		}
		if (!map_thp(x))
			return 0;
	}
	p = mmap(NULL, x->area_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	x->map = x->area = p;
	x->map_len = x->area_len;
	return 0;
}

void rtbpf_xsk_mem_free(struct rtbpf_xsk *x)
{
	if (x->map)
		munmap(x->map, x->map_len);
	x->map = x->area = NULL;
	x->map_len = 0;
}
