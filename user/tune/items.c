// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The item list stages fill: items and their heap values. */
#define _GNU_SOURCE
#include "items.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kind.h"
#include "values.h"

/* The value of every field not set: never freed. */
static const char no_value[] = "";

struct tune_item *items_add(struct item_list *l, const char *stage)
{
	struct tune_item *it;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct tune_item *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return NULL;
		}
		l->v = v;
		l->cap = cap;
	}
	it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->stage = stage;
	it->kind = &kind_file;
	it->want = it->want_show = it->actual = no_value;
	return it;
}

int item_take(struct tune_item *it, const char **field, char *str)
{
	if (*field != no_value)
		free((char *)*field);
	*field = str ? str : no_value;
	if (!str) {
		it->nomem = true;
		return -ENOMEM;
	}
	return 0;
}

int item_setf(struct tune_item *it, const char **field, const char *fmt, ...)
{
	va_list ap;
	char *str;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&str, fmt, ap);
	va_end(ap);
	return item_take(it, field, n < 0 ? NULL : str);
}

int item_set_list(struct tune_item *it, const char **field,
		  const struct cpuset *s)
{
	/* Most items of a big host show the same set (the housekeeping CPUs
	 * of every IRQ and thread): format it once, copy it after. */
	static struct cpuset last;
	static char *last_str;

	if (!last_str || memcmp(&last, s, sizeof(last))) {
		char *str = cpuset_str(s);

		if (!str)
			return item_take(it, field, NULL);
		free(last_str);
		last_str = str;
		last = *s;
	}
	return item_take(it, field, strdup(last_str));
}

int item_set_mask(struct tune_item *it, const char **field,
		  const struct cpuset *s)
{
	/* 9 bytes per 32-bit group ("%08x,") and the NUL */
	size_t len = (size_t)(cpuset_last(s) / 32 + 1) * 9 + 1;
	char *str = malloc(len);

	if (str && tune_mask_format(s, str, len) < 0) {
		free(str);
		str = NULL;
	}
	return item_take(it, field, str);
}

void item_group(struct tune_item *it, long id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(it->group, sizeof(it->group), fmt, ap);
	va_end(ap);
	it->gid = id;
}

void items_free(struct item_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct tune_item *it = &l->v[i];

		item_take(it, &it->want, (char *)no_value);
		item_take(it, &it->want_show, (char *)no_value);
		item_take(it, &it->actual, (char *)no_value);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
