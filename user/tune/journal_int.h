/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by journal.c (the state file) and journal_parse.c (its text). */
#ifndef RTBPF_TUNE_JOURNAL_INT_H
#define RTBPF_TUNE_JOURNAL_INT_H

#include <stdbool.h>

#include "journal.h"

#define HEADER_FMT "rtbpf-state %d\n"
#define HEADER_LEN 14 /* "rtbpf-state N\n" */

/* A path seen before keeps its first original; only what rtbpf wrote last
 * is updated (apply ultra, then low-latency). */
bool jrec_same_target(const struct jrec *a, const struct jrec *b);
/* Takes r's strings: into j (a new target) or onto the record of its
 * target (its new value), or freed. 0 or -ENOMEM. */
int journal_remember(struct journal *j, struct jrec *r);

#endif
