// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The thread kinds. sched: a thread's policy, priority and affinity as one
 * string "POLICY:PRIO@CPULIST" ("fifo:80@2-3", "other:-20@2-3"; PRIO is the
 * nice value for other/batch/idle), always a host thread (a fake tree
 * cannot hold a process), named "tid:N". A SCHED_FIFO the kernel refuses
 * falls back to SCHED_RR at the same priority (check shows it as WARN).
 *
 * affinity: a thread's CPU list, target path "/proc/PID/task/TID/affinity":
 *  - on the host (no --root), read from Cpus_allowed_list of that task's
 *    status file (no privileges needed) and written with
 *    sched_setaffinity(TID) (root or CAP_SYS_NICE);
 *  - under --root (tests), ROOT/proc/PID/task/TID/affinity is a plain file
 *    the fixture creates beside stat and status, read and written like any
 *    other knob. This is the test seam: a fake tree can hold no task, and a
 *    test must never move a real thread.
 */
#define _GNU_SOURCE
#include "kind.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "affinity.h"
#include "fs.h"
#include "log.h"
#include "procstat.h"
#include "testhook.h"
#include "text.h"
#include "values.h"

static const struct {
	const char *name;
	int policy;
} policies[] = {
	{ "other", SCHED_OTHER }, { "fifo", SCHED_FIFO }, { "rr", SCHED_RR },
	{ "batch", SCHED_BATCH }, { "idle", SCHED_IDLE },
};

