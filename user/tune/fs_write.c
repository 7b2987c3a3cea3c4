// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Tuning writes under --root: crash-safe replacement of a config file
 * (temp file, fsync, rename), kernel files written in place, created files
 * and their removal, fault injection for tests. Paths, opens and reads:
 * fs.c. */
#define _GNU_SOURCE
#include "tune.h"
#include "fs.h"
#include "values.h"
#include "log.h"
#include "testhook.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

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
