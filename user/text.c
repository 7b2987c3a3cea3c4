// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool plain_byte(unsigned char b)
{
	return b >= 0x20 && b < 0x7f && b != '\\';
}

size_t text_escape(char *dst, size_t len, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t need = 0, o = 0;
	bool cut = false;

	for (size_t i = 0; i < n && src[i]; i++) {
		unsigned char b = (unsigned char)src[i];
		char esc[4];
		size_t el;

		if (plain_byte(b)) {
			esc[0] = (char)b;
			el = 1;
		} else if (b == '\\') {
			esc[0] = esc[1] = '\\';
			el = 2;
		} else {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[b >> 4];
			esc[3] = hex[b & 0xf];
			el = 4;
		}
		/* the whole escape or nothing: never a dangling "\x1" */
		if (!cut && o + el < len) {
			memcpy(dst + o, esc, el);
			o += el;
		} else {
			cut = true;
		}
		need += el;
	}
	if (len)
		dst[o] = '\0';
	return need;
}

char *text_escape_dup(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(TEXT_ESC_SIZE(n));

	if (out)
		text_escape(out, TEXT_ESC_SIZE(n), s, n);
	return out;
}
