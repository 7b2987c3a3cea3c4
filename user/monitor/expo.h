/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Background: a command as a Prometheus exporter (the monitor, timerlat,
 * osnoise). Once per interval the command's loop renders the whole
 * exposition from the run's totals (its own families: for the monitor
 * every collector's coll_ops.prom; then the exporter's own families) into
 * two pages, the text format 0.0.4 and OpenMetrics 1.0, and swaps them in
 * under a mutex. A scrape (httpd.c, another thread) only copies the last page
 * under that mutex: it never touches a BPF map and never waits for an
 * interval, and an interval never waits for a scrape beyond one memcpy.
 * --textfile writes the text page to a file every interval, atomically.
 *
 * expo_publish(), expo_update() and expo_textfile() from the loop's
 * thread; expo_copy() and expo_count_scrape() from any thread. A build
 * makes bpf() BPF_OBJ_GET_INFO_BY_FD calls on the page's program fds and
 * reads /proc/sys/kernel/bpf_stats_enabled (never writes it).
 *
 * struct expo_cmd (expo_cmd.c) is a command's side: --listen bound
 * before any BPF program loads, the first page and the server started
 * once loaded, a page (and the textfile) per interval, everything stopped.
 */
#ifndef RTBPF_MONITOR_EXPO_H
#define RTBPF_MONITOR_EXPO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prom.h"

struct bpf_object;
struct coll_set;
struct coll_view;
struct host_info;
struct httpd;

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

/* A BPF object whose programs' cost a page shows, labelled
 * collector=name. */
struct expo_obj {
	const char *name;
	struct bpf_object *obj;
};

#define EXPO_MAX_OBJS 8

/* What a page shows besides the exporter's own families. */
struct expo_src {
	/* the command's families, first on the page (NULL: none) */
	void (*families)(const void *ctx, struct prom *p);
	const void *ctx;
	const struct host_info *host; /* isolated CPUs; NULL: none */
	const unsigned int *cpus; /* watched, in the page's order */
	unsigned int ncpus;
	uint64_t intervals; /* read since the start */
	struct expo_obj objs[EXPO_MAX_OBJS];
	unsigned int nobjs;
};

/* Adds the BPF objects of set's collectors to src's (as many as fit). */
void expo_src_add_colls(struct expo_src *src, const struct coll_set *set);

/*
 * Writes the exposition of src onto f: rtbpf_cpu_isolated, the command's
 * families, e->extra's, then the exporter's own (build info, intervals,
 * BPF program cost, the last build's and the scrapes' cost). Pure but
 * for the program-info and sysctl reads (none without a BPF object).
 * Returns prom_finish()'s result.
 */
int expo_render_src(struct expo *e, FILE *f, bool openmetrics,
		    const struct expo_src *src);

/* Builds both pages of src and publishes them. 0, -ENOMEM, or -EFBIG
 * when a page exceeds EXPO_MAX_PAGE (the old ones stay; said once). */
int expo_publish(struct expo *e, const struct expo_src *src);

/* The monitor's page: v (the run's totals) through every collector's
 * coll_ops.prom, their programs' cost. expo_coll_src() fills src to
 * show pg (src points into it); expo_render() and expo_update() are
 * expo_render_src() and expo_publish() of that. */
struct coll_page {
	const struct coll_set *set;
	const struct coll_view *v;
};
void expo_coll_src(struct expo_src *src, const struct coll_page *pg);
int expo_render(struct expo *e, FILE *f, bool openmetrics,
		const struct coll_set *set, const struct coll_view *v);
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

/* A command's exporter (expo_cmd.c), from its loop's thread. */
struct expo_cmd {
	const char *cmd; /* "monitor": in messages */
	const char *listen; /* --listen, NULL: no server */
	const char *textfile; /* --textfile, NULL: none */
	/* after a textfile write refused with EACCES ("(... runs as nobody
	 * once loaded ...)"), NULL: none */
	const char *eacces_hint;
	bool on; /* --listen or --textfile: x->expo initialized */
	struct expo expo;
	int listen_fd; /* bound, the server's once it runs */
	struct httpd *httpd;
	int err; /* the last page's or textfile's error */
};

/*
 * Before any BPF program loads: the exporter of command cmd with options
 * listen and textfile (each NULL when not given), --listen's socket bound.
 * 0, -EINVAL after a message naming --listen (exit 2), -ENOMEM. On
 * error, expo_cmd_stop() still frees what it holds. x->expo.extra may be
 * set after it, before expo_cmd_start().
 */
int expo_cmd_bind(struct expo_cmd *x, const char *cmd, const char *listen,
		  const char *textfile);
/* Once the programs run: the first page (and textfile: a failure is
 * said naming --textfile) and the server. 0 or -errno (said). */
int expo_cmd_start(struct expo_cmd *x, const struct expo_src *src);
/* A page of src per interval (and the textfile); a failure said once per
 * cause, the next interval tries again. */
void expo_cmd_interval(struct expo_cmd *x, const struct expo_src *src);
/* Stops the server, frees the pages; the textfile stays. */
void expo_cmd_stop(struct expo_cmd *x);

#endif