static bool is_rt(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

static int sched_read(pid_t tid, char *val, size_t len)
{
	struct sched_param sp;
	const char *name = NULL;
	struct cpuset s;
	int policy, prio, n, err;
	char *list;

	policy = sched_getscheduler(tid);
	if (policy < 0)
		return -errno;
	policy &= ~SCHED_RESET_ON_FORK;
	if (sched_getparam(tid, &sp))
		return -errno;
	err = affinity_get(tid, &s);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		if (policies[i].policy == policy)
			name = policies[i].name;
	if (!name)
		return -EOPNOTSUPP; /* SCHED_DEADLINE: not ours to restore */
	if (is_rt(policy)) {
		prio = sp.sched_priority;
	} else {
		errno = 0;
		prio = getpriority(PRIO_PROCESS, (id_t)tid);
		if (prio == -1 && errno)
			return -errno;
	}
	list = cpuset_str(&s);
	if (!list)
		return -ENOMEM;
	n = snprintf(val, len, "%s:%d@%s", name, prio, list);
	free(list);
	return n < 0 || (size_t)n >= len ? -EFBIG : 0; /* never cut short */
}

static int sched_parse(const char *val, int *policy, int *prio,
		       struct cpuset *cpus)
{
	char name[16], err[64];
	const char *colon = strchr(val, ':'), *at = strchr(val, '@');
	char *end;

	if (!colon || !at || at < colon ||
	    (size_t)(colon - val) >= sizeof(name))
		return -EINVAL;
	snprintf(name, sizeof(name), "%.*s", (int)(colon - val), val);
	*policy = -1;
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		if (!strcmp(policies[i].name, name))
			*policy = policies[i].policy;
	if (*policy < 0)
		return -EINVAL;
	*prio = (int)strtol(colon + 1, &end, 10);
	if (end != at)
		return -EINVAL;
	return parse_cpulist(at + 1, cpus, err, sizeof(err));
}

/* want and actual parse, have the same priority and CPUs, and want has
 * policy `from` and actual `to` (-1 and -1: the same, whichever). */
static bool sched_same(const char *want, const char *actual, int from, int to)
{
	struct cpuset a, b;
	int pa, pb, qa, qb;

	if (sched_parse(want, &pa, &qa, &a) ||
	    sched_parse(actual, &pb, &qb, &b))
		return false;
	return (from < 0 ? pa == pb : pa == from && pb == to) && qa == qb &&
	       !memcmp(&a, &b, sizeof(a));
}

/* want is FIFO and actual the same as RR (the fallback). */
static bool sched_equal_rr(const char *want, const char *actual)
{
	return sched_same(want, actual, SCHED_FIFO, SCHED_RR);
}

static bool sched_equal(const char *want, const char *actual)
{
	return sched_same(want, actual, -1, -1);
}

/*
 * sched_setscheduler(2), except that RTBPF_FAULT_FIFO=1 makes a SCHED_FIFO
 * request fail with EPERM: no host refuses FIFO to root, so this is how the
 * tests reach the SCHED_RR fallback.
 */
static int set_policy(pid_t tid, int policy, const struct sched_param *sp)
{
	const char *f = test_getenv("RTBPF_FAULT_FIFO");

	if (policy == SCHED_FIFO && f && !strcmp(f, "1")) {
		errno = EPERM;
		return -1;
	}
	return sched_setscheduler(tid, policy, sp);
}

static int sched_write(pid_t tid, const char *val)
{
	struct sched_param sp = { 0 };
	struct cpuset cpus;
	int policy, prio, err;

	if (sched_parse(val, &policy, &prio, &cpus))
		return -EINVAL;
	err = affinity_set(tid, &cpus);
	if (err)
		return err;
	sp.sched_priority = is_rt(policy) ? prio : 0;
	if (set_policy(tid, policy, &sp)) {
		int e = errno;

		if (policy != SCHED_FIFO ||
		    sched_setscheduler(tid, SCHED_RR, &sp))
			return -e;
		log_warn("tid %d: SCHED_FIFO refused (%s); SCHED_RR %d instead",
			 tid, strerror(e), prio);
	}
	if (!is_rt(policy) && setpriority(PRIO_PROCESS, (id_t)tid, prio))
		return -errno;
	return 0;
}

static char *sched_shell(const char *want, pid_t tid)
{
	struct cpuset cpus;
	int policy, prio, n;
	char *list, *out = NULL;

	if (sched_parse(want, &policy, &prio, &cpus)) {
		/* prose about a value from the journal: escaped */
		char *e = text_escape_dup(want);

		n = e ? asprintf(&out, "# bad value %s", e) : -1;
		free(e);
		return n < 0 ? NULL : out;
	}
	list = cpuset_str(&cpus);
	if (!list)
		return NULL;
	if (is_rt(policy))
		n = asprintf(&out, "taskset -pc %s %d && chrt %s -p %d %d",
			     list, tid, policy == SCHED_FIFO ? "-f" : "-r",
			     prio, tid);
	else
		n = asprintf(&out,
			     "taskset -pc %s %d && chrt -o -p 0 %d && "
			     "renice -n %d -p %d",
			     list, tid, tid, prio, tid);
	free(list);
	if (n < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return out;
}

static int sched_kread(const struct tune_cfg *c, const struct knob *k,
		       char *buf, size_t len)
{
	(void)c;
	return sched_read(k->tid, buf, len);
}

static int sched_kwrite(const struct tune_cfg *c, const struct knob *k,
			const char *val, bool exact)
{
	(void)c;
	(void)exact;
	return sched_write(k->tid, val);
}

static bool sched_kequal(const struct tune_cfg *c, const char *a, const char *b)
{
	(void)c;
	return sched_equal(a, b);
}

static const char *sched_near(const char *want, const char *actual)
{
	return sched_equal_rr(want, actual) ?
		       "SCHED_RR: the SCHED_FIFO fallback (FIFO refused)" :
		       NULL;
}

static char *sched_kshell(const struct tune_cfg *c, const struct knob *k,
			  const char *val, bool exact)
{
	(void)c;
	(void)exact;
	return sched_shell(val, k->tid);
}

/* "tid:T" -> T, or -1. */
static pid_t sched_path_tid(const char *path)
{
	int tid = -1, n = 0;

	sscanf(path, "tid:%d%n", &tid, &n);
	return n && !path[n] && tid > 0 ? (pid_t)tid : -1;
}

const struct knob_kind kind_sched = {
	.name = "sched",
	.letter = 'S',
	.flags = KIND_THREAD | KIND_HOST_THREAD | KIND_NAME_PATH,
	.read = sched_kread,
	.write = sched_kwrite,
	.equal = sched_kequal,
	.near = sched_near,
	.shell = sched_kshell,
	.restore = knob_restore_as_read,
	.path_tid = sched_path_tid,
};

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

static int aff_read(const struct tune_cfg *c, const struct knob *k, char *buf,
		    size_t len)
{
	char status[160];
	const char *slash = strrchr(k->path, '/');

	if (c->root[0])
		return tune_read(c, k->path, buf, len);
	if (k->tid <= 0 || !slash)
		return -EINVAL;
	snprintf(status, sizeof(status), "%.*s/status", (int)(slash - k->path),
		 k->path);
	return status_field(c, status, "Cpus_allowed_list", buf, len);
}

static int aff_write(const struct tune_cfg *c, const struct knob *k,
		     const char *val, bool exact)
{
	char err[64];
	struct cpuset s;

	if (c->root[0])
		return tune_write(c, k->path, val, exact);
	if (k->tid <= 0 || parse_cpulist_text(val, &s, err, sizeof(err)))
		return -EINVAL;
	return affinity_set(k->tid, &s);
}

static bool aff_equal(const struct tune_cfg *c, const char *a, const char *b)
{
	return c->root[0] ? tune_values_equal(a, b) : cpulist_equal(a, b);
}

/* On the host "taskset -pc LIST TID"; under --root the fixture's file. */
static char *aff_shell(const struct tune_cfg *c, const struct knob *k,
		       const char *val, bool exact)
{
	char tid[16];

	if (c->root[0])
		return kind_file.shell(c, k, val, exact);
	snprintf(tid, sizeof(tid), "%d", (int)k->tid);
	return knob_shell_cmd("taskset -pc ", val, " ", tid);
}

static enum knob_restore aff_restore(const struct tune_cfg *c,
				     const struct knob *k)
{
	(void)k;
	return c->root[0] ? RESTORE_EXACT : RESTORE_AS_READ;
}

/* "/proc/P/task/T/affinity" -> T, or -1. */
static pid_t aff_path_tid(const char *path)
{
	int pid, tid = -1, n = 0;

	sscanf(path, "/proc/%d/task/%d/affinity%n", &pid, &tid, &n);
	return n && !path[n] && tid > 0 ? (pid_t)tid : -1;
}

const struct knob_kind kind_affinity = {
	.name = "affinity",
	.letter = 'A',
	.flags = KIND_THREAD | KIND_FILE | KIND_MAY_VANISH |
		 KIND_EINVAL_UNMOVABLE,
	.read = aff_read,
	.write = aff_write,
	.equal = aff_equal,
	.shell = aff_shell,
	.restore = aff_restore,
	.path_tid = aff_path_tid,
};

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
static int read_ident(const struct tune_cfg *c, const struct knob *k,
		      unsigned long long *start, pid_t *sid)
{
	char path[192], buf[2048];
	unsigned long long v = 0;
	pid_t tid = k->tid;
	int err;

	if (tid <= 0)
		return -EINVAL;
	if (!(k->kind->flags & KIND_HOST_THREAD)) {
		snprintf(path, sizeof(path), "%.*s/stat",
			 (int)(strrchr(k->path, '/') - k->path), k->path);
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

int thread_start(const struct tune_cfg *c, const struct knob *k,
		 unsigned long long *start)
{
	pid_t sid;

	return read_ident(c, k, start, &sid);
}

bool thread_foreign(const struct tune_cfg *c, const struct knob *k,
		    bool has_start, unsigned long long start_rec)
{
	unsigned long long start = 0;
	pid_t sid = -1;

	/* a TID reused since apply is not the recorded thread: revert skips
	 * that record, it does not make the journal foreign */
	return (k->kind->flags & KIND_HOST_THREAD) && c->root[0] &&
	       !read_ident(c, k, &start, &sid) &&
	       (!has_start || start == start_rec) && sid != getsid(0);
}

int thread_reidentify(const struct tune_cfg *c, const struct knob *k,
		      const char *stage, bool has_start,
		      unsigned long long start_rec)
{
	unsigned long long start = 0;
	pid_t tid = k->tid, sid = -1;
	int err = read_ident(c, k, &start, &sid);

	if (err == -ESRCH) {
		log_warn("%s: %s: tid %d has exited; nothing to restore",
			 c->cmd, stage, tid);
		return -ESRCH;
	}
	if (err) {
		log_err("%s: %s: tid %d: reading its stat: %s", c->cmd, stage,
			tid, strerror(-err));
		return err;
	}
	if (!has_start) {
		log_warn("%s: %s: tid %d: no start time recorded (a state "
			 "file of an older rtbpf), so it cannot be told from a "
			 "later thread with the same TID; left alone",
			 c->cmd, stage, tid);
		return -ESRCH;
	}
	if (start != start_rec) {
		log_warn("%s: %s: tid %d is another thread now (started at "
			 "tick %llu, the one rtbpf changed at %llu): its TID "
			 "was reused; left alone",
			 c->cmd, stage, tid, start, start_rec);
		return -ESRCH;
	}
	if ((k->kind->flags & KIND_HOST_THREAD) && c->root[0] &&
	    sid != getsid(0)) {
		log_err("%s: %s: tid %d is not a thread of this session: under "
			"--root rtbpf changes only real threads of its own "
			"session; left alone",
			c->cmd, stage, tid);
		return -EPERM;
	}
	return 0;
}
