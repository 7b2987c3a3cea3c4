// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _GNU_SOURCE
#include "affinity.h"

#include <errno.h>
#include <sched.h>

/* An empty libc CPU set as large as a cpuset, its size in *size. */
static cpu_set_t *set_new(size_t *size)
{
	cpu_set_t *set = CPU_ALLOC(CPUSET_MAX);

	*size = CPU_ALLOC_SIZE(CPUSET_MAX);
	if (set)
		CPU_ZERO_S(*size, set);
	return set;
}

int affinity_get(pid_t tid, struct cpuset *out)
{
	size_t size;
	cpu_set_t *set = set_new(&size);
	int err = 0;

	if (!set)
		return -ENOMEM;
	if (sched_getaffinity(tid, size, set)) {
		err = -errno;
		goto cleanup;
	}
	cpuset_zero(out);
	for (unsigned int c = 0; c < CPUSET_MAX; c++)
		if (CPU_ISSET_S(c, size, set))
			cpuset_add(out, c);
cleanup:
	CPU_FREE(set);
	return err;
}

int affinity_set(pid_t tid, const struct cpuset *s)
{
	size_t size;
	cpu_set_t *set = set_new(&size);
	int err = 0;

	if (!set)
		return -ENOMEM;
	for (unsigned int c = 0; c < CPUSET_MAX; c++)
		if (cpuset_has(s, c))
			CPU_SET_S(c, size, set);
	if (sched_setaffinity(tid, size, set))
		err = -errno;
	CPU_FREE(set);
	return err;
}
