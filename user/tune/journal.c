// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The journal: ROOT/var/lib/rtbpf/state, mode 0600, one line per change
 * made, written and fsynced before the change itself (the record format:
 * journal_fmt.c). A last line without its newline is a record torn by a
 * crash (its change was never made: the write only follows the fsync) or a
 * file cut short: refused unless revert --drop-torn, which drops it. Any
 * other damage, or a foreign header, is refused before anything is
 * touched. A second apply appends only paths not already recorded, so the
 * first originals survive, in the format of the file.
 *
 * revert writes what the journal says as root, so the journal is trusted
 * only when root alone can have written it: ROOT/var/lib/rtbpf must be a
 * directory (not a symlink) owned by the effective user and not writable by
 * group or others; the state and lock files in it regular files owned the
 * same way (opened O_NOFOLLOW | O_NONBLOCK, checked before and after open:
 * a FIFO never blocks, a device is never opened). Otherwise refused, with
 * the reason, nothing changed. ROOT/var/lib/rtbpf/lock is flock()ed for the
 * whole apply or revert.
 */
#define _GNU_SOURCE
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "fs.h"
#include "journal_int.h"
#include "log.h"

/* Parses the whole state file; sets *valid_len to the bytes kept. */
static int load(struct journal *j, int fd, off_t *valid_len)
{
	struct stat st;
	char *buf = NULL;
	size_t off = 0, valid = 0;
	int err = 0;

	if (fstat(fd, &st)) {
		err = -errno;
		goto cleanup;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + off, (size_t)st.st_size - off,
				  (off_t)off);
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			goto cleanup;
		}
		off += (size_t)n;
	}
	buf[off] = '\0';
	err = journal_parse(j, buf, off, &valid);
	*valid_len = (off_t)valid;
cleanup:
	free(buf);
	return err;
}

