/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Background: the monitor as a Prometheus exporter. Once per interval the
 * monitor's loop renders the whole exposition from the run's totals (every
 * collector's coll_ops.prom, then the exporter's own families) into two
 * pages, the text format 0.0.4 and OpenMetrics 1.0, and swaps them in under
 * a mutex. A scrape (httpd.c, another thread) only copies the last page
 * under that mutex: it never touches a BPF map and never waits for an
 * interval, and an interval never waits for a scrape beyond one memcpy.
 * --textfile writes the text page to a file every interval, atomically.
 *
 * expo_update() and expo_textfile() from the loop's thread; expo_copy()
 * and expo_count_scrape() from any thread. expo_update() makes bpf()
 * BPF_OBJ_GET_INFO_BY_FD calls on the collectors' program fds and reads
 * /proc/sys/kernel/bpf_stats_enabled (never writes it).
 */
#ifndef RTBPF_MONITOR_EXPO_H
#define RTBPF_MONITOR_EXPO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prom.h"

struct coll_set;
struct coll_view;

/* A page larger than this is not published (the last one stays): a
 * scrape's response is bounded. 1024 CPUs with every collector take
 * about 10 MiB (bench/exporter.sh). */
#define EXPO_MAX_PAGE (32u << 20)

/* Families beyond the collectors' (tuning drift): called from the loop's
 * thread while the page is built. */
typedef void (*expo_extra_fn)(void *ctx, struct prom *p);

struct expo {
	pthread_mutex_t lock;
	char *page[2]; /* [0] text 0.0.4, [1] OpenMetrics; NULL: none yet */
	size_t len[2];
	uint64_t render_ns; /* how long the last build took */
	uint64_t builds;
	/* from the HTTP thread, atomically */
	uint64_t scrapes, scrape_ns;
	expo_extra_fn extra;
	void *extra_ctx;
	const char *kernel; /* build info */
};

int expo_init(struct expo *e);
void expo_fini(struct expo *e);

/*
 * Writes the exposition of v (the run's totals) onto f: every collector's
 * families, then the exporter's own (build info, intervals, BPF program
 * cost, the last build's and the scrapes' cost). Pure but for the
 * program-info and sysctl reads (none when the collectors have no BPF
 * object). Returns prom_finish()'s result.
 */
int expo_render(struct expo *e, FILE *f, bool openmetrics,
		const struct coll_set *set, const struct coll_view *v);

/* Builds both pages of v and publishes them. 0, -ENOMEM, or -EFBIG when
 * a page exceeds EXPO_MAX_PAGE (the old ones stay; said once). */
int expo_update(struct expo *e, const struct coll_set *set,
		const struct coll_view *v);

/* A malloc'ed copy of the last page (openmetrics: that format's) and its
 * length, or NULL: none yet (errno ENOENT) or ENOMEM. */
char *expo_copy(struct expo *e, bool openmetrics, size_t *len);

/* Counts a scrape that took ns (any thread). */
void expo_count_scrape(struct expo *e, uint64_t ns);

/* Writes the text page to path atomically: a new file of a unique name
 * (.NAME.XXXXXX, created exclusively) in the same directory, mode 0644,
 * fsynced, renamed over path. 0 or -errno (nothing written: -ENOENT). */
int expo_textfile(struct expo *e, const char *path);

#endif
