/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Small formatters every monitor renderer shares. No allocation. */
#ifndef RTBPF_MONITOR_RENDER_UTIL_H
#define RTBPF_MONITOR_RENDER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct coll_out;
struct task_entry;

/* "comm/pid" (with_ns: and its time) in at most width columns, the name
 * made safe for a terminal and shortened first; "-" for no task. */
void fmt_task(char *buf, size_t len, const struct task_entry *p, int width,
	      bool with_ns);
/* ns in microseconds (seconds from 0.1 s on, in 7 columns); "-" without
 * a figure. */
void fmt_us(char *buf, size_t len, uint64_t ns, bool have);
/* A table row's CPU label: the number, "*" when isolated. */
void fmt_cpu(char *buf, size_t len, const struct coll_out *o, unsigned int cpu);

#endif
