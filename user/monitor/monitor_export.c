// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf monitor as an exporter: its page (every collector's families and
 * --profile's drift) through the exporter every command shares
 * (expo_cmd.c). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "monitor.h"

int monitor_export_bind(struct monitor *m)
{
	int err = expo_cmd_bind(&m->export, "monitor", m->opts.listen,
				m->opts.textfile);

	if (err)
		return err;
	m->export.eacces_hint = " (the monitor runs as nobody once loaded: "
				"the directory must be writable by nobody)";
	if (m->opts.drift.profile) {
		m->drift = drift__new(&m->opts.drift);
		if (!m->drift)
			return -errno;
	}
	return 0;
}

/* The page of the run so far, the textfile with it; the first starts
 * the server (0 or -errno, said). */
static int publish(struct monitor *m, uint64_t now, bool first)
{
	struct coll_view v = { .o = &m->out,
			       .s = &m->total,
			       .end_ns = now,
			       .dur_ns = now - m->out.start_ns,
			       .summary = true };
	const struct coll_page pg = { &m->colls, &v };
	struct expo_src src;

	expo_coll_src(&src, &pg);
	if (first)
		return expo_cmd_start(&m->export, &src);
	expo_cmd_interval(&m->export, &src);
	return 0;
}

int monitor_export_start(struct monitor *m)
{
	if (!m->export.on)
		return 0;
	if (m->drift) {
		/* privileges dropped: its workers run as the loop does */
		m->export.expo.extra = drift_prom_cb;
		m->export.expo.extra_ctx = m->drift;
		drift_poll(m->drift, now_ns());
	}
	return publish(m, now_ns(), true);
}

void monitor_export_interval(struct monitor *m, uint64_t now)
{
	if (!m->export.on)
		return;
	if (m->drift)
		drift_poll(m->drift, now);
	publish(m, now, false);
}

void monitor_export_stop(struct monitor *m)
{
	expo_cmd_stop(&m->export);
	/* waits for a running check */
	drift__free(m->drift);
	m->drift = NULL;
}
