// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The unmovable list, ROOT/var/lib/rtbpf/unmovable: the target paths whose
 * write the kernel refused with EIO at apply (managed or per-CPU IRQs), one
 * a line, world-readable so a later check, also an unprivileged one,
 * reports them as WARN (unmovable), not FAIL. Like the journal beside it,
 * the file is reached inside the root and believed only when root wrote
 * it. apply appends (unmovable_mark), the irq stage reads it, a complete
 * revert removes it (journal_remove).
 */
#define _GNU_SOURCE
#include "unmovable.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fs.h"
#include "log.h"

/* Bytes of the unmovable list read at most: a path a line, an IRQ each. */
#define UNMOVABLE_MAX (1 << 20)

/* Only root (or the effective user) may have written it, as the journal:
 * of the right type, not writable by group or others. 0 or -EPERM. */
static int unmovable_trusted(const struct stat *st, bool dir)
{
	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return -EPERM;
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return -EPERM;
	return st->st_mode & 022 ? -EPERM : 0;
}

/*
 * ROOT/var/lib/rtbpf/unmovable opened the way the journal opens the state
 * file: the directory resolved inside the root (tune_open), never through
 * a symlink of its own, and trusted; the file O_NOFOLLOW | O_NONBLOCK (a
 * FIFO never blocks) and trusted after the open. fd, or -errno (-EPERM:
 * untrusted, the reason logged).
 */
static int unmovable_open(const struct tune_cfg *c, int flags)
{
	char full[PATH_MAX];
	struct stat st;
	int dfd, fd = -1, err = 0;

	dfd = tune_open(c, TUNE_STATE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
			0);
	if (dfd < 0)
		return -errno;
	if (fstat(dfd, &st) || unmovable_trusted(&st, true)) {
		err = -EPERM;
		log_warn("%s: irq: state directory %s: not a directory owned "
			 "by root and closed to group and others; unmovable "
			 "list ignored",
			 c->cmd, tune_path(c, TUNE_STATE_DIR, full));
		goto cleanup;
	}
	fd = openat(dfd, "unmovable",
		    flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	if (fstat(fd, &st) || unmovable_trusted(&st, false)) {
		err = -EPERM;
		log_warn("%s: irq: %s is not a regular file owned by root and "
			 "closed to group and others; unmovable list ignored",
			 c->cmd, tune_path(c, TUNE_UNMOVABLE_FILE, full));
		goto cleanup;
	}
	if ((flags & O_CREAT) && fsync(dfd))
		err = -errno;
cleanup:
	if (err && fd >= 0)
		close(fd);
	close(dfd);
	return err ? err : fd;
}

/* The whole list from fd (heap, NUL-terminated), or NULL + errno (EFBIG
 * past UNMOVABLE_MAX). */
static char *unmovable_read(int fd)
{
	size_t off = 0, cap = 4096;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t n = pread(fd, buf + off, cap - 1 - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		off += (size_t)n;
		if (off + 1 == cap) {
			char *v = NULL;

			if (cap < UNMOVABLE_MAX)
				v = realloc(buf, cap * 2);
			else
				errno = EFBIG;
			if (!v)
				free(buf);
			buf = v;
			cap *= 2;
		}
	}
	if (buf)
		buf[off] = '\0';
	return buf;
}

/* The list, or NULL: missing, unreadable (an unprivileged check),
 * untrusted or too long all mean "none unmovable". */
char *unmovable_load(const struct tune_cfg *c)
{
	int fd = unmovable_open(c, O_RDONLY);
	char *list;

	if (fd < 0)
		return NULL;
	list = unmovable_read(fd);
	close(fd);
	return list;
}

/* whole lines: a piece of a long one must not match */
bool unmovable_listed(const char *list, const char *path)
{
	size_t n = strlen(path);

	for (const char *l = list; l && *l;) {
		const char *end = strchrnul(l, '\n');

		if ((size_t)(end - l) == n && !strncmp(l, path, n))
			return true;
		l = *end ? end + 1 : end;
	}
	return false;
}

int unmovable_mark(const struct tune_cfg *c, const char *path)
{
	char line[256], *list;
	int fd, err = 0;
	size_t n;

	fd = unmovable_open(c, O_RDWR | O_APPEND | O_CREAT);
	if (fd < 0)
		return fd;
	list = unmovable_read(fd);
	if (!list) {
		err = -errno;
		goto cleanup;
	}
	if (unmovable_listed(list, path))
		goto cleanup;
	n = (size_t)snprintf(line, sizeof(line), "%s\n", path);
	if (write(fd, line, n) != (ssize_t)n)
		err = errno ? -errno : -EIO;
	if (!err && fsync(fd))
		err = -errno;
cleanup:
	free(list);
	close(fd);
	return err;
}
