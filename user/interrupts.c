// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _GNU_SOURCE
#include "interrupts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int interrupts_parse_line(const char *line, unsigned int *irq,
			  const char **name, size_t *len)
{
	const char *p = line, *end;
	unsigned long v = 0;

	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 0xffffffffUL)
			return -EINVAL;
	}
	if (*p != ':')
		return -EINVAL;
	*irq = (unsigned int)v;
	end = p + strcspn(p, "\n");
	while (end > p + 1 && isspace((unsigned char)end[-1]))
		end--;
	/* the last field: back to the blank before it */
	*name = end;
	while (*name > p + 1 && !isspace((unsigned char)(*name)[-1]))
		(*name)--;
	*len = (size_t)(end - *name);
	return 0;
}

int interrupts_read(FILE *f, char **names, unsigned int max)
{
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	while (getline(&line, &cap, f) >= 0) {
		const char *name;
		unsigned int irq;
		size_t len;
		char *s;

		if (interrupts_parse_line(line, &irq, &name, &len) ||
		    irq >= max)
			continue;
		s = strndup(name, len);
		if (!s) {
			err = -ENOMEM;
			break;
		}
		free(names[irq]);
		names[irq] = s;
	}
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	return err;
}
