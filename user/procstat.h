/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One field of a /proc/PID/stat (or task/TID/stat) line, as proc(5)
 * numbers them: field 2 is "(comm)", which may hold blanks and ')', so the
 * fields from 3 on are counted after the last ')'. Header-only: the mlock
 * preload, built alone, uses it too.
 */
#ifndef RTBPF_PROCSTAT_H
#define RTBPF_PROCSTAT_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Field (>= 3) of the NUL-terminated line as an unsigned number (signed
 * fields come out as their two's complement). 0, or -EBADMSG when the line
 * is cut before it or the field is no number. */
static inline int procstat_field(const char *line, int field,
				 unsigned long long *out)
{
	const char *p = strrchr(line, ')'), *num;

	if (!p || field < 3)
		return -EBADMSG;
	p++;
	for (int f = 3; f < field; f++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return -EBADMSG;
		p += strcspn(p, " ");
	}
	while (*p == ' ')
		p++;
	num = p;
	if (*p == '-')
		p++; /* a signed field */
	if (*p < '0' || *p > '9')
		return -EBADMSG;
	*out = strtoull(num, NULL, 10);
	return 0;
}

#endif
