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
#include "tune.h"

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

bool cpulist_equal(const char *a, const char *b)
{
	char err[64];
	struct cpuset sa, sb;

	return !parse_cpulist_text(a, &sa, err, sizeof(err)) &&
	       !parse_cpulist_text(b, &sb, err, sizeof(err)) &&
	       !memcmp(&sa, &sb, sizeof(sa));
}

/* "/proc/P/task/T/affinity" -> T, or -1. */
static pid_t path_tid(const char *path)
{
	int pid, tid, n = 0;

	if (sscanf(path, "/proc/%d/task/%d/affinity%n", &pid, &tid, &n) != 2 ||
	    path[n] || tid <= 0)
		return -1;
	return (pid_t)tid;
}

/* Value of "Key:" in a status file under the target tree, read line by
 * line whatever their length; -EFBIG when it does not fit in out. */
static int status_field(const struct tune_cfg *c, const char *status,
			const char *key, char *out, size_t len)
{
	char *line = NULL;
	size_t kl = strlen(key), cap = 0;
	int err = -ENODATA;
	ssize_t n;
	FILE *f;

	f = tune_fopen(c, status);
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		const char *p = line;

		if (strncmp(p, key, kl) || p[kl] != ':')
			continue;
		p += kl + 1;
		p += strspn(p, " \t");
		n = (ssize_t)strcspn(p, "\n");
		err = (size_t)n < len ? 0 : -EFBIG;
		if (!err)
			snprintf(out, len, "%.*s", (int)n, p);
		break;
	}
	free(line);
	fclose(f);
	return err;
}

int aff_read(const struct tune_cfg *c, const char *path, char *buf, size_t len)
{
	char status[160];
	const char *slash;

	if (c->root[0])
		return tune_read(c, path, buf, len);
	if (path_tid(path) < 0)
		return -EINVAL;
	slash = strrchr(path, '/');
	snprintf(status, sizeof(status), "%.*s/status", (int)(slash - path),
		 path);
	return status_field(c, status, "Cpus_allowed_list", buf, len);
}

int aff_write(const struct tune_cfg *c, const char *path, const char *val,
	      bool exact)
{
	char err[64];
	struct cpuset s;
	pid_t tid;

	if (c->root[0])
		return tune_write(c, path, val, exact);
	tid = path_tid(path);
	if (tid < 0 || parse_cpulist_text(val, &s, err, sizeof(err)))
		return -EINVAL;
	return affinity_set(tid, &s);
}

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
	ret = aff_read(c, path, cur, sizeof(cur));
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
	snprintf(it->path, sizeof(it->path), "%s", path);
	item_set_list(it, &it->want, &want);
	item_set_list(it, &it->want_show, &c->housekeeping);
	it->cmp = CMP_LIST;
	it->flags = IT_AFFINITY;
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

/*
 * Thread identity for the journal. A TID is reused once its thread exits,
 * so S and A records carry the thread's start time (field 22 of its stat,
 * clock ticks after boot) and revert acts only on the thread that still
 * has it. An A record's stat is the one beside its affinity file (under
 * --root the fixture's); an S record's thread is always the host's, and
 * under --root only a thread of the caller's own session (what a test
 * starts) is ever touched: a journal under --root never reaches the
 * host's other threads.
 */
static int read_ident(const struct tune_cfg *c, const struct jrec *r,
		      unsigned long long *start, pid_t *sid)
{
	char path[192], buf[2048];
	unsigned long long v = 0;
	pid_t tid = jrec_tid(r);
	int err;

	if (tid < 0)
		return -EINVAL;
	if (r->kind == 'A') {
		snprintf(path, sizeof(path), "%.*s/stat",
			 (int)(strrchr(r->path, '/') - r->path), r->path);
		err = tune_read(c, path, buf, sizeof(buf));
	} else {
		static const struct tune_cfg host = { .cmd = "" };

		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", tid, tid);
		err = tune_read(&host, path, buf, sizeof(buf));
	}
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	/* field 6: session id; field 22: start time */
	if (procstat_field(buf, 6, &v))
		return -EBADMSG;
	*sid = (pid_t)v;
	return procstat_field(buf, 22, start);
}

int thread_start(const struct tune_cfg *c, struct jrec *r)
{
	pid_t sid;
	int err = read_ident(c, r, &r->start, &sid);

	r->has_start = !err;
	return err;
}

bool thread_foreign(const struct tune_cfg *c, const struct jrec *r)
{
	unsigned long long start = 0;
	pid_t sid = -1;

	/* a TID reused since apply is not the recorded thread: revert skips
	 * that record, it does not make the journal foreign */
	return r->kind == 'S' && c->root[0] &&
	       !read_ident(c, r, &start, &sid) &&
	       (!r->has_start || start == r->start) && sid != getsid(0);
}

int thread_reidentify(const struct tune_cfg *c, const struct jrec *r)
{
	unsigned long long start = 0;
	pid_t tid = jrec_tid(r), sid = -1;
	int err = read_ident(c, r, &start, &sid);

	if (err == -ESRCH) {
		log_warn("%s: %s: tid %d has exited; nothing to restore",
			 c->cmd, r->stage, tid);
		return -ESRCH;
	}
	if (err) {
		log_err("%s: %s: tid %d: reading its stat: %s", c->cmd,
			r->stage, tid, strerror(-err));
		return err;
	}
	if (!r->has_start) {
		log_warn("%s: %s: tid %d: no start time recorded (a state "
			 "file of an older rtbpf), so it cannot be told from a "
			 "later thread with the same TID; left alone",
			 c->cmd, r->stage, tid);
		return -ESRCH;
	}
	if (start != r->start) {
		log_warn("%s: %s: tid %d is another thread now (started at "
			 "tick %llu, the one rtbpf changed at %llu): its TID "
			 "was reused; left alone",
			 c->cmd, r->stage, tid, start, r->start);
		return -ESRCH;
	}
	if (r->kind == 'S' && c->root[0] && sid != getsid(0)) {
		log_err("%s: %s: tid %d is not a thread of this session: under "
			"--root rtbpf never changes the host's threads; left "
			"alone",
			c->cmd, r->stage, tid);
		return -EPERM;
	}
	return 0;
}

int thread_session_check(const struct tune_cfg *c, const struct tune_item *it)
{
	pid_t tid = (pid_t)atoi(it->path + 4);

	if (!(it->flags & IT_SCHED) || !c->root[0] || getsid(tid) == getsid(0))
		return 0;
	log_err("%s: %s: %s: not a thread of this session: under --root rtbpf "
		"never changes the host's threads; nothing changed",
		c->cmd, it->stage, it->name);
	return -EPERM;
}
