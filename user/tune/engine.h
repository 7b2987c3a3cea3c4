/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The engine: plan the selected stages, check their items, apply the
 * deviating ones (apply.c: journal first, then the write), revert the
 * journal (revert.c).
 */
#ifndef RTBPF_TUNE_ENGINE_H
#define RTBPF_TUNE_ENGINE_H

#include "items.h"
#include "tune.h"

/* The items of every stage selected in c->stages; 0 or -errno. */
int tune_plan(const struct tune_cfg *c, struct item_list *l);
/* Fills st/actual/note of every item. */
void tune_check_items(const struct tune_cfg *c, struct item_list *l);
/* The whole of `check`, in process: plans c's stages and checks every
 * item into l (items_free() it), counting them by status into count
 * (ST_INFO + 1 entries). Reads only: writes no knob, no journal, takes
 * no lock, prints nothing (errors logged). 0 or -errno (plan failed). */
int tune_check_run(const struct tune_cfg *c, struct item_list *l,
		   unsigned int *count);
/* Applies (or, dry_run, prints) every item that is not OK; 0 or -errno. */
int tune_apply_items(const struct tune_cfg *c, struct item_list *l);
/* Replays the journal backwards; 0, -EAGAIN (some knobs left) or -errno. */
int tune_revert(const struct tune_cfg *c);

#endif
