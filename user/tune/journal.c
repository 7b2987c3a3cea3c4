// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The journal: ROOT/var/lib/rtbpf/state, mode 0600, one line per change
 * made, written and fsynced before the change itself:
 *
 *   rtbpf-state 1
 *   <fnv1a32> <kind> <stage> =<path> =<old> =<restore> =<new>
 *
 * Fields are percent-escaped (space, '%', control and non-ASCII bytes).
 * <kind> is F (file), S (a thread's policy), A (a thread's affinity), N (a
 * NIC's channel counts) or C (a file rtbpf created; revert removes it).
 * <old> is the exact previous content, <restore> what a kernel file takes
 * to get it back, <new> what rtbpf wrote. A last line without its newline
 * is a record torn by a crash; its change was never made (the write only
 * follows the fsync), so it is dropped. Any other damage, or a foreign
 * header, is refused before anything is touched. A second apply appends
 * only paths not already recorded, so the first originals survive.
 * ROOT/var/lib/rtbpf/lock is flock()ed for the whole apply or revert.
 */
#define _GNU_SOURCE
#include "tune.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "log.h"

#define HEADER "rtbpf-state 1\n"

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static void esc(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 4 < len; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch <= ' ' || ch >= 0x7f || ch == '%')
			o += (size_t)snprintf(out + o, len - o, "%%%02X", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
}

static int unesc(const char *in, size_t n, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		if (o + 1 >= len)
			return -EOVERFLOW;
		if (in[i] != '%') {
			out[o++] = in[i];
			continue;
		}
		if (i + 2 >= n || sscanf(in + i + 1, "%2X", &v) != 1 || !v)
			return -EBADMSG;
		out[o++] = (char)v;
		i += 2;
	}
	out[o] = '\0';
	return 0;
}

static int parse_line(char *line, struct jrec *r)
{
	char *f[7], *save = NULL, *tok;
	unsigned long h;
	char *end;
	int n = 0;

	tok = strtok_r(line, " ", &save);
	if (!tok)
		return -EBADMSG;
	h = strtoul(tok, &end, 16);
	if (*end || end - tok != 8 || h != fnv1a(save ? save : ""))
		return -EBADMSG;
	while (n < 7 && (tok = strtok_r(NULL, " ", &save)))
		f[n++] = tok;
	if (n != 6 || strtok_r(NULL, " ", &save))
		return -EBADMSG;
	memset(r, 0, sizeof(*r));
	if (strlen(f[0]) != 1 || !strchr("FSACN", f[0][0]) ||
	    strlen(f[1]) >= sizeof(r->stage))
		return -EBADMSG;
	r->kind = f[0][0];
	snprintf(r->stage, sizeof(r->stage), "%s", f[1]);
	for (int i = 2; i < 6; i++)
		if (f[i][0] != '=')
			return -EBADMSG;
	if (unesc(f[2] + 1, strlen(f[2] + 1), r->path, sizeof(r->path)) ||
	    unesc(f[3] + 1, strlen(f[3] + 1), r->old, sizeof(r->old)) ||
	    unesc(f[4] + 1, strlen(f[4] + 1), r->restore, sizeof(r->restore)) ||
	    unesc(f[5] + 1, strlen(f[5] + 1), r->new_, sizeof(r->new_)) ||
	    (r->kind != 'S' ?
		     r->path[0] != '/' :
		     strncmp(r->path, "tid:", 4) || atoi(r->path + 4) <= 0))
		return -EBADMSG;
	return 0;
}

static int push(struct journal *j, const struct jrec *r)
{
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;
		struct jrec *v = realloc(j->r, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		j->r = v;
		j->cap = cap;
	}
	j->r[j->n++] = *r;
	return 0;
}

/* A path seen before keeps its first original; only what rtbpf wrote last
 * is updated (apply ultra, then low-latency). */
static int remember(struct journal *j, const struct jrec *r)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->r[i].kind == r->kind && !strcmp(j->r[i].path, r->path)) {
			memcpy(j->r[i].new_, r->new_, sizeof(r->new_));
			return 0;
		}
	return push(j, r);
}

/* Parses the whole state file; sets *valid_len to the bytes kept. */
static int load(struct journal *j, int fd, off_t *valid_len)
{
	struct stat st;
	char *buf = NULL, *line;
	size_t off = 0;
	int err = 0, lineno = 1;

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
	if (strncmp(buf, HEADER, strlen(HEADER))) {
		log_err("state file %s is not an rtbpf state file (expected "
			"first line '%.*s'); nothing changed",
			j->path, (int)strlen(HEADER) - 1, HEADER);
		err = -EBADMSG;
		goto cleanup;
	}
	line = buf + strlen(HEADER);
	*valid_len = (off_t)(line - buf);
	while (*line) {
		char *nl = strchr(line, '\n');
		struct jrec r;

		lineno++;
		if (!nl) {
			log_warn("state file %s: line %d is a torn record (no "
				 "newline): its change was never made; dropped",
				 j->path, lineno);
			break;
		}
		*nl = '\0';
		if (parse_line(line, &r)) {
			log_err("state file %s: line %d is corrupt; nothing "
				"changed (fix or move the file by hand)",
				j->path, lineno);
			err = -EBADMSG;
			goto cleanup;
		}
		err = remember(j, &r);
		if (err)
			goto cleanup;
		line = nl + 1;
		*valid_len = (off_t)(line - buf);
	}
cleanup:
	free(buf);
	return err;
}

