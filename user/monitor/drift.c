// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Tuning drift (drift.h): the tuning engine's read-only check
 * (tune_check_run) re-run in a worker thread every interval, its counts
 * published for the exporter. Cost: one check, a few ms on a small host
 * (every planned knob read once), in the worker, once per interval.
 */
#define _GNU_SOURCE
#include "drift.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "tune/engine.h"
#include "tune/stage.h"
#include "tune/tune_opts.h"

#define DRIFT_MAX_STAGES 32 /* a stage mask is 32 bits */
#define NST (ST_SKIP + 1) /* states exported: ok, warn, fail, skip */

static const char *const state_names[NST] = { "ok", "warn", "fail", "skip" };

/* One check's outcome. */
struct drift_result {
	int err; /* 0, or why the check could not run */
	unsigned int stages; /* bit per tune_stages index checked */
	unsigned int count[DRIFT_MAX_STAGES][NST];
	bool compliant;
	double timestamp; /* Unix time it finished */
	double duration; /* seconds */
};

struct drift {
	char profile[PATH_MAX];
	char root[PATH_MAX];
	char prof_name[64]; /* as the profile calls itself */
	struct cpuset cpus;
	bool cpus_given;
	uint64_t interval_ns;
	/* the monitor's thread only */
	bool started_any;
	uint64_t last_start_ns;
	bool running;
	pthread_t worker;
	atomic_bool done; /* the worker filled work */
	struct drift_result work;
	bool last_failed; /* the previous check could not run: be quiet */
	/* published, under mu */
	pthread_mutex_t mu;
	bool have; /* a check finished */
	struct drift_result pub;
	uint64_t checks, errors;
};

