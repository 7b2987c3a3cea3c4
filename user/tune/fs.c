// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Tuning helpers: --root paths, opens that stay inside the root, whole-file
 * and CPU-list reads. Writes: fs_write.c. */
#define _GNU_SOURCE
#include "tune.h"
#include "fs.h"
#include "values.h"
#include "sysinfo.h"
#include "log.h"
#include "testhook.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/stat.h>
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
/* One resolution: the rest of the path (todo, from p), the directory
 * reached (cur, relative to the root; dfd open on it). */
struct walk {
	int rfd, dfd, links;
	const char *p;
	char todo[PATH_MAX], cur[PATH_MAX];
};

/* dfd reopened at cur (after ".." or an absolute link); 0 or -errno. */
static int walk_reopen(struct walk *w)
{
	close(w->dfd);
	w->dfd = open_dirs(w->rfd, w->cur);
	return w->dfd < 0 ? -errno : 0;
}

/* ".." of cur, clamped at the root. */
static int walk_up(struct walk *w)
{
	char *slash = strrchr(w->cur, '/');

	if (!*w->cur)
		return 0;
	*(slash ? slash : w->cur) = '\0';
	return walk_reopen(w);
}

/* name, a symlink in dfd: its target, then what followed it (next), is
 * what is left to walk; an absolute one restarts at the root. */
static int walk_link(struct walk *w, const char *name, const char *next)
{
	char link[PATH_MAX];
	ssize_t ln;

	if (++w->links > TUNE_MAXSYMLINKS)
		return -ELOOP;
	ln = readlinkat(w->dfd, name, link, sizeof(link) - 1);
	if (ln < 0)
		return -errno;
	link[ln] = '\0';
	if ((size_t)ln + 1 + strlen(next) >= sizeof(w->todo))
		return -ENAMETOOLONG;
	memmove(w->todo + ln + 1, next, strlen(next) + 1);
	memcpy(w->todo, link, (size_t)ln);
	w->todo[ln] = '/';
	w->p = w->todo;
	if (link[0] != '/')
		return 0;
	w->cur[0] = '\0';
	return walk_reopen(w);
}

/* Into the directory name (n bytes), never through a link. */
static int walk_into(struct walk *w, const char *name, size_t n)
{
	int nfd = openat(w->dfd, name,
			 O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	size_t cl = strlen(w->cur);

	if (nfd >= 0 && cl + 1 + n >= sizeof(w->cur)) {
		close(nfd);
		return -ENAMETOOLONG;
	}
	if (nfd < 0)
		return -errno;
	snprintf(w->cur + cl, sizeof(w->cur) - cl, "%s%s", cl ? "/" : "", name);
	close(w->dfd);
	w->dfd = nfd;
	return 0;
}

/* One component of the walk: 1 when the walk goes on, 0 with *fd the file
 * opened, or -errno. */
static int walk_step(struct walk *w, int flags, mode_t mode, int *fd)
{
	char name[NAME_MAX + 1];
	const char *next;
	struct stat st;
	size_t n;
	bool last;

	w->p += strspn(w->p, "/");
	n = strcspn(w->p, "/");
	next = w->p + n + strspn(w->p + n, "/");
	last = !*next;
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	/* "" is the directory reached itself ("", ".", "a/..") */
	snprintf(name, sizeof(name), "%.*s", n ? (int)n : 1, n ? w->p : ".");
	if (n && (!strcmp(name, ".") || !strcmp(name, ".."))) {
		w->p = next;
		return strcmp(name, "..") ? 1 : walk_up(w) ?: 1;
	}
	if (n && (!last || !(flags & O_NOFOLLOW)) &&
	    !fstatat(w->dfd, name, &st, AT_SYMLINK_NOFOLLOW) &&
	    S_ISLNK(st.st_mode))
		return walk_link(w, name, next) ?: 1;
	if (!n || last) {
		*fd = openat(w->dfd, name, flags | O_NOFOLLOW, mode);
		return *fd < 0 ? -errno : 0;
	}
	w->p = next;
	return walk_into(w, name, n) ?: 1;
}

static int open_walk(int rfd, const char *path, int flags, mode_t mode)
{
	struct walk w = { .rfd = rfd, .cur = "" };
	int fd = -1, ret;

	if (snprintf(w.todo, sizeof(w.todo), "%s", path) >=
	    (int)sizeof(w.todo)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	w.p = w.todo;
	w.dfd = open_dirs(rfd, w.cur);
	if (w.dfd < 0)
		return -1;
	do
		ret = walk_step(&w, flags, mode, &fd);
	while (ret == 1);
	if (w.dfd >= 0)
		close(w.dfd);
	if (ret < 0) {
		errno = -ret;
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
