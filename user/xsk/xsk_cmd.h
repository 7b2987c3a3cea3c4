/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* rtbpf xsk: shared option parsing and output of send and recv. */
#ifndef RTBPF_XSK_CMD_H
#define RTBPF_XSK_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <rtbpf/xsk.h>

#include "cli.h"
#include "clock.h"
#include "json.h"

extern volatile sig_atomic_t xsk_stop;

int xsk_install_signals(void);
/* "A.B.C.D" or "A.B.C.D:PORT" (port required when need_port). */
int xsk_parse_ipport(const char *s, uint32_t *ip, uint16_t *port,
		     bool need_port);
int xsk_parse_mac(const char *s, uint8_t mac[6]);

/* Choices of --mode and --attach; apply callbacks (cli.h) of --frames (a
 * power of two) and --ring (both rings) into a command struct whose
 * member o is the struct rtbpf_xsk_opts. */
extern const struct cli_choice xsk_modes[], xsk_attaches[];
int xsk_apply_pow2(const struct cli_opt *o, const char *arg,
		   const union cli_val *v, void *dst, char *err, size_t len);
int xsk_apply_ring(const struct cli_opt *o, const char *arg,
		   const union cli_val *v, void *dst, char *err, size_t len);
/* --dev: a name of 1 to IFNAMSIZ - 1 bytes. */
int xsk_apply_dev(const struct cli_opt *o, const char *arg,
		  const union cli_val *v, void *dst, char *err, size_t len);

/* The options send and recv share, for struct T with members o and json;
 * its --dev helps as dev_text. */
/* clang-format off */
#define XSK_COMMON_OPTS(T, dev_text)                                          \
	{ "dev", 'I', .arg = "IF", .help = (dev_text),                        \
	  CLI_STR_AT(T, o.ifname), .flags = CLI_REQUIRED,                     \
	  .apply = xsk_apply_dev },                                           \
	{ "queue", 'q', .arg = "Q", .help = "queue to bind (default 0)",      \
	  CLI_UINT_AT(T, o.queue, 0, 1023) },                                 \
	{ "mode", 'm', .arg = "MODE",                                         \
	  .help = "where the mode ladder starts (default auto)",              \
	  CLI_CHOICE_AT(T, o.mode, xsk_modes) },                              \
	{ "strict", 0, .help = "fail instead of falling back",                \
	  CLI_FLAG_AT(T, o.strict) },                                         \
	{ "frames", 0, .help = "UMEM frames, power of two (default 4096)",    \
	  CLI_UINT_AT(T, o.n_frames, 64, 1u << 20), .apply = xsk_apply_pow2 },\
	{ "ring", 0,                                                          \
	  .help = "entries of each ring, power of two (default 2048)",        \
	  CLI_UINT_AT(T, o.rx_size, 1, 1u << 16), .apply = xsk_apply_ring },  \
	{ "busy-poll", 0,                                                     \
	  .help = "SO_BUSY_POLL for LAT (whole microseconds, up to 1s)",      \
	  CLI_LATENCY_US_AT(T, o.busy_poll_us, 1000, 1000000000) },           \
	CLI_OPT_JSON(T, json)
/* clang-format on */

/* Logs a failed rtbpf_xsk__create (errno err > 0; an error record too
 * under --json) and returns its exit code. */
int xsk_create_failed(const char *cmd, int err, const char *why);
/* Opens the header record with the fields send and recv share; the
 * caller adds its own, then json_obj_end() and json_end_record(). */
void xsk_json_header_begin(struct json_w *w, const char *cmd,
			   const struct rtbpf_xsk_opts *o, struct rtbpf_xsk *x);
void xsk_print_stats(struct rtbpf_xsk *x, bool json, struct json_w *w);

int xsk_send_main(int argc, char **argv);
int xsk_recv_main(int argc, char **argv);

#endif
