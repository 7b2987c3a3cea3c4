/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Background: the exporter's HTTP side, libmicrohttpd (no hand-written
 * HTTP server). httpd_bind() parses --listen and binds its socket while
 * the command still starts (a bad value exits 2 before any BPF program
 * loads); httpd__start() serves it from one internal thread, started
 * (expo_cmd.c) from a thread that dropped its capabilities but
 * CAP_IPC_LOCK (privs.h: they are per thread), after the monitor
 * dropped all of its own: the server thread never holds more.
 *
 * Served: GET or HEAD /metrics only (another method: 405, another path:
 * 404), a copy of the exporter's last page (expo.h), text format 0.0.4
 * or, when the Accept header names application/openmetrics-text,
 * OpenMetrics 1.0. Bounded: HTTPD_MAX_CONNS connections,
 * HTTPD_MAX_PER_IP from one address, HTTPD_TIMEOUT_S idle seconds, the
 * page at most EXPO_MAX_PAGE; a slow client costs the server a socket,
 * never the command's loop.
 *
 * Built without libmicrohttpd (RTBPF_NO_HTTPD: the static binary),
 * httpd_bind() refuses --listen, naming the packaged build.
 */
#ifndef RTBPF_MONITOR_HTTPD_H
#define RTBPF_MONITOR_HTTPD_H

#include <stddef.h>

struct expo;
struct httpd;

#define HTTPD_MAX_CONNS 64
#define HTTPD_MAX_PER_IP 16
#define HTTPD_TIMEOUT_S 5

/*
 * cmd: the command, in messages ("monitor"; a static string: the server
 * keeps it). spec: "PORT", ":PORT", "ADDR:PORT" or "[ADDR6]:PORT" (ADDR a name or a
 * numeric address; none: 127.0.0.1). Binds and listens; *fd gets the
 * socket. 0, or -errno after a message naming --listen (-EINVAL for a
 * value refused, -ENOTSUP without libmicrohttpd).
 */
int httpd_bind(const char *cmd, const char *spec, int *fd);

/* Parses spec into host (len bytes) and port; 0 or -EINVAL with the
 * reason in why (pure: unit tests). */
int httpd_parse_listen(const char *spec, char *host, size_t len,
		       unsigned int *port, const char **why);

/* Serves e on fd (taken over). NULL + errno (logged). */
struct httpd *httpd__start(const char *cmd, int fd, struct expo *e);
/* Stops the server thread, closes its socket. NULL is fine. */
void httpd__free(struct httpd *h);

#endif