/* Only root (the effective user) may have written it. */
static int trusted(const struct tune_cfg *c, const char *what, const char *path,
		   const struct stat *st, bool dir)
{
	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		log_err("%s: %s %s is %s; refused, nothing changed", c->cmd,
			what, path, tune_type_name(st->st_mode));
		return -EPERM;
	}
	if (st->st_uid != geteuid()) {
		log_err("%s: %s %s is owned by uid %u, not by root (uid %u); "
			"refused, nothing changed",
			c->cmd, what, path, (unsigned int)st->st_uid,
			(unsigned int)geteuid());
		return -EPERM;
	}
	if (st->st_mode & 022) {
		log_err("%s: %s %s is writable by group or others (mode %04o); "
			"refused, nothing changed",
			c->cmd, what, path,
			(unsigned int)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* ROOT/var/lib/rtbpf (made when create), opened and checked: fd, -ENOENT
 * when absent and !create, or -errno with a message. */
static int open_dir(const struct tune_cfg *c, bool create, const char *path)
{
	static const char *const parents[][2] = { { "/", "var" },
						  { "/var", "lib" } };
	struct stat st;
	int fd = -1, dfd = -1, err = 0;

	for (size_t i = 0; create && i < 2 && !err; i++) {
		int pfd =
			tune_open(c, parents[i][0], O_RDONLY | O_DIRECTORY, 0);

		if (pfd < 0 ||
		    (mkdirat(pfd, parents[i][1], 0755) && errno != EEXIST))
			err = -errno;
		if (pfd >= 0)
			close(pfd);
	}
	if (!err) {
		fd = tune_open(c, "/var/lib", O_RDONLY | O_DIRECTORY, 0);
		if (fd < 0)
			err = -errno;
	}
	/* 0755: the state and lock files are 0600, but an unprivileged check
	 * reads the unmovable-IRQ list beside them. */
	if (!err && create && mkdirat(fd, "rtbpf", 0755) && errno != EEXIST)
		err = -errno;
	if (!err && fstatat(fd, "rtbpf", &st, AT_SYMLINK_NOFOLLOW))
		err = -errno;
	if (err) {
		if (err != -ENOENT || create)
			log_err("%s: state directory %s: %s", c->cmd, path,
				strerror(-err));
		goto cleanup;
	}
	err = trusted(c, "state directory", path, &st, true);
	if (err)
		goto cleanup;
	dfd = openat(fd, "rtbpf",
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st)) {
		err = -errno;
		log_err("%s: state directory %s: open: %s", c->cmd, path,
			strerror(-err));
		goto cleanup;
	}
	err = trusted(c, "state directory", path, &st, true);
cleanup:
	if (fd >= 0)
		close(fd);
	if (err && dfd >= 0)
		close(dfd);
	return err ? err : dfd;
}

/* NAME in the state directory: a regular file, checked before the open
 * (a device is never opened) and after it (the same inode). fd, -ENOENT
 * when absent and !create, or -errno with a message. */
static int open_file(const struct tune_cfg *c, int dfd, const char *name,
		     const char *what, const char *path, bool create)
{
	struct stat st;
	int fd, err;

	if (!fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (trusted(c, what, path, &st, false))
			return -EPERM;
	} else if (errno != ENOENT || !create) {
		err = -errno;
		if (err != -ENOENT)
			log_err("%s: %s %s: %s", c->cmd, what, path,
				strerror(-err));
		return err;
	}
	fd = openat(dfd, name,
		    O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
			    (create ? O_CREAT : 0),
		    0600);
	if (fd < 0) {
		err = -errno;
		log_err("%s: %s %s: open: %s; refused, nothing changed", c->cmd,
			what, path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (trusted(c, what, path, &st, false)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* The state directory opened and its lock taken: 0, 1 when it is absent
 * and !create (never applied), or -errno logged. */
static int open_locked(struct journal *j, const struct tune_cfg *c, bool create)
{
	char lock[PATH_MAX], dir[PATH_MAX];
	int fd;

	tune_path(c, TUNE_STATE_DIR, dir);
	tune_path(c, TUNE_LOCK_FILE, lock);
	fd = open_dir(c, create, dir);
	if (fd == -ENOENT && !create)
		return 1;
	if (fd < 0)
		return fd;
	j->dir_fd = fd;
	fd = open_file(c, j->dir_fd, "lock", "lock", lock, true);
	if (fd < 0)
		return fd;
	j->lock_fd = fd;
	if (flock(j->lock_fd, LOCK_EX | LOCK_NB)) {
		int err = errno == EWOULDBLOCK ? -EBUSY : -errno;

		log_err("%s: another rtbpf apply or revert holds %s; refused, "
			"nothing changed",
			c->cmd, lock);
		return err;
	}
	return 0;
}

/* A new state file gets the header of the current format. */
static int start_file(struct journal *j, const struct tune_cfg *c, int fd)
{
	char header[HEADER_LEN + 1];
	int err;

	snprintf(header, sizeof(header), HEADER_FMT, JOURNAL_VERSION);
	errno = 0;
	if (write(fd, header, HEADER_LEN) != HEADER_LEN || fsync(fd)) {
		err = errno ? -errno : -EIO;
		log_err("%s: state file %s: write: %s", c->cmd, j->path,
			strerror(-err));
		return err;
	}
	fsync(j->dir_fd);
	return 0;
}

/* Loads the state file of size bytes; its torn last record refused unless
 * --drop-torn. 0 or -errno logged. */
static int load_file(struct journal *j, const struct tune_cfg *c, int fd,
		     off_t size)
{
	off_t valid = 0;
	int err = load(j, fd, &valid);

	if (err)
		return err;
	/* A crash inside the append leaves a torn last record whose change
	 * was never made; a file cut short looks the same and has lost the
	 * records after it. Only the user can tell: refused unless --drop-torn. */
	if (valid != size && !c->drop_torn) {
		log_err("%s: state file %s ends inside a record: apply crashed "
			"while writing it (that change was never made) or the "
			"file was cut (the changes recorded after it are "
			"lost); nothing changed. 'rtbpf revert --drop-torn' drops "
			"that line and restores the rest",
			c->cmd, j->path);
		return -EBADMSG;
	}
	if (valid != size)
		log_warn("%s: state file %s: torn last record dropped "
			 "(--drop-torn)",
			 c->cmd, j->path);
	return 0;
}

int journal_open(struct journal *j, const struct tune_cfg *c, bool create)
{
	struct stat st;
	int err, fd = -1;

	memset(j, 0, sizeof(*j));
	j->lock_fd = j->fd = j->dir_fd = -1;
	j->version = JOURNAL_VERSION;
	tune_path(c, TUNE_STATE_FILE, j->path);
	err = open_locked(j, c, create);
	if (err == 1)
		return 0; /* never applied */
	if (err)
		goto cleanup;
	fd = open_file(c, j->dir_fd, "state", "state file", j->path, create);
	if (fd == -ENOENT && !create)
		return 0; /* nothing to revert: j->fd stays -1 */
	if (fd < 0) {
		err = fd;
		fd = -1;
		goto cleanup;
	}
	if (fstat(fd, &st))
		err = -errno;
	else if (st.st_size)
		err = load_file(j, c, fd, st.st_size);
	else if (create)
		err = start_file(j, c, fd);
	if (!err && lseek(fd, 0, SEEK_END) < 0)
		err = -errno;
	if (err)
		goto cleanup;
	j->fd = fd;
	return 0;
cleanup:
	if (fd >= 0)
		close(fd);
	journal_close(j);
	return err;
}

int journal_peek(struct journal *j, const struct tune_cfg *c)
{
	int fd, err;
	off_t valid;

	memset(j, 0, sizeof(*j));
	j->lock_fd = j->fd = j->dir_fd = -1;
	tune_path(c, TUNE_STATE_FILE, j->path);
	fd = tune_open_file(c, TUNE_STATE_FILE);
	if (fd < 0)
		return -errno;
	err = load(j, fd, &valid);
	close(fd);
	if (err)
		journal_close(j);
	return err;
}

/* Appends line (len bytes) and fsyncs; a short write is cut off again. */
static int append_line(struct journal *j, const char *line, ssize_t len)
{
	off_t end = lseek(j->fd, 0, SEEK_END);

	if (end < 0)
		return -errno;
	errno = 0;
	if (write(j->fd, line, (size_t)len) != len) {
		int err = errno ? -errno : -EIO;

		/* a short write (ENOSPC, EIO): its change is never made, so
		 * no torn record may stay for revert to refuse */
		if (ftruncate(j->fd, end) == 0)
			fsync(j->fd);
		return err;
	}
	return fsync(j->fd) ? -errno : 0;
}

int journal_record(struct journal *j, const struct jrec *in)
{
	const struct jrec *first = NULL;
	struct jrec r = { 0 };
	char *line = NULL;
	ssize_t len;
	int err;

	for (size_t i = 0; i < j->n && !first; i++)
		if (jrec_same_target(&j->r[i], in))
			first = &j->r[i];
	/* The first original stays; only the value written moves. */
	if (first && !strcmp(first->new_, in->new_))
		return 0;
	if (!first)
		first = in;
	/* jrec_parse refuses longer values: never write what revert
	 * would refuse to read */
	if (strlen(first->old) >= TUNE_VAL_MAX ||
	    strlen(first->restore) >= TUNE_VAL_MAX ||
	    strlen(in->new_) >= TUNE_VAL_MAX)
		return -E2BIG;
	r = *first;
	r.old = strdup(first->old);
	r.restore = strdup(first->restore);
	r.new_ = strdup(in->new_);
	len = jrec_format(j->version, first, in->new_, &line);
	if (!r.old || !r.restore || !r.new_ || len < 0) {
		err = len < 0 ? (int)len : -ENOMEM;
		goto cleanup;
	}
	err = append_line(j, line, len);
	if (!err)
		err = journal_remember(j, &r);
	if (!err)
		tune_fault_point("journal");
cleanup:
	jrec_fini(&r);
	free(line);
	return err;
}

int journal_remove(struct journal *j)
{
	if (j->fd < 0)
		return 0;
	/* The unmovable list and what apply ran with first: a crash in between leaves the journal,
	 * and the next revert finishes the job. */
	if (unlinkat(j->dir_fd, "unmovable", 0) && errno != ENOENT)
		return -errno;
	if (unlinkat(j->dir_fd, "applied", 0) && errno != ENOENT)
		return -errno;
	if (unlinkat(j->dir_fd, "state", 0) && errno != ENOENT)
		return -errno;
	fsync(j->dir_fd);
	return 0;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd); /* drops the flock */
	if (j->dir_fd >= 0)
		close(j->dir_fd);
	for (size_t i = 0; i < j->n; i++)
		jrec_fini(&j->r[i]);
	free(j->r);
	j->r = NULL;
	j->fd = j->lock_fd = j->dir_fd = -1;
	j->n = j->cap = 0;
}
