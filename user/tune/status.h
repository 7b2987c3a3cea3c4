/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf status, and check's "set by rtbpf" (status.c). */
#ifndef RTBPF_TUNE_STATUS_H
#define RTBPF_TUNE_STATUS_H

#include "items.h"
#include "journal.h"

/* Marks by_rtbpf on the OK items whose knob (path and thread) j records. */
void tune_mark_by_rtbpf(const struct journal *j, struct item_list *l);

#endif
