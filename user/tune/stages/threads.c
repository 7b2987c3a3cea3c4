// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * threads stage: every movable thread and kthread whose allowed CPUs touch
 * the latency CPUs is moved to the housekeeping CPUs (like the irq stage, a
 * mask spread over some housekeeping CPUs keeps just those). Skipped:
 * threads with PF_NO_SETAFFINITY (field 9 of /proc/PID/task/TID/stat: the
 * kernel refuses to move them) and kthreads allowed on a single CPU
 * (per-CPU: kworker/N, ksoftirqd/N, migration/N); both are counted in the
 * check. Every thread of the --pid processes is left to the process stage.
 *
 * The item of a thread is its affinity as a CPU list, target path
 * "/proc/PID/task/TID/affinity", journal kind 'A':
 *  - on the host (no --root), read from Cpus_allowed_list of that task's
 *    status file (no privileges needed) and written with
 *    sched_setaffinity(TID) (root or CAP_SYS_NICE);
 *  - under --root (tests), ROOT/proc/PID/task/TID/affinity is a plain file
 *    the fixture creates beside stat and status, read and written like any
 *    other knob. This is the test seam: a fake tree can hold no task, and a
 *    test must never move a real thread.
 * New threads inherit their creator's mask; threads started after apply on
 * a latency CPU show up in the next check.
 */
#define _GNU_SOURCE
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"
#include "tune/kind.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "affinity.h"
#include "log.h"
#include "procstat.h"

#define PF_KTHREAD 0x00200000UL
#define PF_NO_SETAFFINITY 0x04000000UL

/* comm and flags from a stat line: "TID (comm) S ppid ... flags ...". */
static int parse_stat(const char *stat, char *comm, size_t len,
		      unsigned long *flags)
{
	const char *open = strchr(stat, '('), *close = strrchr(stat, ')');
	const char *p;
	char *end;

	if (!open || !close || close < open)
		return -EBADMSG;
	snprintf(comm, len, "%.*s", (int)(close - open - 1), open + 1);
	/* After ") ": field 3 (state) ... field 9 (flags). */
	p = close + 1;
	for (int field = 3; field <= 9; field++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return -EBADMSG;
		if (field == 9)
			break;
		p += strcspn(p, " ");
	}
	*flags = strtoul(p, &end, 10);
	return end == p ? -EBADMSG : 0;
}

static bool excluded(const struct tune_cfg *c, pid_t pid)
{
	for (int i = 0; i < c->npids; i++)
		if (c->pids[i] == pid)
			return true;
	return false;
}

struct counts {
	unsigned int off, percpu, nomove, excluded, gone;
};

static int plan_task(const struct tune_cfg *c, struct item_list *l, pid_t pid,
		     pid_t tid, struct counts *n)
{
	char base[96], path[128], stat[TUNE_VAL_MAX], comm[64];
	char cur[TUNE_VAL_MAX];
	char err[64];
	struct cpuset allowed, want;
	struct tune_item *it;
	unsigned long flags;
	bool kthread, on_latency;
	int ret;

	snprintf(base, sizeof(base), "/proc/%d/task/%d", pid, tid);
	snprintf(path, sizeof(path), "%s/stat", base);
	if (tune_read(c, path, stat, sizeof(stat)) ||
	    parse_stat(stat, comm, sizeof(comm), &flags)) {
		n->gone++; /* exited while we looked */
		return 0;
	}
	kthread = flags & PF_KTHREAD;
	if (flags & PF_NO_SETAFFINITY) {
		n->nomove++;
		return 0;
	}
	snprintf(path, sizeof(path), "%s/affinity", base);
	ret = kind_affinity.read(c, &(struct knob){ &kind_affinity, path, tid },
				 cur, sizeof(cur));
	if (ret == -EFBIG) {
		/* never act on a list cut short */
		log_err("%s: threads: %s: the CPU list is over the %d-byte "
			"value limit (TUNE_VAL_MAX)",
			c->cmd, path, TUNE_VAL_MAX - 1);
		return ret;
	}
	if (ret) {
		n->gone++;
		return 0;
	}
	if (parse_cpulist_text(cur, &allowed, err, sizeof(err))) {
		log_warn("%s: threads: %s: %s", c->cmd, path, err);
		return 0;
	}
	if (kthread && cpuset_count(&allowed) == 1) {
		n->percpu++;
		return 0;
	}
	on_latency = false;
	for (size_t w = 0; w < CPUSET_MAX / 64; w++) {
		want.bits[w] = allowed.bits[w] & c->housekeeping.bits[w];
		on_latency |= (allowed.bits[w] & c->cpus.bits[w]) != 0;
	}
	if (!on_latency) {
		n->off++;
		return 0;
	}
	if (!cpuset_count(&want))
		want = c->housekeeping;
	it = items_add(l, "threads");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "%s %d %s",
		 kthread ? "kthread" : "tid", tid, comm);
	item_group(it, tid, "%s *", kthread ? "kthread" : "tid");
	snprintf(it->path, sizeof(it->path), "%s", path);
	item_set_list(it, &it->want, &want);
	item_set_list(it, &it->want_show, &c->housekeeping);
	it->cmp = CMP_LIST;
	it->kind = &kind_affinity;
	it->tid = tid;
	return 0;
}

static int plan_process(const struct tune_cfg *c, struct item_list *l,
			pid_t pid, struct counts *n)
{
	char dir[64];
	struct dirent *de;
	DIR *d;
	int err = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	d = tune_opendir(c, dir);
	if (!d)
		return 0; /* exited, or not ours to read */
	while ((de = readdir(d)) && !err) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (excluded(c, pid)) {
			n->excluded++;
			continue;
		}
		err = plan_task(c, l, pid, (pid_t)atoi(de->d_name), n);
	}
	closedir(d);
	return err;
}

int threads_plan(const struct tune_cfg *c, struct item_list *l)
{
	struct counts n = { 0 };
	struct tune_item *it;
	struct dirent *de;
	size_t first = l->n;
	DIR *d;
	int err = 0;

	d = tune_opendir(c, "/proc");
	if (!d) {
		log_warn("%s: threads: opendir %s/proc: %s; stage skipped",
			 c->cmd, c->root, strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) && !err) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		err = plan_process(c, l, (pid_t)atoi(de->d_name), &n);
	}
	closedir(d);
	if (err)
		return err;
	/* The summary: what stays on the latency CPUs, and why. */
	it = items_add(l, "threads");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "threads");
	snprintf(it->path, sizeof(it->path), "/proc");
	item_setf(it, &it->want_show, "movable off");
	it->cmp = CMP_NONE;
	it->flags = IT_CHECK_ONLY;
	it->st = l->n - 1 > first ? ST_FAIL : ST_OK;
	item_setf(it, &it->actual, "%zu on latency CPUs", l->n - 1 - first);
	snprintf(it->note, sizeof(it->note),
		 "%u off the latency CPUs; skipped: %u PF_NO_SETAFFINITY, %u "
		 "per-CPU kthreads, %u threads of --pid",
		 n.off, n.nomove, n.percpu, n.excluded);
	return 0;
}
