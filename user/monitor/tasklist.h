/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Lists of per-CPU, per-task figures (preemptors, stolen time, page faults,
 * IPI senders), merged by (cpu, pid, kpid, aux). Allocates as it grows. */
#ifndef RTBPF_TASKLIST_H
#define RTBPF_TASKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

struct task_entry {
	uint32_t cpu;
	uint32_t pid; /* shown: of rtbpf's PID namespace, 0 outside it */
	uint32_t kpid; /* of the initial namespace, keeps those apart */
	uint32_t aux; /* IPIs: the sending CPU; else 0 */
	char comm[16];
	uint64_t ns;
	uint64_t count;
};

struct tasklist {
	struct task_entry *v;
	size_t n, cap;
	size_t prune_at; /* tasklist_bound(): next prune past this many */
};

/* Adds e's ns and count to the entry of the same cpu, pid, kpid and aux, or
 * appends it. 0 or -ENOMEM. */
int tasklist_add(struct tasklist *l, const struct task_entry *e);
int tasklist_merge(struct tasklist *l, const struct tasklist *a);
static inline void tasklist_clear(struct tasklist *l)
{
	l->n = 0;
}
void tasklist_fini(struct tasklist *l);
/*
 * Bounds a list that collects a whole run (threads come and go): once it
 * holds more than twice as many entries as after its last pruning (and
 * more than TASKLIST_BOUND_MIN), keeps each CPU's keep largest entries
 * (by ns, or by_count) and removes the rest, adding their ns to
 * fold[cpu] when fold is given (cpu < nfold). Amortized O(1) per entry
 * added; the order of entries may change. Returns how many it removed.
 */
#define TASKLIST_BOUND_MIN 1024
/* What the monitor's run totals keep per CPU and list: far more than any
 * renderer shows (5), so the top ones stay exact. */
#define TASKLIST_RUN_KEEP 64
size_t tasklist_bound(struct tasklist *l, size_t keep, bool by_count,
		      uint64_t *fold, size_t fold_stride, unsigned int nfold);
/* Up to n entries of cpu, largest first by ns (or by count), into out. */
size_t tasklist_top(const struct tasklist *l, unsigned int cpu,
		    const struct task_entry **out, size_t n, bool by_count);

/*
 * A thread name (at most n bytes of comm, up to its NUL) fit for a
 * terminal: text_escape() (text.h), so a name another user chose cannot
 * carry escape sequences. dst gets at most len - 1 bytes, cut between
 * whole escapes; TEXT_ESC_SIZE(n) bytes never cut.
 */
void task_name_text(char *dst, size_t len, const char *comm, size_t n);

#endif
