// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --listen: parse the value and bind its socket (httpd.h). In every build:
 * the static one refuses the option with a reason (httpd.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpd.h"
#include "log.h"

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

/* A listening socket on the first address of host that binds. */
static int bind_any(const char *spec, const struct addrinfo *ai)
{
	int err = -EADDRNOTAVAIL;

	for (; ai; ai = ai->ai_next) {
		int one = 1;
		int fd = socket(ai->ai_family,
				ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
				ai->ai_protocol);

		if (fd < 0) {
			err = -errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 64))
			return fd;
		err = -errno;
		close(fd);
	}
	log_err("monitor: --listen %s: %s%s", spec, strerror(-err),
		err == -EADDRINUSE ? " (another program listens there)" : "");
	return err;
}

int httpd_bind(const char *spec, int *fd)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	char host[256], port_s[8];
	const char *why;
	unsigned int port;
	int ret;

	if (httpd_parse_listen(spec, host, sizeof(host), &port, &why)) {
		log_err("monitor: --listen: '%s': %s", spec, why);
		return -EINVAL;
	}
	ret = httpd_check_built(spec);
	if (ret)
		return ret;
	snprintf(port_s, sizeof(port_s), "%u", port);
	ret = getaddrinfo(host, port_s, &hints, &ai);
	if (ret) {
		log_err("monitor: --listen %s: address '%s': %s", spec, host,
			gai_strerror(ret));
		return -EINVAL;
	}
	ret = bind_any(spec, ai);
	freeaddrinfo(ai);
	if (ret < 0)
		return -EINVAL;
	*fd = ret;
	return 0;
}
