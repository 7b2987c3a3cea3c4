// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf timerlat's Prometheus families: the run's totals per probe's
 * CPU (the summary's figures), listed in docs/exporter.md. */
#include "timerlat_run.h"

#include "monitor/prom_util.h"
#include "timerlat.skel.h"

#define FIG(f)                                                 \
	static double fig_##f(const void *ctx, unsigned int i) \
	{                                                      \
		const struct timerlat_run *t = ctx;            \
		return (double)t->total[i].f;                  \
	}
FIG(no_irq)
FIG(late)
FIG(violations)
FIG(overruns)
FIG(irq_remote)
#undef FIG

static void histograms(const struct timerlat_run *t, struct prom *p,
		       const char *name, const char *help, bool irq)
{
	prom_family(p, name, PROM_HISTOGRAM, "seconds", help);
	for (unsigned int i = 0; i < t->nprobes; i++) {
		char c[16];
		struct prom_label l = { "cpu", c };

		prom_cpu_label(c, t->cpus[i]);
		prom_hist(p, name, &l, 1,
			  irq ? &t->total[i].irq : &t->total[i].thread);
	}
}

static void counter(const struct timerlat_run *t, struct prom *p,
		    const char *name, const char *help, prom_idx_fn fn)
{
	prom_cpus_family(p, name, PROM_COUNTER, "", help, t->cpus, t->nprobes,
			 fn, t);
}

static void families(const void *ctx, struct prom *p)
{
	const struct timerlat_run *t = ctx;

	histograms(t, p, "rtbpf_timerlat_irq_latency_seconds",
		   "IRQ latency of the probe's timer: its expiry to its "
		   "hrtimer handler",
		   true);
	histograms(t, p, "rtbpf_timerlat_thread_latency_seconds",
		   "Thread latency: the probe's timer expiry to the probe "
		   "running (one sample per period)",
		   false);
	counter(t, p, "rtbpf_timerlat_no_irq_samples",
		"Samples whose timer expiry BPF did not see", fig_no_irq);
	counter(t, p, "rtbpf_timerlat_late_samples",
		"Of those, samples whose expiry had passed when the probe "
		"went to sleep: no timer fired",
		fig_late);
	counter(t, p, "rtbpf_timerlat_violations",
		"Samples whose IRQ latency was above their thread latency",
		fig_violations);
	counter(t, p, "rtbpf_timerlat_overruns",
		"Periods skipped: the probe woke a period late", fig_overruns);
	counter(t, p, "rtbpf_timerlat_irq_remote_samples",
		"Samples whose timer was handled on another CPU",
		fig_irq_remote);
	prom_family(p, "rtbpf_timerlat_reports", PROM_COUNTER, "",
		    "Reports of samples over --threshold");
	prom_sample_u64(p, "rtbpf_timerlat_reports", "_total", NULL, 0,
			t->reports);
}

/* The page's source: the families above, the probes' CPUs, the BPF
 * objects (timerlat's, and the collectors' of --threshold). */
static void source(struct timerlat_run *t, struct expo_src *src)
{
	*src = (struct expo_src){ .families = families,
				  .ctx = t,
				  .host = &t->host,
				  .cpus = t->cpus,
				  .ncpus = t->nprobes,
				  .intervals = t->seq };
	src->objs[src->nobjs].name = "timerlat";
	src->objs[src->nobjs++].obj = t->skel ? t->skel->obj : NULL;
	expo_src_add_colls(src, &t->colls);
}

int timerlat_export_start(struct timerlat_run *t)
{
	struct expo_src src;

	source(t, &src);
	return expo_cmd_start(&t->export, &src);
}

void timerlat_export_interval(struct timerlat_run *t)
{
	struct expo_src src;

	source(t, &src);
	expo_cmd_interval(&t->export, &src);
}
