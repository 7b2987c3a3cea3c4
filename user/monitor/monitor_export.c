// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf monitor as an exporter: --listen and --textfile wired to the loop
 * (expo.h builds the pages, httpd.h serves them). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "httpd.h"
#include "log.h"
#include "monitor.h"

int monitor_export_bind(struct monitor *m)
{
	m->listen_fd = -1;
	if (m->opts.listen && httpd_bind(m->opts.listen, &m->listen_fd))
		return -EINVAL;
	if (m->opts.drift.profile) {
		m->drift = drift__new(&m->opts.drift);
		if (!m->drift)
			return -errno;
	}
	return 0;
}

/* The page of the run so far; the textfile with it. */
static int publish(struct monitor *m, uint64_t now)
{
	struct coll_view v = { .o = &m->out,
			       .s = &m->total,
			       .end_ns = now,
			       .dur_ns = now - m->out.start_ns,
			       .summary = true };
	int err = expo_update(&m->expo, &m->colls, &v);

	if (err)
		return err;
	if (m->opts.textfile)
		err = expo_textfile(&m->expo, m->opts.textfile);
	return err;
}

int monitor_export_start(struct monitor *m)
{
	int err;

	m->exporting = m->opts.listen || m->opts.textfile;
	if (!m->exporting)
		return 0;
	err = expo_init(&m->expo);
	if (err) {
		m->exporting = false;
		return err;
	}
	m->expo.kernel = m->host.kernel;
	if (m->drift) {
		/* privileges dropped: its workers run as the loop does */
		m->expo.extra = drift_prom_cb;
		m->expo.extra_ctx = m->drift;
		drift_poll(m->drift, now_ns());
	}
	err = publish(m, now_ns());
	if (err) {
		log_err("monitor: --textfile %s: write: %s%s", m->opts.textfile,
			strerror(-err),
			err == -EACCES ? " (the monitor runs as nobody once "
					 "loaded: the directory must be "
					 "writable by nobody)" :
					 "");
		return err;
	}
	if (m->listen_fd >= 0) {
		m->httpd = httpd__start(m->listen_fd, &m->expo);
		m->listen_fd = -1;
		if (!m->httpd)
			return -EIO;
	}
	return 0;
}

void monitor_export_interval(struct monitor *m, uint64_t now)
{
	int err;

	if (!m->exporting)
		return;
	if (m->drift)
		drift_poll(m->drift, now);
	err = publish(m, now);
	/* said once per cause: the next interval tries again */
	if (err && err != m->export_err)
		log_warn("monitor: metrics of interval %llu: %s%s%s%s",
			 (unsigned long long)m->out.seq, strerror(-err),
			 m->opts.textfile ? " (--textfile " : "",
			 m->opts.textfile ? m->opts.textfile : "",
			 m->opts.textfile ? ")" : "");
	m->export_err = err;
}

void monitor_export_stop(struct monitor *m)
{
	httpd__free(m->httpd);
	m->httpd = NULL;
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	m->listen_fd = -1;
	/* waits for a running check */
	drift__free(m->drift);
	m->drift = NULL;
	if (m->exporting)
		expo_fini(&m->expo);
	m->exporting = false;
}
