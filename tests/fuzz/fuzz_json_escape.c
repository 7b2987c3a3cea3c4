// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer harness: the JSON writer's string escaping (user/json.c) on any
 * bytes, as a key, a string and a length-bounded string (json_strn). The
 * record must be one line that json-c parses, strictly, back to the bytes
 * written: the input up to its first NUL (json_strn: and its bound), where
 * each valid UTF-8 sequence stays as it is and each byte that does not
 * start one becomes U+FFFD. Validity is judged by glibc's UTF-8 decoder
 * (mbrtowc in C.UTF-8, capped at U+10FFFF), not by the code under test.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <json-c/json.h>
#include "user/json.h"
#include "tests/fuzz/fuzz.h"

#define MAX_IN 4096
/* Escaping grows a byte to at most 6 ("\u00XX"); three copies plus keys. */
#define OUT_CAP (3 * 6 * MAX_IN + 256)

static char out[OUT_CAP];
static FILE *f;
static struct json_tokener *tok;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "fuzz_json_escape: no C.UTF-8 locale\n");
		exit(1);
	}
	f = fmemopen(out, sizeof(out), "w");
	tok = json_tokener_new();
	if (!f || !tok)
		exit(1);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	return 0;
}

/* What the writer should emit for n bytes of s: stops at a NUL. */
FUZZ_NOCOV static size_t expect(const unsigned char *s, size_t n, char *e)
{
	size_t o = 0;

	for (size_t i = 0; i < n && s[i];) {
		mbstate_t st;
		size_t len;
		wchar_t wc;

		memset(&st, 0, sizeof(st));
		len = mbrtowc(&wc, (const char *)s + i, n - i, &st);
		/* a NUL inside a sequence cannot happen: NUL is never a
		 * continuation byte, so len counts only non-NUL bytes */
		/* glibc also decodes the old 4- to 6-byte forms past
		 * U+10FFFF, which RFC 3629 made invalid */
		if (len == (size_t)-1 || len == (size_t)-2 || len == 0 ||
		    (uint32_t)wc > 0x10FFFF) {
			memcpy(e + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(e + o, s + i, len);
		o += len;
		i += len;
	}
	e[o] = '\0';
	return o;
}

/* No raw control byte or DEL. */
FUZZ_NOCOV static bool one_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return false;
	return true;
}

static void same(struct json_object *obj, const char *key, const char *want,
		 size_t want_len)
{
	struct json_object *v;

	FUZZ_ASSERT(json_object_object_get_ex(obj, key, &v));
	FUZZ_ASSERT(json_object_is_type(v, json_type_string));
	FUZZ_ASSERT((size_t)json_object_get_string_len(v) == want_len);
	FUZZ_ASSERT(!memcmp(json_object_get_string(v), want, want_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char want[3 * MAX_IN + 1], want_n[3 * MAX_IN + 1];
	struct json_object *obj, *key;
	struct json_w w;
	size_t bound, n, wl, wnl;
	char *s;
	long end;

	if (size > MAX_IN)
		return 0;
	s = fuzz_strdup(data, size);
	if (!s)
		return 0;
	/* json_strn's bound: the first byte, so that it also cuts sequences */
	bound = size ? data[0] % (size + 1) : 0;

	rewind(f);
	json_init(&w, f);
	json_obj_begin(&w);
	json_kv_str(&w, "s", s);
	json_key(&w, "n");
	json_strn(&w, s, bound);
	json_key(&w, s); /* the input as a key too */
	json_u64(&w, 1);
	json_obj_end(&w);
	fflush(f);
	end = ftell(f);
	FUZZ_ASSERT(end > 0 && (size_t)end < sizeof(out));
	n = (size_t)end;
	FUZZ_ASSERT(one_line(out, n));

	json_tokener_reset(tok);
	obj = json_tokener_parse_ex(tok, out, (int)n);
	FUZZ_ASSERT(json_tokener_get_error(tok) == json_tokener_success);
	FUZZ_ASSERT(obj && json_object_is_type(obj, json_type_object));
	FUZZ_ASSERT(json_tokener_get_parse_end(tok) == n);

	wl = expect((const unsigned char *)s, size, want);
	wnl = expect((const unsigned char *)s, bound, want_n);
	/* the third key is the input itself; equal to "s" or "n", it
	 * replaces that member (json-c keeps the last) */
	if (strcmp(want, "s"))
		same(obj, "s", want, wl);
	if (strcmp(want, "n"))
		same(obj, "n", want_n, wnl);
	FUZZ_ASSERT(json_object_object_length(obj) ==
		    (!strcmp(want, "s") || !strcmp(want, "n") ? 2 : 3));
	FUZZ_ASSERT(json_object_object_get_ex(obj, want, &key));
	FUZZ_ASSERT(json_object_is_type(key, json_type_int));
	json_object_put(obj);
	free(s);
	return 0;
}
