// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * irq stage: /proc/irq/default_smp_affinity and every /proc/irq/N/
 * smp_affinity to the housekeeping CPUs. Like tuned, a mask that already
 * spreads over some housekeeping CPUs keeps just those (a NIC's queue
 * pinning survives); one inside the housekeeping set is left alone. A write
 * refused with EIO (managed or per-CPU IRQ) is reported, not failed. The
 * check also reads effective_affinity_list: the kernel may keep delivering
 * on the old CPU until the next interrupt, or for good when unmovable.
 * apply lists the IRQs the kernel refused in ROOT/var/lib/rtbpf/unmovable
 * (world-readable) so a later check, also an unprivileged one, reports
 * them as WARN (unmovable), not FAIL. Like the journal beside it, the file
 * is reached inside the root and believed only when root wrote it.
 */
#define _GNU_SOURCE
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"
#include "tune/unmovable.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

static int cmp_irq(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static int add_mask_item(const struct tune_cfg *c, struct item_list *l,
			 const char *name, const char *path, bool movable,
			 const char *unmovable)
{
	struct cpuset cur, keep = { 0 };
	char raw[TUNE_VAL_MAX];
	struct tune_item *it;

	it = items_add(l, "irq");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->path, sizeof(it->path), "%s", path);
	it->cmp = CMP_SUBSET;
	it->flags = movable ? IT_MOVABLE : 0;
	if (movable && unmovable_listed(unmovable, path)) {
		it->flags |= IT_WARN_ONLY;
		snprintf(it->note, sizeof(it->note),
			 "unmovable (the kernel refused the write with EIO "
			 "at apply: managed or per-CPU)");
	}
	if (!tune_read(c, path, raw, sizeof(raw)) &&
	    !tune_mask_parse(raw, &cur)) {
		for (size_t w = 0; w < CPUSET_MAX / 64; w++)
			keep.bits[w] = cur.bits[w] & c->housekeeping.bits[w];
	}
	if (!cpuset_count(&keep))
		keep = c->housekeeping;
	item_set_mask(it, &it->want, &keep);
	return item_set_list(it, &it->want_show, &c->housekeeping);
}

/* Check-only: where the IRQ is delivered now. */
static int add_effective(const struct tune_cfg *c, struct item_list *l,
			 unsigned int irq)
{
	char path[160], raw[TUNE_VAL_MAX], err[64], list[TUNE_VAL_MAX];
	struct tune_item *it;
	struct cpuset eff;

	snprintf(path, sizeof(path), "/proc/irq/%u/effective_affinity_list",
		 irq);
	if (tune_read(c, path, raw, sizeof(raw)))
		return 0;
	it = items_add(l, "irq");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "irq %u effective", irq);
	item_group(it, irq, "irq * effective");
	snprintf(it->path, sizeof(it->path), "%s", path);
	item_set_list(it, &it->want_show, &c->housekeeping);
	it->cmp = CMP_NONE;
	it->flags = IT_CHECK_ONLY;
	tune_norm(raw, list, sizeof(list));
	item_setf(it, &it->actual, "%s", *list ? list : "(none)");
	if (*list && !parse_cpulist(list, &eff, err, sizeof(err)) &&
	    !cpuset_subset(&eff, &c->housekeeping)) {
		it->st = ST_WARN;
		snprintf(it->note, sizeof(it->note),
			 "still delivered on a latency CPU (moves at the next "
			 "interrupt unless unmovable)");
	} else {
		it->st = ST_OK;
	}
	return 0;
}

int irq_plan(const struct tune_cfg *c, struct item_list *l)
{
	unsigned int *irqs = NULL, n = 0, cap = 0;
	char *unmovable = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int err = 0;

	if (!tune_exists(c, "/proc/irq")) {
		log_warn("%s: irq: %s/proc/irq missing; stage skipped", c->cmd,
			 c->root);
		return 0;
	}
	err = add_mask_item(c, l, "default IRQ affinity",
			    "/proc/irq/default_smp_affinity", false, NULL);
	if (err)
		goto cleanup;
	d = tune_opendir(c, "/proc/irq");
	if (!d) {
		err = -errno;
		log_err("%s: irq: opendir %s/proc/irq: %s", c->cmd, c->root,
			strerror(-err));
		goto cleanup;
	}
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == cap) {
			unsigned int *v;

			cap = cap ? cap * 2 : 256;
			v = realloc(irqs, cap * sizeof(*v));
			if (!v) {
				err = -ENOMEM;
				goto cleanup;
			}
			irqs = v;
		}
		irqs[n++] = (unsigned int)strtoul(de->d_name, NULL, 10);
	}
	qsort(irqs, n, sizeof(*irqs), cmp_irq);
	unmovable = unmovable_load(c);
	for (unsigned int i = 0; i < n; i++) {
		char path[160], name[32];

		snprintf(path, sizeof(path), "/proc/irq/%u/smp_affinity",
			 irqs[i]);
		if (!tune_exists(c, path))
			continue;
		snprintf(name, sizeof(name), "irq %u", irqs[i]);
		err = add_mask_item(c, l, name, path, true, unmovable);
		if (!err)
			item_group(&l->v[l->n - 1], irqs[i], "irq *");
		if (!err)
			err = add_effective(c, l, irqs[i]);
		if (err)
			goto cleanup;
	}
cleanup:
	if (d)
		closedir(d);
	free(unmovable);
	free(irqs);
	return err;
}
