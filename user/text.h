/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Text another user controls (thread and IRQ names, interface names, file
 * contents) made fit for a terminal: every byte below 0x20 or from 0x7f
 * becomes "\xNN" and a backslash "\\", so no escape sequence, bell or
 * newline reaches the screen and the escaped form reads back unambiguously.
 * Text renderers use this one function; JSON keeps the raw value (its
 * writer escapes). No allocation except text_escape_dup().
 */
#ifndef RTBPF_TEXT_H
#define RTBPF_TEXT_H

#include <stddef.h>

/* Room for the escape of n bytes, its NUL included: never cut. */
#define TEXT_ESC_SIZE(n) (4 * (n) + 1)

/*
 * Escapes at most n bytes of src, up to its first NUL, into dst (len > 0:
 * always NUL-terminated; a long result is cut between whole escapes).
 * Returns the length the whole escape needs, like snprintf, so
 * "ret >= len" means it was cut.
 */
size_t text_escape(char *dst, size_t len, const char *src, size_t n);
/* The escape of the string s on the heap; NULL + errno (ENOMEM). */
char *text_escape_dup(const char *s);

/* What text_escape_fit() appends to a shortened escape: ASCII, so it fits
 * any terminal. */
#define TEXT_SHORT_MARK '~'
/*
 * The escape of src (as text_escape()) in at most cols columns: whole when
 * it fits, else shortened between whole escapes and marked with a final
 * TEXT_SHORT_MARK, so a reader sees the name was cut. dst gets at most
 * len - 1 bytes. Returns the length written.
 */
size_t text_escape_fit(char *dst, size_t len, const char *src, size_t n,
		       size_t cols);

/* Text output's width when nothing else is known. */
#define TEXT_COLS_DEFAULT 80
/*
 * The size of the terminal fd writes to: TIOCGWINSZ; for a terminal that
 * does not say, $COLUMNS and $LINES; TEXT_COLS_DEFAULT columns and 0 rows
 * (unknown) when fd is no terminal. One ioctl(); no allocation.
 */
void text_term_size(int fd, unsigned int *cols, unsigned int *rows);

#endif
