// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * process stage: every thread of each --pid gets the profile's policy
 * (SCHED_FIFO/SCHED_RR priority, or SCHED_OTHER with a nice value for
 * busy-poll threads) and the latency CPUs as affinity. A thread's state is
 * one string "POLICY:PRIO@CPULIST" ("fifo:80@2-3", "other:-20@2-3"; PRIO is
 * the nice value for other/batch/idle) so the journal can hold and restore
 * it like a file value. Threads are always the host's (/proc), also with
 * --root: a fake tree cannot hold a process.
 *
 * A SCHED_FIFO the kernel refuses falls back to SCHED_RR at the same
 * priority (check shows it as WARN). process.busy_poll = on makes the
 * threads SCHED_OTHER at process.nice (default -20): a thread that spins
 * must not be FIFO. process.affinity = per-thread gives each thread, in
 * TID order, its own latency CPU (wrapping when there are more threads).
 * Each --pid also gets a check of its RLIMIT_MEMLOCK (/proc/PID/limits):
 * mlockall(MCL_FUTURE) needs it unlimited.
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
#include <sys/resource.h>

#include "affinity.h"
#include "log.h"
#include "testhook.h"
#include "text.h"

/* "VmLck 0 kB, 3 nonvol" for the check's note. */
static void thread_note(pid_t pid, pid_t tid, char *out, size_t len)
{
	char path[96], line[256];
	long vmlck = -1, nonvol = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((f = fopen(path, "re"))) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "VmLck:", 6))
				vmlck = strtol(line + 6, NULL, 10);
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	if ((f = fopen(path, "re"))) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "nonvoluntary_ctxt_switches:", 27))
				nonvol = strtol(line + 27, NULL, 10);
		fclose(f);
	}
	snprintf(out, len, "VmLck %ld kB, %ld nonvoluntary switches", vmlck,
		 nonvol);
}

/* RLIMIT_MEMLOCK of pid: "unlimited" is OK, anything else a WARN. */
static int memlock_item(pid_t pid, struct item_list *l)
{
	char path[64], line[256], soft[32] = "?";
	struct tune_item *it;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/limits", pid);
	if ((f = fopen(path, "re"))) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "Max locked memory", 17))
				sscanf(line + 17, "%31s", soft);
		fclose(f);
	}
	it = items_add(l, "process");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "pid %d memlock limit", pid);
	snprintf(it->path, sizeof(it->path), "%s", path);
	item_setf(it, &it->want_show, "unlimited");
	item_setf(it, &it->actual, "%s", soft);
	it->cmp = CMP_NONE;
	it->flags = IT_CHECK_ONLY;
	it->st = !strcmp(soft, "unlimited") ? ST_OK : ST_WARN;
	if (it->st != ST_OK)
		snprintf(it->note, sizeof(it->note),
			 "mlockall(MCL_FUTURE) can fail; start it with "
			 "LimitMEMLOCK=infinity or rtbpf run --mlock");
	return 0;
}

static int cmp_tid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/* The TIDs of pid in ascending order; count in *n, NULL on error. */
static pid_t *list_tids(pid_t pid, size_t *n)
{
	char dir[64];
	struct dirent *de;
	pid_t *v = NULL;
	size_t cap = 0;
	DIR *d;

	*n = 0;
	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	d = opendir(dir);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (*n == cap) {
			pid_t *nv;

			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				errno = ENOMEM;
				return NULL;
			}
			v = nv;
		}
		v[(*n)++] = (pid_t)atoi(de->d_name);
	}
	closedir(d);
	if (!v)
		v = malloc(sizeof(*v)); /* empty, not an error */
	qsort(v, *n, sizeof(*v), cmp_tid);
	return v;
}

/* The n-th CPU of set (wrapping). */
static unsigned int nth_cpu(const struct cpuset *s, size_t n)
{
	unsigned int count = cpuset_count(s), k = 0;

	n %= count ? count : 1;
	for (unsigned int cpu = 0; cpu < CPUSET_MAX; cpu++)
		if (cpuset_has(s, cpu) && k++ == n)
			return cpu;
	return 0;
}

int process_plan(const struct tune_cfg *c, struct item_list *l)
{
	const char *pol = profile_get(&c->prof, "process.policy");
	const char *aff = profile_get(&c->prof, "process.affinity");
	const char *bp = profile_get(&c->prof, "process.busy_poll");
	bool per_thread = aff && !strcmp(aff, "per-thread");
	char *cpus;
	int prio, err = 0;

	if (!c->npids)
		return 0;
	for (int i = 0; i < c->npids; i++) {
		int err = memlock_item(c->pids[i], l);

		if (err)
			return err;
	}
	if (bp && !strcmp(bp, "on")) {
		pol = "other";
		prio = profile_wants(&c->prof, "process.nice") ?
			       atoi(profile_get(&c->prof, "process.nice")) :
			       -20;
	} else if (!pol || !strcmp(pol, "keep")) {
		return 0;
	} else if (!strcmp(pol, "other"))
		prio = profile_wants(&c->prof, "process.nice") ?
			       atoi(profile_get(&c->prof, "process.nice")) :
			       0;
	else
		prio = profile_wants(&c->prof, "process.priority") ?
			       atoi(profile_get(&c->prof, "process.priority")) :
			       50;
	cpus = cpuset_str(&c->cpus);
	if (!cpus)
		return -ENOMEM;
	for (int i = 0; i < c->npids && !err; i++) {
		size_t n;
		pid_t *tids = list_tids(c->pids[i], &n);

		if (!tids) {
			err = -errno;
			break;
		}
		for (size_t k = 0; k < n; k++) {
			struct tune_item *it;
			pid_t tid = tids[k];

			it = items_add(l, "process");
			if (!it) {
				err = -ENOMEM;
				break;
			}
			snprintf(it->name, sizeof(it->name), "pid %d tid %d",
				 c->pids[i], tid);
			snprintf(it->path, sizeof(it->path), "tid:%d", tid);
			if (per_thread)
				item_setf(it, &it->want, "%s:%d@%u", pol, prio,
					  nth_cpu(&c->cpus, k));
			else
				item_setf(it, &it->want, "%s:%d@%s", pol, prio,
					  cpus);
			it->cmp = CMP_TEXT;
			it->kind = &kind_sched;
			it->tid = tid;
			it->flags = IT_SHOW_NOTE;
			thread_note(c->pids[i], tid, it->note,
				    sizeof(it->note));
		}
		free(tids);
	}
	free(cpus);
	return err;
}
