// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Tuning helpers: --root paths, whole-file reads and writes, cpumask and
 * selection formats, shell quoting, fault injection for tests. */
#define _GNU_SOURCE
#include "tune.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/statfs.h>

const char *tune_path(const struct tune_cfg *c, const char *path, char *buf)
{
	snprintf(buf, PATH_MAX, "%s%s", c->root, path);
	return buf;
}

int tune_read(const struct tune_cfg *c, const char *path, char *buf, size_t len)
{
	char full[PATH_MAX];
	size_t off = 0;
	int fd, err = 0;

	fd = open(tune_path(c, path, full), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off + 1 < len) {
		ssize_t n = read(fd, buf + off, len - 1 - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (!n)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	if (!err && off + 1 >= len) {
		char extra;

		if (read(fd, &extra, 1) > 0)
			err = -EFBIG; /* never act on a truncated value */
	}
	close(fd);
	return err;
}

bool tune_exists(const struct tune_cfg *c, const char *path)
{
	char full[PATH_MAX];

	return access(tune_path(c, path, full), F_OK) == 0;
}

bool tune_is_kernel_file(const struct tune_cfg *c, const char *path)
{
	char full[PATH_MAX];
	struct statfs sf;

	if (statfs(tune_path(c, path, full), &sf))
		return false;
	return sf.f_type == PROC_SUPER_MAGIC || sf.f_type == SYSFS_MAGIC;
}

static bool fault_eio(const char *path)
{
	const char *list = getenv("RTBPF_FAULT_EIO");
	size_t n = strlen(path);

	while (list && *list) {
		const char *end = strchrnul(list, ',');

		if ((size_t)(end - list) == n && !strncmp(list, path, n))
			return true;
		list = *end ? end + 1 : end;
	}
	return false;
}

int tune_write(const struct tune_cfg *c, const char *path, const char *val,
	       bool exact)
{
	char full[PATH_MAX];
	bool kernel = tune_is_kernel_file(c, path);
	size_t len = strlen(val);
	int fd, err = 0;
	ssize_t n;

	if (fault_eio(path))
		return -EIO;
	fd = open(tune_path(c, path, full),
		  O_WRONLY | O_CLOEXEC | (kernel ? 0 : O_TRUNC));
	if (fd < 0)
		return -errno;
	/* A kernel file takes the value in one write; a plain file gets the
	 * bytes as given, plus the newline a kernel file would show. */
	if (!exact && !kernel) {
		char buf[TUNE_VAL_MAX + 2];

		snprintf(buf, sizeof(buf), "%s\n", val);
		val = buf;
		len = strlen(buf);
		n = write(fd, val, len);
	} else {
		n = write(fd, val, len);
	}
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (!err && !kernel && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int tune_create(const struct tune_cfg *c, const char *path, const char *val)
{
	char full[PATH_MAX];
	size_t len = strlen(val);
	int fd, err = 0;

	if (fault_eio(path))
		return -EIO;
	fd = open(tune_path(c, path, full),
		  O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != (ssize_t)len)
		err = errno ? -errno : -EIO;
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int tune_unlink(const struct tune_cfg *c, const char *path)
{
	char full[PATH_MAX];

	return unlink(tune_path(c, path, full)) ? -errno : 0;
}

void tune_norm(const char *in, char *out, size_t len)
{
	size_t o = 0;
	bool blank = false;

	if (!len)
		return;
	while (*in && isspace((unsigned char)*in))
		in++;
	for (; *in && o + 1 < len; in++) {
		if (isspace((unsigned char)*in)) {
			blank = true;
			continue;
		}
		if (blank && o + 2 < len)
			out[o++] = ' ';
		blank = false;
		out[o++] = *in;
	}
	out[o] = '\0';
}

void tune_selected(const char *in, char *out, size_t len)
{
	const char *a = strchr(in, '['), *b = a ? strchr(a, ']') : NULL;

	if (a && b) {
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
		return;
	}
	tune_norm(in, out, len);
}

int tune_mask_parse(const char *s, struct cpuset *out)
{
	char norm[TUNE_VAL_MAX];
	unsigned int bit = 0;
	size_t n;

	tune_norm(s, norm, sizeof(norm));
	n = strlen(norm);
	cpuset_zero(out);
	if (!n)
		return -EINVAL;
	while (n--) {
		char ch = norm[n];
		int v;

		if (ch == ',')
			continue;
		if (!isxdigit((unsigned char)ch))
			return -EINVAL;
		v = isdigit((unsigned char)ch) ?
			    ch - '0' :
			    tolower((unsigned char)ch) - 'a' + 10;
		for (int b = 0; b < 4; b++, bit++)
			if (v >> b & 1)
				cpuset_add(out, bit);
	}
	return 0;
}

void tune_mask_format(const struct cpuset *s, char *buf, size_t len)
{
	int top = -1;
	size_t off = 0;

	for (int c = 0; c < CPUSET_MAX; c++)
		if (cpuset_has(s, (unsigned int)c))
			top = c;
	/* Like the kernel: comma-separated 32-bit groups, the first without
	 * leading zeros. */
	buf[0] = '\0';
	for (int g = top < 0 ? 0 : top / 32; g >= 0 && off < len; g--) {
		uint32_t w = (uint32_t)(s->bits[g / 2] >> (g % 2 * 32));
		int n = snprintf(buf + off, len - off, off ? ",%08x" : "%x", w);

		if (n < 0)
			return;
		off += (size_t)n;
	}
}

/* A byte a terminal would act on; '\n' stays raw inside quotes (multi-line
 * config files are shown as they are). */
static bool shell_unsafe(unsigned char b)
{
	return (b < 0x20 && b != '\n') || b >= 0x7f;
}

/* Appends s (n bytes) to out at *o when it fits, else marks the overflow. */
static void put_s(char *out, size_t len, size_t *o, const char *s, size_t n)
{
	if (*o + n < len)
		memcpy(out + *o, s, n);
	*o += n;
}

int tune_shell_quote(const char *in, char *out, size_t len)
{
	size_t o = 0, n = strlen(in), body = n;
	bool unsafe = false;

	if (!len)
		return -ENOSPC;
	if (*in && strspn(in, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
			      "TUVWXYZ0123456789_./,:@+-=") == n) {
		put_s(out, len, &o, in, n);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		unsafe |= shell_unsafe((unsigned char)in[i]);
	if (!unsafe) {
		put_s(out, len, &o, "'", 1);
		for (size_t i = 0; i < n; i++) {
			if (in[i] == '\'')
				put_s(out, len, &o, "'\\''", 4);
			else
				put_s(out, len, &o, in + i, 1);
		}
		put_s(out, len, &o, "'", 1);
		goto done;
	}
	/*
	 * Control bytes go through printf's octal escapes, so the command
	 * prints no raw escape sequence yet writes the exact bytes. $(...)
	 * drops trailing newlines: those follow in quotes of their own.
	 */
	while (body && in[body - 1] == '\n')
		body--;
	put_s(out, len, &o, "\"$(printf '", 11);
	for (size_t i = 0; i < body; i++) {
		unsigned char b = (unsigned char)in[i];
		char esc[8];

		if (b == '\'') {
			put_s(out, len, &o, "'\\''", 4);
		} else if (b == '\\' || b == '%') {
			esc[0] = b == '%' ? '%' : '\\';
			esc[1] = (char)b;
			put_s(out, len, &o, esc, 2);
		} else if (b == '\n' || shell_unsafe(b) || (!i && b == '-')) {
			/* and a leading '-', which printf would take for an
			 * option */
			snprintf(esc, sizeof(esc), "\\%03o", b);
			put_s(out, len, &o, esc, 4);
		} else {
			put_s(out, len, &o, in + i, 1);
		}
	}
	put_s(out, len, &o, "')\"", 3);
	if (body < n) {
		put_s(out, len, &o, "'", 1);
		put_s(out, len, &o, in + body, n - body);
		put_s(out, len, &o, "'", 1);
	}
done:
	if (o < len) {
		out[o] = '\0';
		return 0;
	}
	/* never a cut command that would write something else */
	snprintf(out, len, "'(value too long to show)'");
	return -ENOSPC;
}

void tune_fault_point(const char *what)
{
	static unsigned int journal_n, write_n;
	const char *f = getenv("RTBPF_FAULT");
	unsigned int *cnt;
	size_t wl = strlen(what);

	if (!f || strncmp(f, what, wl) || f[wl] != ':')
		return;
	cnt = !strcmp(what, "journal") ? &journal_n : &write_n;
	if (++*cnt == (unsigned int)strtoul(f + wl + 1, NULL, 10)) {
		fprintf(stderr, "rtbpf: RTBPF_FAULT=%s: killing myself\n", f);
		raise(SIGKILL);
	}
}

void config_file_state(const struct tune_cfg *c, struct tune_item *it)
{
	char cur[TUNE_VAL_MAX];
	int err = tune_read(c, it->path, cur, sizeof(cur));

	if (err == -ENOENT) {
		it->st = ST_FAIL;
		snprintf(it->actual, sizeof(it->actual), "(absent)");
	} else if (err) {
		it->st = err == -EACCES ? ST_WARN : ST_FAIL;
		snprintf(it->actual, sizeof(it->actual), "?");
		snprintf(it->note, sizeof(it->note), "read: %s",
			 strerror(-err));
		it->flags |= IT_CHECK_ONLY;
	} else {
		it->st = strcmp(cur, it->want) ? ST_FAIL : ST_OK;
		snprintf(it->actual, sizeof(it->actual), "%s",
			 it->st == ST_OK ? it->want_show : "differs");
	}
}
