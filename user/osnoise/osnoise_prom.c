// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf osnoise's Prometheus families: the run's totals per probe's CPU
 * (the summary's figures), listed in docs/exporter.md. */
#include "osnoise_run.h"

#include "monitor/prom_util.h"
#include "osnoise.skel.h"

#define FIG(f, scale)                                          \
	static double fig_##f(const void *ctx, unsigned int i) \
	{                                                      \
		const struct osnoise_run *r = ctx;             \
		return (double)r->total[i].f / (scale);        \
	}
FIG(runtime_ns, 1e9)
FIG(noise_ns, 1e9)
FIG(gaps, 1)
FIG(hw_gaps, 1)
#undef FIG

/* The last interval's: a gauge. */
static double fig_max_s(const void *ctx, unsigned int i)
{
	const struct osnoise_run *r = ctx;

	return r->interval[i].max_ns / 1e9;
}

static void per_cpu(const struct osnoise_run *r, struct prom *p,
		    const char *name, enum prom_type type, const char *unit,
		    const char *help, prom_idx_fn fn)
{
	prom_cpus_family(p, name, type, unit, help, r->cpu_ids, r->nprobes, fn,
			 r);
}

/* Noise seconds (or events) by source, per CPU: the event kinds, then
 * (seconds only) unexplained and hw. */
static void by_source(const struct osnoise_run *r, struct prom *p, bool seconds)
{
	const char *name = seconds ? "rtbpf_osnoise_source_seconds" :
				     "rtbpf_osnoise_source_events";

	prom_family(p, name, PROM_COUNTER, seconds ? "seconds" : "",
		    seconds ? "Noise by source: the net time of the events "
			      "in the gaps, what they leave unexplained, and "
			      "gaps without any event (hw)" :
			      "Events in the gaps by source");
	for (unsigned int i = 0; i < r->nprobes; i++) {
		const struct osnoise_stats *x = &r->total[i];
		char c[16];
		struct prom_label l[] = { { "cpu", c }, { "source", "" } };

		prom_cpu_label(c, r->cpu_ids[i]);
		for (int k = 0; k < OSN_KINDS; k++) {
			l[1].value = osnoise_kind_names[k];
			if (seconds)
				prom_sample(p, name, "_total", l, 2,
					    x->ns[k] / 1e9);
			else
				prom_sample_u64(p, name, "_total", l, 2,
						x->n[k]);
		}
		if (!seconds)
			continue;
		l[1].value = "unexplained";
		prom_sample(p, name, "_total", l, 2, x->unexplained_ns / 1e9);
		l[1].value = "hw";
		prom_sample(p, name, "_total", l, 2, x->hw_ns / 1e9);
	}
}

static void families(const void *ctx, struct prom *p)
{
	const struct osnoise_run *r = ctx;

	per_cpu(r, p, "rtbpf_osnoise_runtime_seconds", PROM_COUNTER, "seconds",
		"Time the probe spun (its gaps included)", fig_runtime_ns);
	per_cpu(r, p, "rtbpf_osnoise_noise_seconds", PROM_COUNTER, "seconds",
		"Noise: the sum of the gaps of --threshold or more",
		fig_noise_ns);
	per_cpu(r, p, "rtbpf_osnoise_gaps", PROM_COUNTER, "",
		"Clock-read gaps of --threshold or more", fig_gaps);
	per_cpu(r, p, "rtbpf_osnoise_max_gap_seconds", PROM_GAUGE, "seconds",
		"The longest gap of the last interval", fig_max_s);
	by_source(r, p, true);
	by_source(r, p, false);
	per_cpu(r, p, "rtbpf_osnoise_hw_gaps", PROM_COUNTER, "",
		"Gaps without any event: a hypervisor, an SMI", fig_hw_gaps);
}

/* The page's source: the families above, the probes' CPUs, the BPF
 * object. */
static void source(struct osnoise_run *r, struct expo_src *src)
{
	*src = (struct expo_src){ .families = families,
				  .ctx = r,
				  .host = &r->host,
				  .cpus = r->cpu_ids,
				  .ncpus = r->nprobes,
				  .intervals = r->seq,
				  .objs = { { "osnoise",
					      r->skel ? r->skel->obj : NULL } },
				  .nobjs = 1 };
}

int osnoise_export_start(struct osnoise_run *r)
{
	struct expo_src src;

	source(r, &src);
	return expo_cmd_start(&r->export, &src);
}

void osnoise_export_interval(struct osnoise_run *r)
{
	struct expo_src src;

	source(r, &src);
	expo_cmd_interval(&r->export, &src);
}
