// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The stage engine: plan every item of the selected stages (reads only)
 * and check them, reading each knob through its kind. apply.c applies the
 * deviating ones, revert.c replays the journal backwards.
 */
#define _GNU_SOURCE
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kind.h"
#include "stage.h"
#include "values.h"

int tune_plan(const struct tune_cfg *c, struct item_list *l)
{
	for (size_t i = 0; i < tune_nstages; i++) {
		int err;

		if (!(c->stages & (1u << i)))
			continue;
		err = tune_stages[i].plan(c, l);
		if (err)
			return err;
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].nomem)
			return -ENOMEM;
	return 0;
}

static void show_value(struct tune_item *it, const char *raw)
{
	struct cpuset s;

	if ((it->cmp == CMP_MASK || it->cmp == CMP_SUBSET) &&
	    !tune_mask_parse(raw, &s)) {
		if (cpuset_count(&s))
			item_set_list(it, &it->actual, &s);
		else
			item_setf(it, &it->actual, "(none)");
		return;
	}
	item_take(it, &it->actual,
		  it->cmp == CMP_SELECT ? tune_selected_dup(raw) :
					  tune_norm_dup(raw));
}

/* Two hex cpumasks: the same set, or (subset) a non-empty part of want. */
static bool same_mask(const char *raw, const char *want, bool subset)
{
	struct cpuset a, b;

	if (tune_mask_parse(raw, &a) || tune_mask_parse(want, &b))
		return false;
	return subset ? cpuset_count(&a) && cpuset_subset(&a, &b) :
			!memcmp(&a, &b, sizeof(a));
}

static bool same_list(const char *raw, const char *want)
{
	char *text = tune_norm_dup(raw), err[64];
	struct cpuset a, b;
	bool same = text && !parse_cpulist(text, &a, err, sizeof(err)) &&
		    !parse_cpulist(want, &b, err, sizeof(err)) &&
		    !memcmp(&a, &b, sizeof(a));

	free(text);
	return same;
}

/* raw, as read, is what the item wants (in the item's comparison). */
static bool item_same(const struct tune_cfg *c, const struct tune_item *it,
		      const char *raw)
{
	char *text;
	bool same;

	switch (it->cmp) {
	case CMP_MASK:
	case CMP_SUBSET:
		return same_mask(raw, it->want, it->cmp == CMP_SUBSET);
	case CMP_LIST:
		return same_list(raw, it->want);
	case CMP_SELECT:
		text = tune_selected_dup(raw);
		same = text && !strcmp(text, it->want);
		free(text);
		return same;
	default:
		return it->kind->equal(c, it->want, raw);
	}
}

/* The item's knob could not be read (ret): SKIP, WARN or FAIL. */
static void check_unread(struct tune_item *it, int ret)
{
	item_setf(it, &it->actual, "?");
	if (ret == -ENOENT && (it->flags & IT_OPTIONAL)) {
		it->st = ST_SKIP;
		snprintf(it->note, sizeof(it->note), "not present");
		return;
	}
	it->st = ret == -EACCES || (it->flags & IT_WARN_ONLY) ? ST_WARN :
								ST_FAIL;
	snprintf(it->note, sizeof(it->note), "read %s: %s", it->path,
		 strerror(-ret));
}

static void check_one(const struct tune_cfg *c, struct tune_item *it)
{
	struct knob k = { .kind = it->kind, .path = it->path, .tid = it->tid };
	const char *near;
	char *raw = NULL;
	int ret;

	if (it->cmp == CMP_NONE)
		return; /* decided by the stage's plan */
	if (!it->want_show[0])
		item_setf(it, &it->want_show, "%s", it->want);
	ret = knob_read(c, &k, &raw);
	if (ret) {
		check_unread(it, ret);
		return;
	}
	show_value(it, raw);
	near = it->kind->near ? it->kind->near(it->want, raw) : NULL;
	if (item_same(c, it, raw)) {
		it->st = ST_OK;
	} else if (it->cmp == CMP_TEXT && near) {
		it->st = ST_WARN;
		snprintf(it->note, sizeof(it->note), "%s", near);
	} else {
		it->st = it->flags & IT_WARN_ONLY ? ST_WARN : ST_FAIL;
	}
	free(raw);
}

void tune_check_items(const struct tune_cfg *c, struct item_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		check_one(c, &l->v[i]);
}

int tune_check_run(const struct tune_cfg *c, struct item_list *l,
		   unsigned int *count)
{
	int err = tune_plan(c, l);

	if (err)
		return err;
	tune_check_items(c, l);
	memset(count, 0, (ST_INFO + 1) * sizeof(*count));
	for (size_t i = 0; i < l->n; i++)
		count[l->v[i].st]++;
	return 0;
}