static int mkdirs(const struct tune_cfg *c)
{
	char p[PATH_MAX];

	tune_path(c, "/var", p);
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	tune_path(c, "/var/lib", p);
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	tune_path(c, TUNE_STATE_DIR, p);
	/* 0755: the state and lock files are 0600, but an unprivileged check
	 * reads the unmovable-IRQ list beside them. */
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int fsync_dir(const char *path)
{
	char dir[PATH_MAX], *slash;
	int fd, err = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

int journal_open(struct journal *j, const struct tune_cfg *c, bool create)
{
	char lock[PATH_MAX];
	off_t valid = 0;
	struct stat st;
	int err = 0, fd = -1;

	memset(j, 0, sizeof(*j));
	j->lock_fd = -1;
	j->fd = -1;
	tune_path(c, TUNE_STATE_FILE, j->path);
	if (create) {
		err = mkdirs(c);
		if (err) {
			log_err("%s: state directory %s%s: mkdir: %s", c->cmd,
				c->root, TUNE_STATE_DIR, strerror(-err));
			goto cleanup;
		}
	}
	tune_path(c, TUNE_LOCK_FILE, lock);
	j->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (j->lock_fd < 0) {
		err = -errno;
		if (err == -ENOENT && !create) /* never applied */
			return 0;
		log_err("%s: lock %s: open: %s", c->cmd, lock, strerror(-err));
		goto cleanup;
	}
	if (flock(j->lock_fd, LOCK_EX | LOCK_NB)) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		log_err("%s: another rtbpf apply or revert holds %s; refused, "
			"nothing changed",
			c->cmd, lock);
		goto cleanup;
	}
	fd = open(j->path,
		  (create ? O_RDWR | O_CREAT : O_RDWR) | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT && !create)
			return 0;
		log_err("%s: state file %s: open: %s", c->cmd, j->path,
			strerror(-err));
		goto cleanup;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		goto cleanup;
	}
	if (st.st_size == 0) {
		if (!create)
			goto done;
		if (write(fd, HEADER, strlen(HEADER)) !=
			    (ssize_t)strlen(HEADER) ||
		    fsync(fd)) {
			err = errno ? -errno : -EIO;
			log_err("%s: state file %s: write: %s", c->cmd, j->path,
				strerror(-err));
			goto cleanup;
		}
		fsync_dir(j->path);
		goto done;
	}
	err = load(j, fd, &valid);
	if (err)
		goto cleanup;
	if (create && valid != st.st_size && ftruncate(fd, valid)) {
		err = -errno;
		log_err("%s: state file %s: dropping torn record: %s", c->cmd,
			j->path, strerror(-err));
		goto cleanup;
	}
done:
	if (lseek(fd, 0, SEEK_END) < 0) {
		err = -errno;
		goto cleanup;
	}
	j->fd = fd;
	return 0;
cleanup:
	if (fd >= 0)
		close(fd);
	journal_close(j);
	return err;
}

const struct jrec *journal_find(const struct journal *j, char kind,
				const char *path)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->r[i].kind == kind && !strcmp(j->r[i].path, path))
			return &j->r[i];
	return NULL;
}

int journal_record(struct journal *j, const struct jrec *in)
{
	char body[4 * 4 * TUNE_VAL_MAX + 512], line[sizeof(body) + 16];
	char p[3 * sizeof(in->path)], o[3 * TUNE_VAL_MAX], s[3 * TUNE_VAL_MAX],
		w[3 * TUNE_VAL_MAX];
	const struct jrec *first = journal_find(j, in->kind, in->path);
	struct jrec r = *in;
	size_t len;
	int err;

	if (first) {
		/* The first original stays; only the value written moves. */
		if (!strcmp(first->new_, in->new_))
			return 0;
		r = *first;
		memcpy(r.new_, in->new_, sizeof(r.new_));
	}
	esc(r.path, p, sizeof(p));
	esc(r.old, o, sizeof(o));
	esc(r.restore, s, sizeof(s));
	esc(r.new_, w, sizeof(w));
	snprintf(body, sizeof(body), "%c %s =%s =%s =%s =%s", r.kind, r.stage,
		 p, o, s, w);
	snprintf(line, sizeof(line), "%08x %s\n", fnv1a(body), body);
	len = strlen(line);
	if (write(j->fd, line, len) != (ssize_t)len)
		return errno ? -errno : -EIO;
	if (fsync(j->fd))
		return -errno;
	err = remember(j, &r);
	if (err)
		return err;
	tune_fault_point("journal");
	return 0;
}

int journal_remove(struct journal *j)
{
	char unmov[PATH_MAX], *slash;

	if (j->fd < 0)
		return 0;
	/* The unmovable list first: a crash in between leaves the journal,
	 * and the next revert finishes the job. */
	snprintf(unmov, sizeof(unmov), "%s", j->path);
	slash = strrchr(unmov, '/');
	if (slash &&
	    (size_t)(slash - unmov) + sizeof("/unmovable") <= sizeof(unmov)) {
		strcpy(slash, "/unmovable");
		if (unlink(unmov) && errno != ENOENT)
			return -errno;
	}
	if (unlink(j->path) && errno != ENOENT)
		return -errno;
	fsync_dir(j->path);
	return 0;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd); /* drops the flock */
	free(j->r);
	j->r = NULL;
	j->fd = j->lock_fd = -1;
	j->n = j->cap = 0;
}
