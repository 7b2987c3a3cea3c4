// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

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

size_t text_escape_fit(char *dst, size_t len, const char *src, size_t n,
		       size_t cols)
{
	size_t need, k;

	if (!len)
		return 0;
	if (cols > len - 1)
		cols = len - 1;
	need = text_escape(dst, cols + 1, src, n);
	if (need <= cols)
		return need;
	if (!cols) {
		dst[0] = '\0';
		return 0;
	}
	/* at most cols - 1 bytes of whole escapes, then the mark */
	text_escape(dst, cols, src, n);
	k = strlen(dst);
	dst[k++] = TEXT_SHORT_MARK;
	dst[k] = '\0';
	return k;
}

/* A positive count from the environment, else 0. */
static unsigned int env_count(const char *name)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return 0;
	n = strtoul(v, &end, 10);
	return *end || n > 100000 ? 0 : (unsigned int)n;
}

void text_term_size(int fd, unsigned int *cols, unsigned int *rows)
{
	struct winsize ws = {};

	*cols = TEXT_COLS_DEFAULT;
	*rows = 0;
	if (!isatty(fd))
		return;
	if (!ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
		return;
	}
	if (env_count("COLUMNS"))
		*cols = env_count("COLUMNS");
	*rows = env_count("LINES");
}
