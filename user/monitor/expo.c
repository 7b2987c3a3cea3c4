// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The exporter's pages: built by a command's loop, copied by scrapes
 * (expo.h). */
#define _GNU_SOURCE
#include "expo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "coll.h"
#include "log.h"
#include "monitor.h"
#include "prom_util.h"
#include "sysinfo.h"

int expo_init(struct expo *e)
{
	memset(e, 0, sizeof(*e));
	return -pthread_mutex_init(&e->lock, NULL);
}

void expo_fini(struct expo *e)
{
	free(e->page[0]);
	free(e->page[1]);
	pthread_mutex_destroy(&e->lock);
}

/* kernel.bpf_stats_enabled: 1, 0, or -1 when unreadable. */
static int bpf_stats_enabled(void)
{
	char buf[8] = "";
	int fd = open("/proc/sys/kernel/bpf_stats_enabled",
		      O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? buf[0] == '1' : -1;
}

/* One family over every loaded program of the page's objects. */
static void prog_family(struct prom *p, const struct expo_src *src, int which)
{
	static const char *const names[] = { "rtbpf_bpf_program_run_seconds",
					     "rtbpf_bpf_program_runs",
					     "rtbpf_bpf_program_missed" };
	static const char *const helps[] = {
		"Run time of rtbpf's BPF programs (while "
		"kernel.bpf_stats_enabled is 1)",
		"Runs of rtbpf's BPF programs (while "
		"kernel.bpf_stats_enabled is 1)",
		"Events a BPF program missed: not run as another BPF "
		"program ran on the CPU (recursion)",
	};

	prom_family(p, names[which], PROM_COUNTER, which ? "" : "seconds",
		    helps[which]);
	for (unsigned int i = 0; i < src->nobjs; i++) {
		const struct expo_obj *o = &src->objs[i];
		struct bpf_program *prog;

		if (!o->obj)
			continue;
		bpf_object__for_each_program(prog, o->obj)
		{
			struct bpf_prog_info info = {};
			__u32 len = sizeof(info);
			int fd = bpf_program__fd(prog);
			struct prom_label l[] = { { "collector", o->name },
						  { "program",
						    bpf_program__name(prog) } };

			if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
				continue;
			if (which == 0)
				prom_sample(p, names[0], "_total", l, 2,
					    info.run_time_ns / 1e9);
			else
				prom_sample_u64(p, names[which], "_total", l, 2,
						which == 1 ?
							info.run_cnt :
							info.recursion_misses);
		}
	}
}

static void bpf_cost(struct prom *p, const struct expo_src *src)
{
	int on = bpf_stats_enabled();

	prom_family(p, "rtbpf_bpf_stats_enabled", PROM_GAUGE, "",
		    "kernel.bpf_stats_enabled as read (-1: unreadable); the "
		    "exporter never changes it");
	prom_sample(p, "rtbpf_bpf_stats_enabled", "", NULL, 0, on);
	if (on == 1) {
		prog_family(p, src, 0);
		prog_family(p, src, 1);
	}
	prog_family(p, src, 2);
}

static void cpus_info(struct prom *p, const struct expo_src *src)
{
	prom_family(p, "rtbpf_cpu_isolated", PROM_GAUGE, "",
		    "1 for a watched CPU that is isolated, 0 for another "
		    "watched CPU");
	for (unsigned int i = 0; i < src->ncpus; i++) {
		unsigned int cpu = src->cpus[i];
		char c[16];
		struct prom_label l = { "cpu", c };

		prom_cpu_label(c, cpu);
		prom_sample(p, "rtbpf_cpu_isolated", "", &l, 1,
			    src->host && cpuset_has(&src->host->isolated, cpu));
	}
}

/* The exporter's own families. */
static void self(struct expo *e, struct prom *p, const struct expo_src *src)
{
	char libbpf[32];
	const char *kernel = e->kernel ? e->kernel :
			     src->host ? src->host->kernel :
					 "";
	struct prom_label b[] = { { "version", RTBPF_VERSION },
				  { "libbpf", libbpf },
				  { "kernel", kernel } };

	snprintf(libbpf, sizeof(libbpf), "%u.%u", libbpf_major_version(),
		 libbpf_minor_version());
	prom_family(p, "rtbpf_build", PROM_INFO, "",
		    "rtbpf's version, the libbpf it runs with, the kernel");
	prom_sample(p, "rtbpf_build", "_info", b, 3, 1);
	prom_family(p, "rtbpf_intervals", PROM_COUNTER, "",
		    "Intervals read since the start");
	prom_sample_u64(p, "rtbpf_intervals", "_total", NULL, 0,
			src->intervals);
	prom_family(p, "rtbpf_exporter_render_seconds", PROM_GAUGE, "seconds",
		    "How long the previous build of this page took");
	prom_sample(p, "rtbpf_exporter_render_seconds", "", NULL, 0,
		    e->render_ns / 1e9);
	prom_family(p, "rtbpf_exporter_scrapes", PROM_COUNTER, "",
		    "Scrapes served before this page was built");
	prom_sample_u64(p, "rtbpf_exporter_scrapes", "_total", NULL, 0,
			__atomic_load_n(&e->scrapes, __ATOMIC_RELAXED));
	prom_family(p, "rtbpf_exporter_scrape_seconds", PROM_COUNTER, "seconds",
		    "Time spent serving those scrapes (a copy of the page)");
	prom_sample(p, "rtbpf_exporter_scrape_seconds", "_total", NULL, 0,
		    __atomic_load_n(&e->scrape_ns, __ATOMIC_RELAXED) / 1e9);
}

int expo_render_src(struct expo *e, FILE *f, bool openmetrics,
		    const struct expo_src *src)
{
	struct prom p;

	prom_init(&p, f, openmetrics);
	cpus_info(&p, src);
	if (src->families)
		src->families(src->ctx, &p);
	if (e->extra)
		e->extra(e->extra_ctx, &p);
	bpf_cost(&p, src);
	self(e, &p, src);
	return prom_finish(&p);
}

/* One page into *buf (malloc'ed). 0 or -errno. */
static int build(struct expo *e, bool om, const struct expo_src *src,
		 char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	int err;

	if (!f)
		return -errno;
	err = expo_render_src(e, f, om, src);
	if (fclose(f) && !err)
		err = -errno;
	if (!err && *len > EXPO_MAX_PAGE)
		err = -EFBIG;
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

int expo_publish(struct expo *e, const struct expo_src *src)
{
	uint64_t t0 = now_ns();
	char *page[2] = {}, *old[2];
	size_t len[2] = {};
	int err = 0;

	for (int om = 0; om < 2 && !err; om++)
		err = build(e, om, src, &page[om], &len[om]);
	if (err) {
		free(page[0]);
		if (err == -EFBIG && !e->builds)
			log_warn("the metrics page is over %u MiB: "
				 "not served",
				 EXPO_MAX_PAGE >> 20);
		return err;
	}
	pthread_mutex_lock(&e->lock);
	for (int i = 0; i < 2; i++) {
		old[i] = e->page[i];
		e->page[i] = page[i];
		e->len[i] = len[i];
	}
	pthread_mutex_unlock(&e->lock);
	free(old[0]);
	free(old[1]);
	e->builds++;
	e->render_ns = now_ns() - t0;
	return 0;
}

void expo_src_add_colls(struct expo_src *src, const struct coll_set *set)
{
	for (unsigned int i = 0; i < set->n && src->nobjs < EXPO_MAX_OBJS;
	     i++) {
		const struct coll *c = &set->c[i];

		if (!c->ops->obj)
			continue;
		src->objs[src->nobjs].name = c->ops->name;
		src->objs[src->nobjs++].obj = c->ops->obj(c);
	}
}

/* The monitor's families: every collector's. */
static void coll_families(const void *ctx, struct prom *p)
{
	const struct coll_page *pg = ctx;

	for (unsigned int i = 0; i < pg->set->n; i++)
		if (pg->set->c[i].ops->prom)
			pg->set->c[i].ops->prom(&pg->set->c[i], pg->v, p);
}

void expo_coll_src(struct expo_src *src, const struct coll_page *pg)
{
	const struct coll_out *o = pg->v->o;

	*src = (struct expo_src){ .families = coll_families,
				  .ctx = pg,
				  .host = o->host,
				  .cpus = o->order,
				  .ncpus = o->norder,
				  .intervals = o->seq };
	expo_src_add_colls(src, pg->set);
}

int expo_render(struct expo *e, FILE *f, bool openmetrics,
		const struct coll_set *set, const struct coll_view *v)
{
	const struct coll_page pg = { set, v };
	struct expo_src src;

	expo_coll_src(&src, &pg);
	return expo_render_src(e, f, openmetrics, &src);
}

int expo_update(struct expo *e, const struct coll_set *set,
		const struct coll_view *v)
{
	const struct coll_page pg = { set, v };
	struct expo_src src;

	expo_coll_src(&src, &pg);
	return expo_publish(e, &src);
}

char *expo_copy(struct expo *e, bool openmetrics, size_t *len)
{
	char *copy = NULL;

	pthread_mutex_lock(&e->lock);
	if (!e->page[openmetrics]) {
		errno = ENOENT;
	} else {
		copy = malloc(e->len[openmetrics] + 1);
		if (copy) {
			memcpy(copy, e->page[openmetrics], e->len[openmetrics]);
			*len = e->len[openmetrics];
		}
	}
	pthread_mutex_unlock(&e->lock);
	return copy;
}

void expo_count_scrape(struct expo *e, uint64_t ns)
{
	__atomic_add_fetch(&e->scrapes, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&e->scrape_ns, ns, __ATOMIC_RELAXED);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int expo_textfile(struct expo *e, const char *path)
{
	char tmp[4096];
	const char *slash = strrchr(path, '/');
	int fd, err, n;

	if (!e->page[0])
		return -ENOENT;
	/* a fresh name, created exclusively: never a file or link another
	 * user left in the directory; ".NAME.XXXXXX" is no *.prom to the
	 * textfile collector */
	if (slash)
		n = snprintf(tmp, sizeof(tmp), "%.*s/.%s.XXXXXX",
			     (int)(slash - path), path, slash + 1);
	else
		n = snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* the loop is the page's only writer: no lock to read it */
	err = fchmod(fd, 0644) ? -errno : 0;
	if (!err)
		err = write_all(fd, e->page[0], e->len[0]);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
