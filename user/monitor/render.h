/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Output of rtbpf monitor: live table, plain text, NDJSON. The frame of
 * each record (render.c) calls every collector's renderers (coll.h), which
 * get the period's snapshots and the name resolver. Writes to o->out only;
 * allocates only for a kept live spike text.
 */
#ifndef RTBPF_MONITOR_RENDER_H
#define RTBPF_MONITOR_RENDER_H

#include <stdint.h>
#include <stdio.h>

struct coll;
struct coll_out;
struct coll_set;
struct coll_view;
struct prom;
struct spike_event;
struct spike_keep;

/* render.c */
void render_header(const struct coll_out *o, const struct coll_set *set);
/* The summary's wait histogram: at most this many bar lines, fewer when
 * the terminal's height (coll_out.rows) leaves less below the tables. */
#define RENDER_HIST_ROWS 16
#define RENDER_HIST_ROWS_MIN 4
/* An interval (v->summary false; live: with the spikes kept in k) or the
 * run's summary (in text, as tall as the terminal when it says). */
void render_period(const struct coll_out *o, const struct coll_set *set,
		   const struct coll_view *v, const struct spike_keep *k);

/* render_sched.c: the sched collector's coll_ops renderers */
void sched_render_table(const struct coll_view *v);
void sched_render_table_end(const struct coll_view *v);
void sched_render_json_cpu(const struct coll_view *v, unsigned int cpu);
void sched_render_json_hist(const struct coll_view *v, unsigned int cpu);
void sched_render_json_total(const struct coll_view *v);
/* prom_sched.c */
void sched_render_prom(const struct coll *c, const struct coll_view *v,
		       struct prom *p);

/* render_noise.c: the noise collector's */
void noise_render_table(const struct coll_view *v);
void noise_render_json_cpu(const struct coll_view *v, unsigned int cpu);
/* prom_noise.c */
void noise_render_prom(const struct coll *c, const struct coll_view *v,
		       struct prom *p);

/* render_spike.c: spike reports, the last few kept for the live view */
#define SPIKE_KEEP 2

struct spike_keep {
	char *text[SPIKE_KEEP]; /* newest first */
	unsigned int n;
};

/* One spike: a text block (kept in k for the live view) or a JSON
 * record. Asks o->names for the waker's name. */
struct coll_names;
struct json_w;
struct spike_part;
struct spike_report;
/* Names the waker of each delivery part now (the event carries its pid). */
void spike_waker_comm(const struct coll_names *names, struct spike_report *r);
/* A part's label in text reports ("task hog/123", "irq delay"), in at
 * most cols columns (0: whole) when its name can give way: numbers are
 * never cut, a shortened name is marked. */
void spike_part_label(const struct coll_names *names,
		      const struct spike_part *p, char *buf, size_t len,
		      size_t cols);
/* At most parts lines, one per part: label, us, share of the latency; in
 * cols columns (0: labels whole, lines as wide as they need). */
void spike_text_parts(const struct coll_names *names, FILE *f,
		      const struct spike_report *r, unsigned int parts,
		      unsigned int cols);
/* "latency_ns", "accounted_ns", "ipis" and "parts" of a report, into the
 * open JSON object (docs/json.md, spike). */
void spike_json_parts(struct json_w *w, const struct coll_names *names,
		      const struct spike_report *r);
void render_spike(const struct coll_out *o, struct spike_keep *k,
		  const struct spike_event *ev);
void render_spikes_kept(const struct coll_out *o, const struct spike_keep *k);
void spike_keep_fini(struct spike_keep *k);

#endif
