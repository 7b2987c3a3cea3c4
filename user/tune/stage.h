/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The stage interface: a stage (one file in stages/) plans the items of one
 * area (sysctls, IRQs, threads...) from the profile and the CPU split,
 * reading the target tree only. It never writes: the engine applies its
 * items through their kinds' ops. A stage may have a hook the engine runs
 * after apply or revert changed any of its knobs (irqbalance reads its
 * configuration only at start).
 */
#ifndef RTBPF_TUNE_STAGE_H
#define RTBPF_TUNE_STAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "items.h"
#include "tune.h"

struct tune_stage {
	const char *name;
	const char *help;
	/* Appends the stage's items for this profile and CPU split. Reads the
	 * target tree only. 0 or -errno (message logged). */
	int (*plan)(const struct tune_cfg *c, struct item_list *l);
	/* Optional: after apply or revert changed a knob of this stage (or,
	 * dry_run, would); prints what it does. */
	void (*post)(const struct tune_cfg *c, bool dry_run);
};

/* Every stage, in the order they plan (stages/stages.c). */
extern const struct tune_stage tune_stages[];
extern const size_t tune_nstages;
/* Index in tune_stages of the stage called name, or -1. */
int tune_stage_index(const char *name);
/* The bit of that stage in a stage mask (as tune_cfg.stages), or 0. */
unsigned int tune_stage_bit(const char *name);
/* Runs the post hook of every stage in the mask that has one. */
void tune_stages_post(const struct tune_cfg *c, unsigned int stages,
		      bool dry_run);

int sysctl_plan(const struct tune_cfg *c, struct item_list *l);
int irq_plan(const struct tune_cfg *c, struct item_list *l);
int boot_plan(const struct tune_cfg *c, struct item_list *l);
int memory_plan(const struct tune_cfg *c, struct item_list *l);
int workqueue_plan(const struct tune_cfg *c, struct item_list *l);
int power_plan(const struct tune_cfg *c, struct item_list *l);
int process_plan(const struct tune_cfg *c, struct item_list *l);
int threads_plan(const struct tune_cfg *c, struct item_list *l);
int irqbalance_plan(const struct tune_cfg *c, struct item_list *l);
int limits_plan(const struct tune_cfg *c, struct item_list *l);
int systemd_plan(const struct tune_cfg *c, struct item_list *l);
int net_plan(const struct tune_cfg *c, struct item_list *l);

/* irqbalance.c: `systemctl try-restart irqbalance` after its configuration
 * changed; only on the host (printed, or run unless dry_run). */
void irqbalance_restart(const struct tune_cfg *c, bool dry_run);

/* config_file.c: state of a config file rtbpf writes whole (IT_EXACT |
 * IT_CREATE): OK when it->path holds exactly it->want (shown as
 * it->want_show), FAIL when absent or different, WARN (and check only)
 * when unreadable for lack of rights. */
void config_file_state(const struct tune_cfg *c, struct tune_item *it);

#endif
