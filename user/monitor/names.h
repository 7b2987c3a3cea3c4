/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Names the renderers show for ids: a thread's comm (asked when a spike is
 * reported, as the event carries the waker's pid only) and IRQ names (from
 * /proc/interrupts, read once when the IRQ collector loads). Tests give
 * their own comm function.
 */
#ifndef RTBPF_MONITOR_NAMES_H
#define RTBPF_MONITOR_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct coll_names {
	/* The current name of thread tid into comm (at most len bytes, raw,
	 * no NUL added): its length, 0 when unknown. */
	size_t (*comm)(uint32_t tid, char *comm, size_t len);
	char **irq; /* nirq entries, NULL: none; an entry NULL: no name */
	unsigned int nirq;
};

/* /proc/TID/comm without its newline; 0 when the thread is gone. */
size_t names_proc_comm(uint32_t tid, char *comm, size_t len);
/* Reads IRQ names from /proc/interrupts (best effort: a warning when it
 * cannot, names stay missing). 0 or -ENOMEM. */
int names_load_irqs(struct coll_names *n, unsigned int nirq);
/* Name of IRQ irq, or "" when unknown. */
const char *names_irq(const struct coll_names *n, unsigned int irq);
void names_fini(struct coll_names *n);

#endif
