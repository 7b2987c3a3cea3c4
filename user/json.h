/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Streaming JSON writer for NDJSON records: commas, nesting and string
 * escaping are handled here (control characters as \u00XX, invalid UTF-8
 * replaced by U+FFFD), so no caller builds JSON by hand. Writes to a FILE;
 * no allocation; not thread-safe.
 */
#ifndef RTBPF_JSON_H
#define RTBPF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define JSON_MAX_DEPTH 32

struct json_w {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* no value written yet at this level */
	bool after_key;
	bool stamp; /* json_stamp_records() */
};

void json_init(struct json_w *w, FILE *f);
void json_obj_begin(struct json_w *w);
void json_obj_end(struct json_w *w);
void json_arr_begin(struct json_w *w);
void json_arr_end(struct json_w *w);
void json_key(struct json_w *w, const char *key);
void json_str(struct json_w *w, const char *s);
/* At most len bytes of s, stopping at a NUL (for fixed-size comm fields). */
void json_strn(struct json_w *w, const char *s, size_t len);
void json_u64(struct json_w *w, uint64_t v);
void json_i64(struct json_w *w, int64_t v);
void json_double(struct json_w *w, double v);
void json_boolean(struct json_w *w, bool v);
void json_null(struct json_w *w);
/* Ends the record: newline and flush. */
void json_end_record(struct json_w *w);
/*
 * From now on every record (top-level object) w writes ends with
 * "time": the wall clock (CLOCK_REALTIME) when the record is closed, as
 * RFC 3339 UTC with milliseconds ("2026-12-05T18:34:15.123Z"), so each
 * line of a stream stands on its own in a log shipper. The NDJSON header
 * (header.h) turns it on: every stream with a header has it.
 */
void json_stamp_records(struct json_w *w);
/* ts (CLOCK_REALTIME) as "time" writes it into buf (at least 25 bytes);
 * its length, 0 when the time cannot be shown. */
size_t json_time_text(char *buf, size_t len, const struct timespec *ts);

/* Key and value in one call. */
void json_kv_str(struct json_w *w, const char *k, const char *v);
void json_kv_u64(struct json_w *w, const char *k, uint64_t v);
void json_kv_i64(struct json_w *w, const char *k, int64_t v);
void json_kv_double(struct json_w *w, const char *k, double v);
void json_kv_bool(struct json_w *w, const char *k, bool v);

#endif
