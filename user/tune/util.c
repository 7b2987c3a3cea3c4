// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Tuning helpers: --root paths, whole-file reads and writes, cpumask and
 * selection formats, shell quoting, fault injection for tests. */
#define _GNU_SOURCE
#include "tune.h"
#include "sysinfo.h"
#include "log.h"
#include "testhook.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

const char *tune_path(const struct tune_cfg *c, const char *path, char *buf)
{
	snprintf(buf, PATH_MAX, "%s%s", c->root, path);
	return buf;
}

/* Symlinks one resolution follows at most, as the kernel's MAXSYMLINKS. */
#define TUNE_MAXSYMLINKS 40

static void close_keep_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}

/* The canonical in-root directory cur ("" is the root itself) opened from
 * rfd one name at a time, following nothing: cur holds only names the walk
 * below opened as directories. fd or -1 + errno. */
static int open_dirs(int rfd, const char *cur)
{
	char name[NAME_MAX + 1];
	int fd = fcntl(rfd, F_DUPFD_CLOEXEC, 0), next;

	while (fd >= 0 && *cur) {
		size_t n = strcspn(cur, "/");

		snprintf(name, sizeof(name), "%.*s", (int)n, cur);
		next = openat(fd, name,
			      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close_keep_errno(fd);
		fd = next;
		cur += n + (cur[n] == '/');
	}
	return fd;
}

/*
 * Without openat2 (before 5.6, or a container's seccomp filter refusing it
 * with ENOSYS or EPERM): RESOLVE_IN_ROOT by hand, one name at a time from
 * the root. A symlink is read and its target walked in its place, an
 * absolute one from the root; ".." at the root stays there; at most 40
 * links (ELOOP), like the kernel. A magic link (/proc/PID/fd/N) is read as
 * the path it shows, so it stays in the root too. Every step opens with
 * O_NOFOLLOW: a symlink swapped in meanwhile fails (ELOOP, ENOTDIR), it
 * never leads out. The last name is followed unless flags has O_NOFOLLOW.
 */
static int open_walk(int rfd, const char *path, int flags, mode_t mode)
{
	char todo[PATH_MAX], link[PATH_MAX], cur[PATH_MAX] = "";
	char name[NAME_MAX + 1];
	const char *p = todo;
	int dfd, fd = -1, links = 0, err = 0;

	if (snprintf(todo, sizeof(todo), "%s", path) >= (int)sizeof(todo)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	dfd = open_dirs(rfd, cur);
	if (dfd < 0)
		return -1;
	for (;;) {
		size_t n, cl;
		const char *next;
		struct stat st;
		bool last;
		int nfd;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		next = p + n + strspn(p + n, "/");
		last = !*next;
		if (!n) {
			/* the directory reached itself ("", ".", "a/..") */
			fd = openat(dfd, ".", flags | O_NOFOLLOW, mode);
			err = fd < 0 ? -errno : 0;
			break;
		}
		if (n > NAME_MAX) {
			err = -ENAMETOOLONG;
			break;
		}
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (!strcmp(name, ".")) {
			p = next;
			continue;
		}
		if (!strcmp(name, "..")) {
			char *slash = strrchr(cur, '/');

			p = next;
			if (!*cur)
				continue; /* clamped at the root */
			*(slash ? slash : cur) = '\0';
			close(dfd);
			dfd = open_dirs(rfd, cur);
			if (dfd < 0) {
				err = -errno;
				break;
			}
			continue;
		}
		if ((!last || !(flags & O_NOFOLLOW)) &&
		    !fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISLNK(st.st_mode)) {
			ssize_t ln;

			if (++links > TUNE_MAXSYMLINKS) {
				err = -ELOOP;
				break;
			}
			ln = readlinkat(dfd, name, link, sizeof(link) - 1);
			if (ln < 0) {
				err = -errno;
				break;
			}
			link[ln] = '\0';
			/* the link's target, then what followed it */
			if ((size_t)ln + 1 + strlen(next) >= sizeof(todo)) {
				err = -ENAMETOOLONG;
				break;
			}
			memmove(todo + ln + 1, next, strlen(next) + 1);
			memcpy(todo, link, (size_t)ln);
			todo[ln] = '/';
			p = todo;
			if (link[0] == '/') {
				cur[0] = '\0';
				close(dfd);
				dfd = open_dirs(rfd, cur);
				if (dfd < 0) {
					err = -errno;
					break;
				}
			}
			continue;
		}
		if (last) {
			fd = openat(dfd, name, flags | O_NOFOLLOW, mode);
			err = fd < 0 ? -errno : 0;
			break;
		}
		nfd = openat(dfd, name,
			     O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		cl = strlen(cur);
		if (nfd >= 0 && cl + 1 + n >= sizeof(cur)) {
			close(nfd);
			errno = ENAMETOOLONG;
			nfd = -1;
		}
		if (nfd < 0) {
			err = -errno;
			break;
		}
		snprintf(cur + cl, sizeof(cur) - cl, "%s%s", cl ? "/" : "",
			 name);
		close(dfd);
		dfd = nfd;
		p = next;
	}
	if (dfd >= 0)
		close(dfd);
	if (err) {
		errno = -err;
		return -1;
	}
	return fd;
}

int tune_open(const struct tune_cfg *c, const char *path, int flags,
	      mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.mode = flags & O_CREAT ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int rfd, fd;

	if (!c->root[0])
		return open(path, flags | O_CLOEXEC, mode);
	rfd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -1;
	while (*path == '/')
		path++;
	fd = (int)syscall(SYS_openat2, rfd, *path ? path : ".", &how,
			  sizeof(how));
	/* ENOSYS before 5.6; EPERM or ENOSYS from a container's seccomp
	 * filter; EINVAL for a flag this kernel's openat2 does not know
	 * (open(2) ignores those). The walk resolves the same way. */
	if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == EINVAL))
		fd = open_walk(rfd, path, flags | O_CLOEXEC, mode);
	close_keep_errno(rfd);
	return fd;
}

int tune_open_file(const struct tune_cfg *c, const char *path)
{
	struct stat st;
	int fd, e;

	/* O_PATH first: a device is never opened (opening one may act, a
	 * watchdog's starts it), a FIFO never waited on */
	fd = tune_open(c, path, O_PATH, 0);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st)) {
		e = errno;
	} else if (S_ISREG(st.st_mode)) {
		char self[64];
		int rfd;

		/* reopened through the O_PATH fd: the very file checked, with
		 * no second walk of the path */
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		rfd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (rfd >= 0) {
			close(fd);
			return rfd;
		}
		e = errno;
	} else if (S_ISDIR(st.st_mode)) {
		e = EISDIR;
	} else {
		e = EINVAL;
		log_warn("%s: %s%s is not a regular file (%s): not read",
			 c->cmd, c->root, path, tune_type_name(st.st_mode));
	}
	close(fd);
	errno = e;
	return -1;
}

