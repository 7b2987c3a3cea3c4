/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fewer command lines on big hosts (quiet.c): apply, its dry run and
 * revert print the shell command of every change; of many changes of one
 * sort in a stage (every IRQ's affinity, every thread's, a file of every
 * CPU) they print the first QUIET_SHOWN, then one line with how many more
 * and their numbers, before making them. -v prints every command.
 */
#ifndef RTBPF_TUNE_QUIET_H
#define RTBPF_TUNE_QUIET_H

#include <stdbool.h>
#include <stddef.h>

#define QUIET_SHOWN 3
#define QUIET_SORTS 32

/* Entry i of the changes, in the order they are made. */
struct quiet_entry {
	const char *stage;
	const char *sort; /* "": a change of its own, always printed */
	long id; /* shown in the announcing line */
	bool todo; /* false: not made, not counted */
};
typedef void (*quiet_get_fn)(const void *ctx, size_t i, struct quiet_entry *e);

struct cmd_quiet {
	bool *quiet; /* per entry: announced, not printed (NULL: print all) */
	size_t n;
	quiet_get_fn get;
	const void *ctx;
	const char *stage; /* of the sorts counted */
	struct {
		const char *sort;
		unsigned int n; /* printed */
	} sorts[QUIET_SORTS];
	size_t nsorts;
};

/* For n entries read through get(ctx, i); when memory is short, every
 * command is printed. quiet_fini() frees it. */
void quiet_init(struct cmd_quiet *q, size_t n, quiet_get_fn get,
		const void *ctx);
void quiet_fini(struct cmd_quiet *q);
/* Whether entry i's command is printed; prints the announcing line (with
 * prefix) when i is the first of its sort not to be. */
bool quiet_shown(struct cmd_quiet *q, size_t i, const char *prefix);

#endif
