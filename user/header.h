/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The parts every NDJSON header record of rtbpf shares. */
#ifndef RTBPF_HEADER_H
#define RTBPF_HEADER_H

#include "json.h"
#include "parse.h"
#include "sysinfo.h"

/* "key": [cpu, ...] */
void json_cpuset(struct json_w *w, const char *key, const struct cpuset *s);

/*
 * Opens a header record: {"type":"header","schema":N,["command":C,]
 * "rtbpf":..., "libbpf":"MAJOR.MINOR", "kernel":..., "isolated":[...].
 * The caller adds its own fields, then json_obj_end() and
 * json_end_record(). command may be NULL.
 */
void json_header_begin(struct json_w *w, unsigned int schema,
		       const char *command, const struct host_info *hi);

#endif
