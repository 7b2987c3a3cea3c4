// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --listen's value (httpd.h): pure, in every build (the static one
 * refuses a valid value with a reason, httpd.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpd.h"

static int parse_port(const char *s, unsigned int *port, const char **why)
{
	char *end;
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s)) {
		*why = "the port is no number";
		return -EINVAL;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || v < 1 || v > 65535) {
		*why = "the port is not in 1-65535";
		return -EINVAL;
	}
	*port = (unsigned int)v;
	return 0;
}

int httpd_parse_listen(const char *spec, char *host, size_t len,
		       unsigned int *port, const char **why)
{
	const char *colon = strrchr(spec, ':'), *h = spec;
	size_t hl;

	*why = "expected [ADDR]:PORT or PORT";
	if (!colon) {
		snprintf(host, len, "127.0.0.1");
		return parse_port(spec, port, why);
	}
	hl = (size_t)(colon - spec);
	if (hl && spec[0] == '[') {
		if (spec[hl - 1] != ']' || hl < 3)
			return -EINVAL;
		h = spec + 1;
		hl -= 2;
	} else if (memchr(spec, ':', hl)) {
		*why = "an IPv6 address goes in brackets: [::1]:PORT";
		return -EINVAL;
	}
	if (hl >= len)
		return -EINVAL;
	if (!hl)
		snprintf(host, len, "127.0.0.1");
	else
		snprintf(host, len, "%.*s", (int)hl, h);
	return parse_port(colon + 1, port, why);
}
