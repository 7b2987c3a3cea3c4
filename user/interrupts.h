/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * /proc/interrupts, read for the names of numbered IRQs. A line is
 * "  N:  COUNT... CHIP HWIRQ-TYPE NAME[, NAME...]" with one COUNT column
 * per online CPU, so a line of a 1024-CPU host is over 11 KiB: lines are
 * read whole (getline), never in fixed pieces. The name kept is the last
 * field (the last action's device name), as the monitor shows it.
 */
#ifndef RTBPF_INTERRUPTS_H
#define RTBPF_INTERRUPTS_H

#include <stddef.h>
#include <stdio.h>

/* One line (NUL-terminated, newline optional). 0 for a numbered IRQ line:
 * *irq, and *name, *len: the name inside line ("" when the line has none);
 * -EINVAL for any other line (the CPU header, "NMI:", "LOC:", ...). */
int interrupts_parse_line(const char *line, unsigned int *irq,
			  const char **name, size_t *len);

/* Every numbered line of f: names[irq] = a new string (the old one freed)
 * for irq < max; others ignored. 0, or -ENOMEM / -EIO (names so far kept;
 * the caller frees them). */
int interrupts_read(FILE *f, char **names, unsigned int max);

#endif
