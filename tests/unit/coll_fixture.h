/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by tests/unit/test_coll.c and test_render.c. */
#ifndef RTBPF_TEST_COLL_FIXTURE_H
#define RTBPF_TEST_COLL_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "monitor/tasklist.h"

/* One task's figures into l (as the collectors' reads add them). */
static void add_task(struct tasklist *l, uint32_t cpu, uint32_t pid,
		     uint64_t ns, const char *comm)
{
	struct task_entry e = { .cpu = cpu, .pid = pid, .ns = ns, .count = 1 };

	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	assert_int_equal(tasklist_add(l, &e), 0);
}

#endif
