/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The NDJSON contract every rtbpf command with --json keeps (docs/json.md):
 * the first line on stdout is a header record, opened by
 * json_header_begin(); every error is also an error record,
 * {"type":"error","command":C,"message":M}, written by the log_err() hook
 * json_out_init() installs. One stream per process; not thread-safe.
 */
#ifndef RTBPF_HEADER_H
#define RTBPF_HEADER_H

#include <stdio.h>

#include "json.h"
#include "parse.h"
#include "sysinfo.h"

/* "key": [cpu, ...], ascending: the one form of a CPU list in our JSON. */
void json_cpuset(struct json_w *w, const char *key, const struct cpuset *s);

/*
 * The schema version of a command's records ("monitor", "check", "status",
 * "xsk send", "xsk recv", "bench e2e"), 0 for a command without --json.
 * One table in header.c; docs/json.md keeps the history.
 */
unsigned int json_schema(const char *command);

/*
 * Called by main() with the command's argv (argv[0] is the command): when
 * it has --json (or -j) and the command writes NDJSON, every later
 * log_err() also writes an error record to f, after a header with the
 * common fields only when the command has written none yet.
 */
void json_out_init(FILE *f, int argc, char **argv);

/*
 * Opens a header record: {"type":"header","command":C,"schema":N,
 * "rtbpf":..., "libbpf":"MAJOR.MINOR", "kernel":..., "host":...,
 * "isolated":[...]. The caller adds its own fields, then json_obj_end()
 * and json_end_record(). Marks the stream's header as written; from it on
 * every record of w ends with "time" (json_stamp_records()).
 */
void json_header_begin(struct json_w *w, const char *command,
		       const struct host_info *hi);

/* Writes an error record now (the hook's body); a no-op without --json. */
void json_out_error(const char *msg);

/*
 * Called by main() with the command's exit code: a failure (1, 2 or 4)
 * under --json that wrote no error record writes one naming the code, so
 * a reader always finds why the stream ended.
 */
void json_out_exit(int rc);

#endif
