/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Background: tuning drift for the exporter. With `monitor --profile NAME`
 * the monitor re-runs the read-only `rtbpf check` (the tuning engine,
 * user/tune/engine.h: tune_check_run) every --check-interval (default 60 s)
 * and exports what it found, so an alert fires when a host drifts from its
 * profile after a package update or a reboot.
 *
 * The check reads /proc and /sys (under --check-root in tests) and writes
 * nothing: no knob, no journal, and it never takes the apply lock, so an
 * `rtbpf apply` or `revert` is never blocked by it. It runs in a worker
 * thread (SCHED_OTHER whatever the monitor's policy) so the monitor's
 * intervals keep their period on a big host: drift_poll() only starts a
 * check that is due and collects one that finished.
 *
 * Families (drift_prom), every one prefixed rtbpf_tuning_:
 *   rtbpf_tuning_profile_info{profile}              info, the profile checked
 *   rtbpf_tuning_check_interval_seconds             gauge
 *   rtbpf_tuning_items{stage,state}                 gauge, state ok, warn,
 *                                                   fail or skip; every
 *                                                   stage the profile runs
 *   rtbpf_tuning_compliant                          gauge, 1: no item FAIL
 *                                                   (WARN is compliant, as
 *                                                   `check` exits 0); 0: a
 *                                                   FAIL, or the check could
 *                                                   not run
 *   rtbpf_tuning_last_check_timestamp_seconds       gauge, Unix time
 *   rtbpf_tuning_check_duration_seconds             gauge, the last check
 *   rtbpf_tuning_checks_total                       counter, checks run
 *   rtbpf_tuning_check_errors_total                 counter, checks that
 *                                                   could not run
 * The items and compliant families appear after the first check finished
 * (until then nothing is known); the others from the start.
 *
 * Privileges: a worker lives only during a check, so with no check
 * running when the monitor drops its capabilities (privs.h: capset acts
 * on the calling thread alone) every later worker inherits the drop. The
 * check then reads as nobody: world-readable /proc and /sys files, and a
 * file it may not read is a WARN (as an unprivileged `check`), so the
 * profile file must be world-readable. Call drift_poll() only after
 * monitor_drop_privs(), or with no drift_check()/worker across it.
 *
 * Thread safety: drift_poll(), drift_check() and drift__free() from one
 * thread (the monitor's); drift_prom() from any thread (the HTTP server's)
 * at the same time: the published result sits under a mutex, held only to
 * copy counts.
 */
#ifndef RTBPF_MONITOR_DRIFT_H
#define RTBPF_MONITOR_DRIFT_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "parse.h"
#include "prom.h"

#define DRIFT_DEFAULT_INTERVAL_NS (60ULL * 1000000000ULL)

/* What `monitor` takes from the user (DRIFT_CLI_OPTS) */
struct drift_opts {
	const char *profile; /* NULL: no drift check */
	const char *root; /* a fake tree (tests); NULL or "": the host */
	uint64_t interval_ns; /* 0: DRIFT_DEFAULT_INTERVAL_NS */
	struct cpuset cpus; /* latency CPUs when cpus_given */
	bool cpus_given; /* else the isolated CPUs, as `check` */
};

/*
 * The monitor's option table entries for the drift check, stored into the
 * member m (a struct drift_opts) of the command's struct T:
 *   -P --profile NAME      the profile to check against
 *   --check-interval DUR   how often (default 60s, at least 1s)
 *   --check-root DIR       every path under DIR (tests)
 *   --check-cpus LIST      the latency CPUs (default: the isolated CPUs)
 */
/* clang-format off */
#define DRIFT_CLI_OPTS(T, m)                                                  \
	{ "profile", 'P', .arg = "NAME",                                      \
	  .help = "export tuning drift: re-run `check` against this profile", \
	  CLI_STR_AT(T, m.profile) },                                         \
	{ "check-interval", 0,                                                \
	  .help = "with --profile: check every DUR (default 60s)",            \
	  CLI_DURATION_AT(T, m.interval_ns, 1000000000ULL, 0) },              \
	{ "check-root", 0, .arg = "DIR",                                      \
	  .help = "with --profile: every checked path under DIR (tests)",     \
	  CLI_STR_AT(T, m.root) },                                            \
	{ "check-cpus", 0,                                                    \
	  .help = "with --profile: the latency CPUs (default: isolated)",     \
	  CLI_CPULIST_AT(T, m.cpus), CLI_SEEN(T, m.cpus_given) }
/* clang-format on */

struct drift;

/*
 * A drift checker for o (copied). Loads the profile once to refuse a bad
 * name or file at start (message on stderr naming "monitor: --profile"),
 * checks nothing yet. NULL + errno: EINVAL (bad profile or root), ENOMEM.
 */
struct drift *drift__new(const struct drift_opts *o);

/*
 * Call from the monitor's loop (every interval is fine; now_ns on
 * CLOCK_MONOTONIC). Collects a check that finished (publishing its
 * result) and starts one when due: the first at the first call, then
 * every interval after the previous one started. Never waits for a
 * check: returns 1 when a result was published, 0 when none, -errno when
 * a worker could not be started (counted as a check error, tried again
 * at the next interval).
 */
int drift_poll(struct drift *d, uint64_t now_ns);

/*
 * Runs one check in the calling thread, now, and publishes it (tests,
 * --textfile's first write). Waits for a check drift_poll() started
 * first. 0, or -errno when the check could not run (counted).
 */
int drift_check(struct drift *d);

/* Writes the families above (thread safe, see the background). */
void drift_prom(struct drift *d, struct prom *p);

/* drift_prom() as an exporter's extra-families callback
 * (expo.h: expo_extra_fn; ctx is the struct drift). */
void drift_prom_cb(void *ctx, struct prom *p);

/* Whether the last published check was compliant: 1, 0, or -1 when none
 * finished yet (tests, --json). Thread safe. */
int drift_compliant(struct drift *d);

/* Waits for a running check, frees d. NULL is fine. */
void drift__free(struct drift *d);

#endif
