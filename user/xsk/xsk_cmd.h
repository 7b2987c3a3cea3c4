/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf xsk: shared option parsing and output of send and recv. */
#ifndef RTBPF_XSK_CMD_H
#define RTBPF_XSK_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <rtbpf/xsk.h>

#include "clock.h"
#include "json.h"

extern volatile sig_atomic_t xsk_stop;

int xsk_install_signals(void);
/* "A.B.C.D" or "A.B.C.D:PORT" (port required when need_port). */
int xsk_parse_ipport(const char *s, uint32_t *ip, uint16_t *port,
		     bool need_port);
int xsk_parse_mac(const char *s, uint8_t mac[6]);
int xsk_parse_mode(const char *s, enum rtbpf_xsk_mode *m);
int xsk_parse_attach(const char *s, enum rtbpf_xsk_attach *a);

/* Long-only options both send and recv take. */
enum {
	XSK_OPT_STRICT = 256,
	XSK_OPT_BUSY,
	XSK_OPT_FRAMES,
	XSK_OPT_RING,
	XSK_OPT_FIRST_OWN, /* a command's own long options start here */
};

/* Handles -d, -q, -m, --strict, --busy-poll, --frames and --ring into o.
 * Returns true when opt was one of them; a bad value leaves a message in
 * err. */
bool xsk_common_opt(int opt, const char *arg, struct rtbpf_xsk_opts *o,
		    char *err, size_t errlen);
/* Logs a failed rtbpf_xsk__create (errno err > 0; an error record too
 * under --json) and returns its exit code. */
int xsk_create_failed(const char *cmd, int err, const char *why);
void xsk_json_header(struct json_w *w, const char *cmd,
		     const struct rtbpf_xsk_opts *o, struct rtbpf_xsk *x);
void xsk_print_stats(struct rtbpf_xsk *x, bool json, struct json_w *w);

int xsk_send_main(int argc, char **argv);
int xsk_recv_main(int argc, char **argv);

#endif
