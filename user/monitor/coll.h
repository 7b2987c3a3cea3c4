/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Background: the monitor's collectors behind one interface. A collector
 * is glue for one BPF object (bpf/X.bpf.c) plus the renderers of its
 * figures. Its programs write the current interval's per-task tables and
 * extremes into slot epoch & 1 of their maps; one owner (the monitor's
 * loop, through coll_set_read()) flips every collector's epoch, waits once
 * for programs that read the old epoch to finish, then reads every
 * collector. Renderers are given snapshots (struct coll_view) and the
 * name resolver, never the monitor's state.
 *
 * open, flip and read make bpf() calls on the collector's own map fds
 * (open also loads and attaches: CAP_BPF+CAP_PERFMON); the rest is pure.
 * Single-threaded.
 */
#ifndef RTBPF_MONITOR_COLL_H
#define RTBPF_MONITOR_COLL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "names.h"
#include "noise_coll.h"
#include "sched_coll.h"

struct bpf_object;
struct coll;
struct host_info;
struct json_w;
struct monitor_opts;
struct prom;

/* One period's figures of every collector (an interval, or the run). */
struct coll_snaps {
	struct sched_snap sched;
	struct noise_snap noise;
};

/* Every part zeroed, for ncpus CPUs. 0 or -ENOMEM. */
int coll_snaps_init(struct coll_snaps *s, unsigned int ncpus);
void coll_snaps_fini(struct coll_snaps *s);

/* What every renderer may read: where output goes and how CPUs and ids are
 * shown. */
struct coll_out {
	const struct monitor_opts *opts;
	const struct host_info *host;
	const unsigned int *order; /* watched CPUs, isolated first */
	unsigned int norder;
	bool live; /* a table redrawn on a terminal */
	/* text: the terminal's size (text_term_size(); 0 columns: 80, 0
	 * rows: unknown); tables use the width, the summary the height */
	unsigned int cols, rows;
	FILE *out;
	struct json_w *jw;
	uint64_t start_ns; /* CLOCK_MONOTONIC */
	uint64_t seq; /* intervals rendered */
	const struct coll_names *names;
};

/* One period to render. */
struct coll_view {
	const struct coll_out *o;
	const struct coll_snaps *s;
	uint64_t end_ns; /* CLOCK_MONOTONIC */
	uint64_t dur_ns;
	bool summary; /* the run's totals, not an interval */
	/* summary: the wait histogram's most bar lines (0: the default) */
	unsigned int hist_rows;
};

/* What a collector's open gets: the options, the collectors opened before
 * it (to share maps with) and the name tables it may fill. */
struct coll_env {
	const struct monitor_opts *opts;
	const struct coll *opened;
	unsigned int nopened;
	struct coll_names *names;
};

struct coll_ops {
	const char *name; /* in messages: "monitor: read NAME stats" */
	/* Its place in tables and records, lower first (opened in another
	 * order when one shares another's maps). */
	unsigned int place;
	/* Opens and loads (its maps exist, its programs do not run yet);
	 * 0, 1 when it has nothing to do, or -errno (the failing step
	 * logged). Unless 0, it has freed what it allocated. */
	int (*open)(struct coll *c, const struct coll_env *env);
	/* Attaches its programs: 0, 1 when it is left with nothing to do,
	 * or -errno (logged). Unless 0, the caller frees it. */
	int (*attach)(struct coll *c);
	/* Is part ("sched", "irq", ...; the header's collectors) on? */
	bool (*has)(const struct coll *c, const char *part);
	/* The BPF object, to find maps by name (NULL: none). */
	struct bpf_object *(*obj)(const struct coll *c);
	/* Ends an interval: new events go to the other epoch slot. */
	void (*flip)(struct coll *c);
	/* Moves the interval before the last flip into its part of s
	 * (cleared first); call after the programs settled. 0 or -errno. */
	int (*read)(struct coll *c, struct coll_snaps *s);
	/* Adds its part of a into total. 0 or -ENOMEM. */
	int (*merge)(const struct coll *c, struct coll_snaps *total,
		     const struct coll_snaps *a);
	/* Its table(s) of the period. */
	void (*table)(const struct coll_view *v);
	/* Summary only: what follows every collector's tables (NULL: none). */
	void (*table_end)(const struct coll_view *v);
	/* Its fields of one CPU's JSON object. */
	void (*json_cpu)(const struct coll_view *v, unsigned int cpu);
	/* Its histograms, after every collector's fields (NULL: none). */
	void (*json_cpu_hist)(const struct coll_view *v, unsigned int cpu);
	/* Its fields after the "cpus" array of a record (NULL: none). */
	void (*json_total)(const struct coll_view *v);
	/* Its Prometheus families of the period (the run's totals: every
	 * counter cumulative), written through p (NULL: none). */
	void (*prom)(const struct coll *c, const struct coll_view *v,
		     struct prom *p);
	/* Detaches, unloads, frees c->state (NULL after). */
	void (*free)(struct coll *c);
};

struct coll {
	const struct coll_ops *ops;
	void *state;
};

extern const struct coll_ops sched_coll_ops;
extern const struct coll_ops noise_coll_ops;

#define COLL_MAX 4

/* The collectors in order: each opened, read and rendered in turn. */
struct coll_set {
	struct coll c[COLL_MAX];
	unsigned int n;
};

/* Opens and attaches each of ops[0..n) in turn (a later one may share an
 * earlier one's maps); those with nothing to do are left out; the rest
 * kept in order of place. 0 or the first -errno (those opened are freed). */
int coll_set_open(struct coll_set *set, const struct coll_ops *const *ops,
		  unsigned int n, const struct coll_env *env);
void coll_set_free(struct coll_set *set);
/* Flips every collector, waits once for in-flight programs, reads each
 * into interval and merges it into total. 0 or -errno (logged). */
int coll_set_read(struct coll_set *set, struct coll_snaps *interval,
		  struct coll_snaps *total);
/* Is part on in any collector? */
bool coll_set_has(const struct coll_set *set, const char *part);
/* The fd of map name in the first collector that has one, or -1. */
int coll_set_map_fd(const struct coll *c, unsigned int n, const char *name);

#endif
