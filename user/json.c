// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "json.h"

#include <inttypes.h>
#include <math.h>

void json_init(struct json_w *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->first[0] = true;
	w->after_key = false;
	w->stamp = false;
}

void json_stamp_records(struct json_w *w)
{
	w->stamp = true;
}

size_t json_time_text(char *buf, size_t len, const struct timespec *ts)
{
	struct tm tm;
	size_t n;

	if (len < 25 || !gmtime_r(&ts->tv_sec, &tm))
		return 0;
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!n || n + 6 > len)
		return 0;
	return n + (size_t)snprintf(buf + n, len - n, ".%03ldZ",
				    ts->tv_nsec / 1000000);
}

/* The closing record's "time" (json_stamp_records). */
static void stamp(struct json_w *w)
{
	struct timespec ts;
	char t[32];

	if (clock_gettime(CLOCK_REALTIME, &ts) ||
	    !json_time_text(t, sizeof(t), &ts))
		return;
	json_kv_str(w, "time", t);
}

/* Separator before a value or key at the current level. */
static void sep(struct json_w *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
}

static void open(struct json_w *w, char c)
{
	sep(w);
	fputc(c, w->f);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void close(struct json_w *w, char c)
{
	if (c == '}' && w->depth == 1 && w->stamp)
		stamp(w);
	fputc(c, w->f);
	if (w->depth > 0)
		w->depth--;
}

void json_obj_begin(struct json_w *w)
{
	open(w, '{');
}

void json_obj_end(struct json_w *w)
{
	close(w, '}');
}

void json_arr_begin(struct json_w *w)
{
	open(w, '[');
}

void json_arr_end(struct json_w *w)
{
	close(w, ']');
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

static void write_escaped(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	fputc('"', f);
	while (i < n && s[i]) {
		unsigned char c = s[i];
		size_t len = 0;

		/* printable ASCII needs no escape: one fwrite per run (a CPU
		 * list of a big host is thousands of bytes) */
		while (i + len < n && s[i + len] >= 0x20 && s[i + len] < 0x7f &&
		       s[i + len] != '"' && s[i + len] != '\\')
			len++;
		if (len) {
			fwrite(s + i, 1, len, f);
			i += len;
			continue;
		}

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (c < 0x20 || c == 0x7F) {
				fprintf(f, "\\u%04x", c);
				break;
			}
			len = utf8_len(s + i, n - i);
			if (!len) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(s + i, 1, len, f);
			i += len;
			continue;
		}
		i++;
	}
	fputc('"', f);
}

void json_key(struct json_w *w, const char *key)
{
	sep(w);
	write_escaped(w->f, key, SIZE_MAX);
	fputc(':', w->f);
	w->after_key = true;
}

void json_str(struct json_w *w, const char *s)
{
	json_strn(w, s, SIZE_MAX);
}

void json_strn(struct json_w *w, const char *s, size_t len)
{
	sep(w);
	if (!s) {
		fputs("null", w->f);
		return;
	}
	write_escaped(w->f, s, len);
}

void json_u64(struct json_w *w, uint64_t v)
{
	sep(w);
	fprintf(w->f, "%" PRIu64, v);
}

void json_i64(struct json_w *w, int64_t v)
{
	sep(w);
	fprintf(w->f, "%" PRId64, v);
}

void json_double(struct json_w *w, double v)
{
	sep(w);
	if (!isfinite(v))
		fputs("null", w->f); /* JSON has no NaN or infinity */
	else
		fprintf(w->f, "%.17g", v);
}

void json_boolean(struct json_w *w, bool v)
{
	sep(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(struct json_w *w)
{
	sep(w);
	fputs("null", w->f);
}

void json_end_record(struct json_w *w)
{
	bool stamp = w->stamp;

	fputc('\n', w->f);
	fflush(w->f);
	json_init(w, w->f);
	w->stamp = stamp;
}

void json_kv_str(struct json_w *w, const char *k, const char *v)
{
	json_key(w, k);
	json_str(w, v);
}

void json_kv_u64(struct json_w *w, const char *k, uint64_t v)
{
	json_key(w, k);
	json_u64(w, v);
}

void json_kv_i64(struct json_w *w, const char *k, int64_t v)
{
	json_key(w, k);
	json_i64(w, v);
}

void json_kv_double(struct json_w *w, const char *k, double v)
{
	json_key(w, k);
	json_double(w, v);
}

void json_kv_bool(struct json_w *w, const char *k, bool v)
{
	json_key(w, k);
	json_boolean(w, v);
}
