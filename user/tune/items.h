/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Items (items.c): what a stage plans, one knob each, with the value the
 * profile wants; check fills in what the knob holds and its status.
 */
#ifndef RTBPF_TUNE_ITEMS_H
#define RTBPF_TUNE_ITEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "parse.h"

struct knob_kind;

enum item_cmp {
	CMP_TEXT, /* whitespace-normalised text */
	CMP_SELECT, /* bracketed selection, e.g. THP "[never]" */
	CMP_MASK, /* hex cpumask */
	CMP_SUBSET, /* hex cpumask, OK when non-empty and inside want */
	CMP_LIST, /* CPU list */
	CMP_NONE, /* check only: status decided by the stage */
};

enum item_status { ST_OK, ST_WARN, ST_FAIL, ST_SKIP, ST_INFO };

/* Item flags */
#define IT_OPTIONAL 0x1 /* missing file: SKIP, not FAIL */
#define IT_MOVABLE 0x2 /* EIO on write: unmovable, reported not failed */
#define IT_CHECK_ONLY 0x4 /* never written (boot knobs) */
#define IT_WARN_ONLY 0x8 /* a deviation is a WARN */
#define IT_SHOW_NOTE 0x10 /* the note is shown also when OK */
#define IT_EXACT 0x40 /* write the exact bytes of want (config files) */
#define IT_CREATE 0x80 /* may not exist yet: created, revert removes it */

/* Values grow with the host (a CPU list of 1024 CPUs, a mask of 8192): they
 * live on the heap, set with item_setf() and friends, never NULL ("" until
 * set), freed by items_free(). */
struct tune_item {
	const char *stage;
	char name[80]; /* shown to the user: "kernel.timer_migration" */
	/* One of many of a sort (every IRQ's affinity, every thread's, a
	 * per-CPU file): the name with '*' for the number gid ("irq *",
	 * "cpu* governor"); check's text output shows a big group of the
	 * same sort and result as one line. "" for a knob of its own. */
	char group[40];
	long gid;
	/* what the knob is (kind.h): &kind_file unless the stage sets
	 * another */
	const struct knob_kind *kind;
	char path[160]; /* target path; a name ("tid:N") for kind_sched */
	pid_t tid; /* the thread of a thread kind */
	const char *want; /* value written */
	const char *want_show; /* expected, as shown */
	enum item_cmp cmp;
	unsigned int flags;
	bool nomem; /* a value could not be allocated: tune_plan fails */
	/* filled by check */
	enum item_status st;
	const char *actual;
	char note[320];
	bool by_rtbpf; /* OK, and rtbpf's journal says it wrote that value */
};

struct item_list {
	struct tune_item *v;
	size_t n, cap;
};

/* Appends a zeroed item of kind_file; NULL + errno on ENOMEM. */
struct tune_item *items_add(struct item_list *l, const char *stage);
void items_free(struct item_list *l);
/* Sets one of it's values (&it->want, &it->want_show, &it->actual) to the
 * formatted text, whatever its length; 0, or -ENOMEM with it->nomem set
 * (the value then reads "", and tune_plan fails). */
int item_setf(struct tune_item *it, const char **field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The field takes a heap string (NULL: -ENOMEM as above). */
int item_take(struct tune_item *it, const char **field, char *str);
/* The field as a CPU list / a kernel hex cpumask of s. */
int item_set_list(struct tune_item *it, const char **field,
		  const struct cpuset *s);
int item_set_mask(struct tune_item *it, const char **field,
		  const struct cpuset *s);
/* Puts it in the group of fmt (name pattern, '*' for the number) as
 * number id. */
void item_group(struct tune_item *it, long id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
