// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* workqueue stage: the unbound workqueue cpumask and the writeback
 * workqueue's cpumask to the housekeeping CPUs. A mask already inside the
 * housekeeping set is left as it is. */
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"

#include <errno.h>
#include <stdio.h>

static const struct {
	const char *name, *path;
} wq_files[] = {
	{ "unbound workqueues", "/sys/devices/virtual/workqueue/cpumask" },
	{ "writeback workqueue",
	  "/sys/bus/workqueue/devices/writeback/cpumask" },
};

int workqueue_plan(const struct tune_cfg *c, struct item_list *l)
{
	for (size_t i = 0; i < sizeof(wq_files) / sizeof(wq_files[0]); i++) {
		struct tune_item *it = items_add(l, "workqueue");

		if (!it)
			return -ENOMEM;
		snprintf(it->name, sizeof(it->name), "%s", wq_files[i].name);
		snprintf(it->path, sizeof(it->path), "%s", wq_files[i].path);
		item_set_mask(it, &it->want, &c->housekeeping);
		item_set_list(it, &it->want_show, &c->housekeeping);
		it->cmp = CMP_SUBSET;
		it->flags = IT_OPTIONAL;
	}
	return 0;
}