int tune_read(const struct tune_cfg *c, const char *path, char *buf, size_t len)
{
	size_t off = 0;
	int fd, err = 0;

	fd = tune_open_file(c, path);
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
	int fd;

	if (!c->root[0])
		return access(path, F_OK) == 0;
	fd = tune_open(c, path, O_PATH, 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int tune_read_cpulist(const struct tune_cfg *c, const char *path,
		      struct cpuset *out)
{
	FILE *f = tune_fopen(c, path);

	return f ? sysinfo_fread_cpulist(f, out) : -errno;
}

FILE *tune_fopen(const struct tune_cfg *c, const char *path)
{
	int fd = tune_open_file(c, path);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "re");
	if (!f)
		close_keep_errno(fd);
	return f;
}

DIR *tune_opendir(const struct tune_cfg *c, const char *path)
{
	int fd = tune_open(c, path, O_RDONLY | O_DIRECTORY, 0);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d)
		close_keep_errno(fd);
	return d;
}

static bool fd_is_kernel(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf))
		return false;
	return sf.f_type == PROC_SUPER_MAGIC || sf.f_type == SYSFS_MAGIC;
}

bool tune_is_kernel_file(const struct tune_cfg *c, const char *path)
{
	int fd = tune_open(c, path, O_PATH, 0);
	bool kernel;

	if (fd < 0)
		return false;
	kernel = fd_is_kernel(fd);
	close(fd);
	return kernel;
}