static double realtime_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A check's configuration and arguments, as `check --root R -P NAME
 * --cpus C` would have them; NULL when out of memory. */
static struct tune_cfg *new_cfg(const struct drift *d, struct tune_args *a)
{
	struct tune_cfg *c = calloc(1, sizeof(*c));

	*a = (struct tune_args){ .profile = d->profile,
				 .cpus = d->cpus,
				 .cpus_given = d->cpus_given };
	if (!c)
		return NULL;
	c->cmd = "monitor: drift check";
	c->cpus_opt = "--check-cpus";
	snprintf(c->root, sizeof(c->root), "%s", d->root);
	return c;
}

/* The check itself: resolve, plan, check, count by stage. Reads only. */
static int check_into(const struct drift *d, struct drift_result *r)
{
	struct tune_args a;
	struct tune_cfg *c = new_cfg(d, &a);
	unsigned int count[ST_INFO + 1];
	struct item_list l = { 0 };
	int err;

	if (!c)
		return -ENOMEM;
	err = tune_resolve(c, &a);
	if (!err)
		err = tune_check_run(c, &l, count);
	if (err)
		goto cleanup;
	r->stages = c->stages;
	for (size_t i = 0; i < l.n; i++) {
		const struct tune_item *it = &l.v[i];
		int s = tune_stage_index(it->stage);

		if (s >= 0 && s < DRIFT_MAX_STAGES && it->st < NST)
			r->count[s][it->st]++;
	}
	r->compliant = !count[ST_FAIL];
cleanup:
	items_free(&l);
	profile_free(&c->prof);
	free(c);
	return err;
}

/* One check into r, timed. */
static void run_check(const struct drift *d, struct drift_result *r)
{
	uint64_t t0 = now_ns();

	memset(r, 0, sizeof(*r));
	r->err = check_into(d, r);
	if (r->err)
		r->compliant = false;
	r->duration = (double)(now_ns() - t0) / 1e9;
	r->timestamp = realtime_s();
}

static void publish(struct drift *d, const struct drift_result *r)
{
	pthread_mutex_lock(&d->mu);
	d->pub = *r;
	d->have = true;
	d->checks++;
	if (r->err)
		d->errors++;
	pthread_mutex_unlock(&d->mu);
	if (r->err && !d->last_failed)
		log_warn("monitor: drift check against profile %s could not "
			 "run (%s); exported as not compliant, retried every "
			 "interval",
			 d->profile, strerror(-r->err));
	else if (!r->err && d->last_failed)
		log_warn("monitor: drift check against profile %s runs again",
			 d->profile);
	d->last_failed = r->err != 0;
}

static void *worker_main(void *arg)
{
	struct drift *d = arg;

	/* its errors on stderr only (the --json stream is the monitor's);
	 * the same failure again is not repeated */
	log_thread_set(false, d->last_failed);
	run_check(d, &d->work);
	atomic_store(&d->done, true);
	return NULL;
}

/* Joins a finished (or, wait, a running) worker and publishes its check:
 * 1 when published. */
static int collect(struct drift *d, bool wait)
{
	if (!d->running || (!wait && !atomic_load(&d->done)))
		return 0;
	pthread_join(d->worker, NULL);
	d->running = false;
	publish(d, &d->work);
	return 1;
}

/* The worker: SCHED_OTHER whatever the monitor runs at, every signal
 * blocked so they reach the monitor's thread. */
static int start_worker(struct drift *d)
{
	struct sched_param sp = { 0 };
	sigset_t all, old;
	pthread_attr_t at;
	int err;

	err = pthread_attr_init(&at);
	if (err)
		return -err;
	pthread_attr_setinheritsched(&at, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&at, SCHED_OTHER);
	pthread_attr_setschedparam(&at, &sp);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	atomic_store(&d->done, false);
	err = pthread_create(&d->worker, &at, worker_main, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&at);
	if (err)
		return -err;
	d->running = true;
	return 0;
}

int drift_poll(struct drift *d, uint64_t now_ns)
{
	int got = collect(d, false), err;

	if (d->running ||
	    (d->started_any && now_ns - d->last_start_ns < d->interval_ns))
		return got;
	d->started_any = true;
	d->last_start_ns = now_ns;
	err = start_worker(d);
	if (err) {
		struct drift_result r = { .err = err };

		r.timestamp = realtime_s();
		publish(d, &r);
		return err;
	}
	return got;
}

int drift_check(struct drift *d)
{
	struct drift_result r;

	collect(d, true);
	log_thread_set(true, false);
	run_check(d, &r);
	publish(d, &r);
	return r.err;
}

/* The CPU split resolved once at start, so what the user must give
 * (--check-cpus on a host without isolated CPUs) is refused then, not
 * exported as "not compliant" for ever. 0 or -EINVAL (said). */
static int resolve_once(const struct drift *d)
{
	struct tune_args a;
	struct tune_cfg *c = new_cfg(d, &a);
	int err;

	if (!c)
		return -ENOMEM;
	err = tune_resolve(c, &a) ? -EINVAL : 0;
	profile_free(&c->prof);
	free(c);
	return err;
}

/* The profile and root refused at start, not at the first check. */
static int validate(struct drift *d)
{
	struct profile prof = { 0 };
	struct stat st;
	int err;

	if (d->root[0] && (stat(d->root, &st) || !S_ISDIR(st.st_mode))) {
		log_err("monitor: --check-root: %s: not a directory", d->root);
		return -EINVAL;
	}
	err = profile_load(&prof, d->root, d->profile, "monitor: --profile");
	if (!err)
		snprintf(d->prof_name, sizeof(d->prof_name), "%s", prof.name);
	profile_free(&prof); /* an error is said by profile_load */
	if (err)
		return -EINVAL;
	return resolve_once(d);
}

struct drift *drift__new(const struct drift_opts *o)
{
	struct drift *d;

	if (!o->profile || !*o->profile ||
	    strlen(o->profile) >= sizeof(d->profile) ||
	    (o->root && strlen(o->root) >= sizeof(d->root))) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	snprintf(d->profile, sizeof(d->profile), "%s", o->profile);
	snprintf(d->root, sizeof(d->root), "%s", o->root ? o->root : "");
	/* "/" and trailing slashes as tune's --root takes them */
	for (size_t n = strlen(d->root); n > 1 && d->root[n - 1] == '/';)
		d->root[--n] = '\0';
	if (!strcmp(d->root, "/"))
		d->root[0] = '\0';
	d->cpus = o->cpus;
	d->cpus_given = o->cpus_given;
	d->interval_ns = o->interval_ns ? o->interval_ns :
					  DRIFT_DEFAULT_INTERVAL_NS;
	pthread_mutex_init(&d->mu, NULL);
	if (validate(d)) {
		pthread_mutex_destroy(&d->mu);
		free(d);
		errno = EINVAL;
		return NULL;
	}
	return d;
}

static void prom_items(struct prom *p, const struct drift_result *r)
{
	const char *name = "rtbpf_tuning_items";

	if (!r->stages)
		return; /* the check could not run: no stage known */
	prom_family(p, name, PROM_GAUGE, "",
		    "Tuning items of the last check by stage and state (ok, "
		    "warn, fail, skip), as rtbpf check counts them");
	for (size_t s = 0; s < tune_nstages && s < DRIFT_MAX_STAGES; s++) {
		if (!(r->stages & (1u << s)))
			continue;
		for (unsigned int st = 0; st < NST; st++) {
			struct prom_label l[] = {
				{ "stage", tune_stages[s].name },
				{ "state", state_names[st] },
			};

			prom_sample_u64(p, name, "", l, 2, r->count[s][st]);
		}
	}
}

void drift_prom(struct drift *d, struct prom *p)
{
	struct prom_label prof = { "profile", d->prof_name };
	uint64_t checks, errors;
	struct drift_result r;
	bool have;

	pthread_mutex_lock(&d->mu);
	have = d->have;
	r = d->pub;
	checks = d->checks;
	errors = d->errors;
	pthread_mutex_unlock(&d->mu);

	prom_family(p, "rtbpf_tuning_profile", PROM_INFO, "",
		    "The tuning profile the drift check runs against");
	prom_sample(p, "rtbpf_tuning_profile", "_info", &prof, 1, 1);
	prom_family(p, "rtbpf_tuning_check_interval_seconds", PROM_GAUGE,
		    "seconds", "How often the drift check runs");
	prom_sample(p, "rtbpf_tuning_check_interval_seconds", "", NULL, 0,
		    (double)d->interval_ns / 1e9);
	prom_family(p, "rtbpf_tuning_checks", PROM_COUNTER, "",
		    "Drift checks run since start");
	prom_sample_u64(p, "rtbpf_tuning_checks", "_total", NULL, 0, checks);
	prom_family(p, "rtbpf_tuning_check_errors", PROM_COUNTER, "",
		    "Drift checks that could not run (profile, CPU split or "
		    "a knob list unreadable)");
	prom_sample_u64(p, "rtbpf_tuning_check_errors", "_total", NULL, 0,
			errors);
	if (!have)
		return;
	prom_items(p, &r);
	prom_family(p, "rtbpf_tuning_compliant", PROM_GAUGE, "",
		    "1 when the last drift check found no item failing, 0 "
		    "when one failed or the check could not run");
	prom_sample(p, "rtbpf_tuning_compliant", "", NULL, 0, r.compliant);
	prom_family(p, "rtbpf_tuning_last_check_timestamp_seconds", PROM_GAUGE,
		    "seconds", "When the last drift check finished, Unix time");
	prom_sample(p, "rtbpf_tuning_last_check_timestamp_seconds", "", NULL, 0,
		    r.timestamp);
	prom_family(p, "rtbpf_tuning_check_duration_seconds", PROM_GAUGE,
		    "seconds", "How long the last drift check took");
	prom_sample(p, "rtbpf_tuning_check_duration_seconds", "", NULL, 0,
		    r.duration);
}

void drift_prom_cb(void *ctx, struct prom *p)
{
	drift_prom(ctx, p);
}

int drift_compliant(struct drift *d)
{
	int ret;

	pthread_mutex_lock(&d->mu);
	ret = d->have ? d->pub.compliant : -1;
	pthread_mutex_unlock(&d->mu);
	return ret;
}

void drift__free(struct drift *d)
{
	if (!d)
		return;
	if (d->running)
		pthread_join(d->worker, NULL);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
