/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf status, and check's "set by rtbpf" (status.c). */
#ifndef RTBPF_TUNE_STATUS_H
#define RTBPF_TUNE_STATUS_H

#include "items.h"
#include "journal.h"

/* Marks by_rtbpf on the OK items whose knob (path and thread) j records. */
void tune_mark_by_rtbpf(const struct journal *j, struct item_list *l);

/* r's knob now (read only): 0 it holds what rtbpf wrote, 1 another value
 * (drift), -ENOENT gone (a thread exited or its TID was reused, a file
 * removed), or -errno of the read. *cur: the value read (NULL when none),
 * the caller frees it. For status, and for a drift metric of the journal
 * (journal_peek()). */
int tune_jrec_drift(const struct tune_cfg *c, const struct jrec *r, char **cur);

#endif
