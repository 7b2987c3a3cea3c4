// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Names of threads and IRQs for the monitor's renderers. */
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupts.h"
#include "log.h"

size_t names_proc_comm(uint32_t tid, char *comm, size_t len)
{
	char path[64];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", tid);
	f = fopen(path, "re");
	if (f) {
		n = fread(comm, 1, len, f);
		fclose(f);
	}
	/* the kernel ends it with one '\n'; a name may hold others.
	 * Raw: task_name_text() makes it safe for a terminal */
	if (n && comm[n - 1] == '\n')
		comm[--n] = '\0';
	return n;
}

/* Names are the last field of each IRQ's /proc/interrupts line: best
 * effort, an IRQ without one shows its number only. */
int names_load_irqs(struct coll_names *n, unsigned int nirq)
{
	FILE *f;
	int err;

	n->irq = calloc(nirq, sizeof(*n->irq));
	if (!n->irq)
		return -ENOMEM;
	n->nirq = nirq;
	f = fopen("/proc/interrupts", "re");
	if (!f)
		return 0;
	err = interrupts_read(f, n->irq, nirq);
	if (err)
		log_warn("monitor: /proc/interrupts: %s; IRQ names may be "
			 "missing",
			 strerror(-err));
	fclose(f);
	return 0;
}

const char *names_irq(const struct coll_names *n, unsigned int irq)
{
	if (!n || irq >= n->nirq || !n->irq[irq])
		return "";
	return n->irq[irq];
}

void names_fini(struct coll_names *n)
{
	for (unsigned int q = 0; n->irq && q < n->nirq; q++)
		free(n->irq[q]);
	free(n->irq);
	n->irq = NULL;
	n->nirq = 0;
}
