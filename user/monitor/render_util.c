// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "render_util.h"

#include <stdio.h>
#include <string.h>

#include "coll.h"
#include "sysinfo.h"
#include "tasklist.h"
#include "text.h"

void fmt_us(char *buf, size_t len, uint64_t ns, bool have)
{
	if (!have)
		snprintf(buf, len, "-");
	else if (ns >= 100000000ULL) /* 0.1 s on: seconds, in 7 columns */
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else
		snprintf(buf, len, "%.1f", ns / 1e3);
}

void fmt_task(char *buf, size_t len, const struct task_entry *p, int width,
	      bool with_ns)
{
	char tail[32], name[TEXT_ESC_SIZE(16)];
	size_t room;

	if (!p) {
		snprintf(buf, len, "-");
		return;
	}
	if (!with_ns)
		snprintf(tail, sizeof(tail), "/%u", p->pid);
	else if (p->ns >= 1000000)
		snprintf(tail, sizeof(tail), "/%u %.1fms", p->pid, p->ns / 1e6);
	else
		snprintf(tail, sizeof(tail), "/%u %.0fus", p->pid, p->ns / 1e3);
	room = width > (int)strlen(tail) + 1 ?
		       (size_t)width - strlen(tail) + 1 :
		       2;
	task_name_text(name, room < sizeof(name) ? room : sizeof(name), p->comm,
		       sizeof(p->comm));
	snprintf(buf, len, "%s%s", name, tail);
}

void fmt_cpu(char *buf, size_t len, const struct coll_out *o, unsigned int cpu)
{
	snprintf(buf, len, "%u%s", cpu,
		 cpuset_has(&o->host->isolated, cpu) ? "*" : "");
}
