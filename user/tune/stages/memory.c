// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* memory stage: transparent hugepages (enabled, defrag) and KSM. THP files
 * read "always madvise [never]" and take one word; the item compares the
 * bracketed word and revert writes the word that was selected. */
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"

#include <errno.h>
#include <stdio.h>

static int add(const struct tune_cfg *c, struct item_list *l, const char *key,
	       const char *name, const char *path, enum item_cmp cmp)
{
	struct tune_item *it;

	if (!profile_wants(&c->prof, key))
		return 0;
	it = items_add(l, "memory");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->path, sizeof(it->path), "%s", path);
	item_setf(it, &it->want, "%s", profile_get(&c->prof, key));
	it->cmp = cmp;
	it->flags = IT_OPTIONAL;
	return 0;
}

int memory_plan(const struct tune_cfg *c, struct item_list *l)
{
	int err;

	err = add(c, l, "memory.thp", "THP enabled",
		  "/sys/kernel/mm/transparent_hugepage/enabled", CMP_SELECT);
	if (!err)
		err = add(c, l, "memory.thp_defrag", "THP defrag",
			  "/sys/kernel/mm/transparent_hugepage/defrag",
			  CMP_SELECT);
	if (!err)
		err = add(c, l, "memory.ksm", "KSM run",
			  "/sys/kernel/mm/ksm/run", CMP_TEXT);
	return err;
}
