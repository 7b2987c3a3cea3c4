// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * irq stage: /proc/irq/default_smp_affinity and every /proc/irq/N/
 * smp_affinity to the housekeeping CPUs. Like tuned, a mask that already
 * spreads over some housekeeping CPUs keeps just those (a NIC's queue
 * pinning survives); one inside the housekeeping set is left alone. A write
 * refused with EIO (managed or per-CPU IRQ) is reported, not failed. The
 * check also reads effective_affinity_list: the kernel may keep delivering
 * on the old CPU until the next interrupt, or for good when unmovable.
 * apply lists the IRQs the kernel refused in ROOT/var/lib/rtbpf/unmovable
 * (world-readable) so a later check, also an unprivileged one, reports
 * them as WARN (unmovable), not FAIL. Like the journal beside it, the file
 * is reached inside the root and believed only when root wrote it.
 */
#define _GNU_SOURCE
#include "tune.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

static int cmp_irq(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

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
static char *unmovable_load(const struct tune_cfg *c)
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
static bool listed(const char *list, const char *path)
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

bool irq_unmovable(const struct tune_cfg *c, const char *path)
{
	char *list = unmovable_load(c);
	bool found = listed(list, path);

	free(list);
	return found;
}

int irq_mark_unmovable(const struct tune_cfg *c, const char *path)
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
	if (listed(list, path))
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

static int add_mask_item(const struct tune_cfg *c, struct item_list *l,
			 const char *name, const char *path, bool movable,
			 const char *unmovable)
{
	struct cpuset cur, keep = { 0 };
	char raw[TUNE_VAL_MAX];
	struct tune_item *it;

	it = items_add(l, "irq");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->path, sizeof(it->path), "%s", path);
	it->cmp = CMP_SUBSET;
	it->flags = movable ? IT_MOVABLE : 0;
	if (movable && listed(unmovable, path)) {
		it->flags |= IT_WARN_ONLY;
		snprintf(it->note, sizeof(it->note),
			 "unmovable (the kernel refused the write with EIO "
			 "at apply: managed or per-CPU)");
	}
	if (!tune_read(c, path, raw, sizeof(raw)) &&
	    !tune_mask_parse(raw, &cur)) {
		for (size_t w = 0; w < CPUSET_MAX / 64; w++)
			keep.bits[w] = cur.bits[w] & c->housekeeping.bits[w];
	}
	if (!cpuset_count(&keep))
		keep = c->housekeeping;
	item_set_mask(it, &it->want, &keep);
	return item_set_list(it, &it->want_show, &c->housekeeping);
}

/* Check-only: where the IRQ is delivered now. */
static int add_effective(const struct tune_cfg *c, struct item_list *l,
			 unsigned int irq)
{
	char path[160], raw[TUNE_VAL_MAX], err[64], list[TUNE_VAL_MAX];
	struct tune_item *it;
	struct cpuset eff;

	snprintf(path, sizeof(path), "/proc/irq/%u/effective_affinity_list",
		 irq);
	if (tune_read(c, path, raw, sizeof(raw)))
		return 0;
	it = items_add(l, "irq");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "irq %u effective", irq);
	snprintf(it->path, sizeof(it->path), "%s", path);
	item_set_list(it, &it->want_show, &c->housekeeping);
	it->cmp = CMP_NONE;
	it->flags = IT_CHECK_ONLY;
	tune_norm(raw, list, sizeof(list));
	item_setf(it, &it->actual, "%s", *list ? list : "(none)");
	if (*list && !parse_cpulist(list, &eff, err, sizeof(err)) &&
	    !cpuset_subset(&eff, &c->housekeeping)) {
		it->st = ST_WARN;
		snprintf(it->note, sizeof(it->note),
			 "still delivered on a latency CPU (moves at the next "
			 "interrupt unless unmovable)");
	} else {
		it->st = ST_OK;
	}
	return 0;
}

int irq_plan(const struct tune_cfg *c, struct item_list *l)
{
	unsigned int *irqs = NULL, n = 0, cap = 0;
	char *unmovable = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int err = 0;

	if (!tune_exists(c, "/proc/irq")) {
		log_warn("%s: irq: %s/proc/irq missing; stage skipped", c->cmd,
			 c->root);
		return 0;
	}
	err = add_mask_item(c, l, "default IRQ affinity",
			    "/proc/irq/default_smp_affinity", false, NULL);
	if (err)
		goto cleanup;
	d = tune_opendir(c, "/proc/irq");
	if (!d) {
		err = -errno;
		log_err("%s: irq: opendir %s/proc/irq: %s", c->cmd, c->root,
			strerror(-err));
		goto cleanup;
	}
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == cap) {
			unsigned int *v;

			cap = cap ? cap * 2 : 256;
			v = realloc(irqs, cap * sizeof(*v));
			if (!v) {
				err = -ENOMEM;
				goto cleanup;
			}
			irqs = v;
		}
		irqs[n++] = (unsigned int)strtoul(de->d_name, NULL, 10);
	}
	qsort(irqs, n, sizeof(*irqs), cmp_irq);
	unmovable = unmovable_load(c);
	for (unsigned int i = 0; i < n; i++) {
		char path[160], name[32];

		snprintf(path, sizeof(path), "/proc/irq/%u/smp_affinity",
			 irqs[i]);
		if (!tune_exists(c, path))
			continue;
		snprintf(name, sizeof(name), "irq %u", irqs[i]);
		err = add_mask_item(c, l, name, path, true, unmovable);
		if (!err)
			err = add_effective(c, l, irqs[i]);
		if (err)
			goto cleanup;
	}
cleanup:
	if (d)
		closedir(d);
	free(unmovable);
	free(irqs);
	return err;
}