static bool fault_eio(const char *path)
{
	const char *list = test_getenv("RTBPF_FAULT_EIO");
	size_t n = strlen(path);

	while (list && *list) {
		const char *end = strchrnul(list, ',');

		if ((size_t)(end - list) == n && !strncmp(list, path, n))
			return true;
		list = *end ? end + 1 : end;
	}
	return false;
}

/* The directory of a target path, opened inside the root, and the name in
 * it; -errno. */
static int open_parent(const struct tune_cfg *c, const char *path,
		       const char **base)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash || !slash[1] || !strcmp(slash, "/.") ||
	    !strcmp(slash, "/.."))
		return -EINVAL;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = tune_open(c, *dir ? dir : "/", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return -errno;
	*base = slash + 1;
	return fd;
}

static int tmp_name(const char *base, char *out, size_t len)
{
	int n = snprintf(out, len, "." TUNE_TMP_FMT, base);

	return n < 0 || (size_t)n >= len || n > NAME_MAX ? -ENAMETOOLONG : 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A plain file gets its new content whole or not at all: the bytes go to
 * ".NAME.rtbpf-tmp" in the same directory (fsynced, with the mode and
 * owner of the file it replaces), which is then renamed over NAME (or, to
 * create, renamed with RENAME_NOREPLACE: -EEXIST when NAME exists), and
 * the directory is fsynced. A crash leaves NAME old or new, never cut; a
 * stale temp file is removed by the next write or by revert.
 */
static int replace_file(const struct tune_cfg *c, const char *path,
			const char *data, size_t len, const struct stat *old)
{
	char tmp[NAME_MAX + 1];
	const char *base;
	int dfd, fd = -1, err;

	dfd = open_parent(c, path, &base);
	if (dfd < 0)
		return dfd;
	err = tmp_name(base, tmp, sizeof(tmp));
	if (err)
		goto cleanup;
	if (unlinkat(dfd, tmp, 0) && errno != ENOENT) {
		err = -errno;
		goto cleanup;
	}
	fd = openat(dfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	err = write_all(fd, data, len / 2);
	tune_fault_point("partial");
	if (!err)
		err = write_all(fd, data + len / 2, len - len / 2);
	if (!err && old && fchown(fd, old->st_uid, old->st_gid))
		err = -errno;
	if (!err && fchmod(fd, old ? old->st_mode & 07777 : 0644))
		err = -errno;
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	fd = -1;
	if (err)
		goto cleanup;
	tune_fault_point("staged");
	if (old) {
		err = renameat(dfd, tmp, dfd, base) ? -errno : 0;
	} else {
		err = renameat2(dfd, tmp, dfd, base, RENAME_NOREPLACE) ?
			      -errno :
			      0;
		/* A file system without RENAME_NOREPLACE: link() never
		 * replaces either. */
		if (err == -EINVAL) {
			err = linkat(dfd, tmp, dfd, base, 0) ? -errno : 0;
			if (!err)
				unlinkat(dfd, tmp, 0);
		}
	}
	if (!err && fsync(dfd))
		err = -errno;
cleanup:
	if (fd >= 0)
		close(fd);
	if (err)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	return err;
}

int tune_write(const struct tune_cfg *c, const char *path, const char *val,
	       bool exact)
{
	char buf[TUNE_VAL_MAX + 2];
	size_t len = strlen(val);
	struct stat st;
	int fd, err = 0;

	if (fault_eio(path))
		return -EIO;
	fd = tune_open(c, path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A kernel file takes the value in one write(2), no O_TRUNC. */
	if (fd_is_kernel(fd)) {
		ssize_t n = write(fd, val, len);

		if (n < 0)
			err = -errno;
		else if ((size_t)n != len)
			err = -EIO;
		if (close(fd) && !err)
			err = -errno;
		return err;
	}
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL; /* never replace a FIFO, device or socket */
	close(fd);
	if (err)
		return err;
	/* A plain file gets the bytes as given, plus the newline a kernel
	 * file would show. */
	if (!exact) {
		snprintf(buf, sizeof(buf), "%s\n", val);
		val = buf;
		len = strlen(buf);
	}
	return replace_file(c, path, val, len, &st);
}

int tune_create(const struct tune_cfg *c, const char *path, const char *val)
{
	if (fault_eio(path))
		return -EIO;
	return replace_file(c, path, val, strlen(val), NULL);
}

int tune_unlink(const struct tune_cfg *c, const char *path)
{
	const char *base;
	int dfd = open_parent(c, path, &base), err = 0;

	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, base, 0) || fsync(dfd))
		err = -errno;
	close(dfd);
	return err;
}

int tune_tmp_remove(const struct tune_cfg *c, const char *path)
{
	char tmp[NAME_MAX + 1];
	struct stat st;
	const char *base;
	int dfd = open_parent(c, path, &base), err;

	if (dfd < 0)
		return dfd == -ENOENT || dfd == -ENOTDIR ? 0 : dfd;
	err = tmp_name(base, tmp, sizeof(tmp));
	if (!err && !fstatat(dfd, tmp, &st, AT_SYMLINK_NOFOLLOW)) {
		char full[PATH_MAX], q[2 * PATH_MAX];

		int n = snprintf(full, sizeof(full), "%s%.*s/%s", c->root,
				 (int)(base - 1 - path), path, tmp);

		if (n > 0 && (size_t)n < sizeof(full) &&
		    !tune_shell_quote(full, q, sizeof(q)))
			printf("+ rm -f %s\n", q);
		fflush(stdout);
		err = unlinkat(dfd, tmp, 0) || fsync(dfd) ? -errno : 1;
	} else if (!err && errno != ENOENT) {
		err = -errno;
	}
	close(dfd);
	return err;
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
	size_t n = strlen(s), digits = 0;
	unsigned int bit = 0;

	/* Read in place from the last digit: no copy that could cut it. */
	cpuset_zero(out);
	while (isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n--) {
		char ch = s[n];
		int v;

		if (ch == ',')
			continue;
		if (!isxdigit((unsigned char)ch))
			return -EINVAL;
		v = isdigit((unsigned char)ch) ?
			    ch - '0' :
			    tolower((unsigned char)ch) - 'a' + 10;
		for (int b = 0; b < 4; b++, bit++) {
			if (!(v >> b & 1))
				continue;
			if (bit >= CPUSET_MAX)
				return -ERANGE;
			cpuset_add(out, bit);
		}
		digits++;
		if (bit >= CPUSET_MAX + 4)
			bit = CPUSET_MAX + 4; /* leading zeros: no overflow */
	}
	return digits ? 0 : -EINVAL;
}

int tune_mask_format(const struct cpuset *s, char *buf, size_t len)
{
	int top = cpuset_last(s);
	size_t off = 0;

	if (!len)
		return -ERANGE;
	/* Like the kernel: comma-separated 32-bit groups, the first without
	 * leading zeros. */
	buf[0] = '\0';
	for (int g = top < 0 ? 0 : top / 32; g >= 0; g--) {
		uint32_t w = (uint32_t)(s->bits[g / 2] >> (g % 2 * 32));
		int n = snprintf(buf + off, len - off, off ? ",%08x" : "%x", w);

		if (n < 0 || (size_t)n >= len - off) {
			buf[0] = '\0'; /* never a mask cut short */
			return -ERANGE;
		}
		off += (size_t)n;
	}
	return (int)off;
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

/* Counters of the fault points inside a file write (replace_file). */
static unsigned int partial_n, staged_n;

void tune_fault_point(const char *what)
{
	static unsigned int journal_n, write_n;
	const char *f = test_getenv("RTBPF_FAULT");
	unsigned int *cnt;
	size_t wl = strlen(what);

	if (!f || strncmp(f, what, wl) || f[wl] != ':')
		return;
	cnt = !strcmp(what, "journal") ? &journal_n :
	      !strcmp(what, "write")   ? &write_n :
	      !strcmp(what, "partial") ? &partial_n :
					 &staged_n;
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
		item_setf(it, &it->actual, "(absent)");
	} else if (err) {
		it->st = err == -EACCES ? ST_WARN : ST_FAIL;
		item_setf(it, &it->actual, "?");
		snprintf(it->note, sizeof(it->note), "read: %s",
			 strerror(-err));
		it->flags |= IT_CHECK_ONLY;
	} else {
		it->st = strcmp(cur, it->want) ? ST_FAIL : ST_OK;
		item_setf(it, &it->actual, "%s",
			  it->st == ST_OK ? it->want_show : "differs");
	}
}
