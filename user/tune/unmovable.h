/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The unmovable-IRQ list beside the journal (unmovable.c). */
#ifndef RTBPF_TUNE_UNMOVABLE_H
#define RTBPF_TUNE_UNMOVABLE_H

#include <stdbool.h>

#include "tune.h"

/* The list, or NULL: missing, unreadable (an unprivileged check),
 * untrusted or too long all mean "none unmovable". Freed by the caller. */
char *unmovable_load(const struct tune_cfg *c);
/* path is a whole line of list (NULL: none). */
bool unmovable_listed(const char *list, const char *path);
/* Appends path to the list (fsynced); 0 or -errno. */
int unmovable_mark(const struct tune_cfg *c, const char *path);

#endif
