/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Messages on stderr, prefixed "rtbpf: ", one line each: control bytes and
 * backslashes in the formatted text are escaped (text.h); verbosity set by
 * -v/-vv. */
#ifndef RTBPF_LOG_H
#define RTBPF_LOG_H

#include <stdarg.h>
#include <stdbool.h>

extern int log_verbosity; /* 0 default, 1 -v, 2 -vv */

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called with every log_err() message as formatted (before escaping, no
 * "rtbpf: " prefix), after it is on stderr; NULL for none. The --json
 * contract (header.h) writes it as an error record. */
void log_set_err_hook(void (*hook)(const char *msg));

/* For a worker thread, this thread only: hook false sends its log_err()
 * messages to stderr alone (the hook's writer belongs to the main thread,
 * the monitor's --json stream); quiet true drops its warnings and errors
 * too (a periodic check failing again the same way). */
void log_thread_set(bool hook, bool quiet);

/* Route libbpf's own messages through us: shown only at -vv. */
void log_setup_libbpf(void);

/* A hint for an errno from a BPF load/attach, or "" when none is known;
 * reads the kernel's lockdown mode (/sys/kernel/security/lockdown). */
const char *log_bpf_hint(int err);
/* The same for a given lockdown file's text ("none [integrity] ..."; ""
 * or NULL: no lockdown). */
const char *log_bpf_hint_in(int err, const char *lockdown);

#endif
