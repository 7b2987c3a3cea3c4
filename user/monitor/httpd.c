// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The exporter's HTTP server on libmicrohttpd (httpd.h); compiled out of
 * the static binary (RTBPF_NO_HTTPD). */
#define _GNU_SOURCE
#include "httpd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#ifdef RTBPF_NO_HTTPD

int httpd_bind(const char *cmd, const char *spec, int *fd)
{
	char host[256];
	unsigned int port;
	const char *why;

	(void)fd;
	if (httpd_parse_listen(spec, host, sizeof(host), &port, &why)) {
		log_err("%s: --listen: '%s': %s", cmd, spec, why);
		return -EINVAL;
	}
	log_err("%s: --listen %s: this static rtbpf has no HTTP server "
		"(libmicrohttpd needs gnutls, which links no static library): "
		"use the packaged build for --listen, or --textfile here",
		cmd, spec);
	return -ENOTSUP;
}

struct httpd *httpd__start(const char *cmd, int fd, struct expo *e)
{
	(void)cmd, (void)e;
	close(fd);
	errno = ENOTSUP;
	return NULL;
}

void httpd__free(struct httpd *h)
{
	(void)h;
}

#else

#include <netdb.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "clock.h"
#include "expo.h"

struct httpd {
	struct MHD_Daemon *d;
};

/* A listening socket on the first address of host that binds. */
static int bind_any(const char *cmd, const char *spec,
		    const struct addrinfo *ai)
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
	log_err("%s: --listen %s: %s%s", cmd, spec, strerror(-err),
		err == -EADDRINUSE ? " (another program listens there)" : "");
	return err;
}

int httpd_bind(const char *cmd, const char *spec, int *fd)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	char host[256], port_s[8];
	const char *why;
	unsigned int port;
	int ret;

	if (httpd_parse_listen(spec, host, sizeof(host), &port, &why)) {
		log_err("%s: --listen: '%s': %s", cmd, spec, why);
		return -EINVAL;
	}
	snprintf(port_s, sizeof(port_s), "%u", port);
	ret = getaddrinfo(host, port_s, &hints, &ai);
	if (ret) {
		log_err("%s: --listen %s: address '%s': %s", cmd, spec, host,
			gai_strerror(ret));
		return -EINVAL;
	}
	ret = bind_any(cmd, spec, ai);
	freeaddrinfo(ai);
	if (ret < 0)
		return -EINVAL;
	*fd = ret;
	return 0;
}

static const char TEXT_TYPE[] = "text/plain; version=0.0.4; charset=utf-8";
static const char OM_TYPE[] =
	"application/openmetrics-text; version=1.0.0; charset=utf-8";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *msg)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve(struct expo *e, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	bool om = accept && strstr(accept, "application/openmetrics-text");
	uint64_t t0 = now_ns();
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = 0;
	char *page = expo_copy(e, om, &len);

	if (!page)
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE,
			     errno == ENOENT ? "no figures yet\n" :
					       "out of memory\n");
	r = MHD_create_response_from_buffer(len, page, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(page);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				om ? OM_TYPE : TEXT_TYPE);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	expo_count_scrape(e, now_ns() - t0);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	(void)version, (void)upload, (void)upload_size, (void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			     "only GET and HEAD\n");
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "only /metrics\n");
	return serve(cls, c);
}

/* libmicrohttpd's own messages, through our logger (-v). */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_info("%s: http: %s", (const char *)cls, buf);
}

struct httpd *httpd__start(const char *cmd, int fd, struct expo *e)
{
	struct httpd *h = calloc(1, sizeof(*h));

	if (!h) {
		close(fd);
		return NULL;
	}
	h->d = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		on_request, e, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTPD_MAX_CONNS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)HTTPD_MAX_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)HTTPD_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, (void *)cmd,
		MHD_OPTION_END);
	if (!h->d) {
		log_err("%s: --listen: start the HTTP server failed", cmd);
		close(fd);
		free(h);
		errno = EIO;
		return NULL;
	}
	return h;
}

void httpd__free(struct httpd *h)
{
	if (!h)
		return;
	/* stops the thread, closes the listening socket */
	MHD_stop_daemon(h->d);
	free(h);
}

#endif
