// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The sched collector's Prometheus families (coll_ops.prom): cumulative
 * figures of the run per watched CPU, listed in docs/exporter.md. */
#include "coll.h"
#include "monitor.h"
#include "prom_util.h"
#include "render.h"

/* One counter per watched CPU. */
static void per_cpu(const struct coll_view *v, struct prom *p, const char *name,
		    const char *help, prom_cpu_fn fig)
{
	prom_family(p, name, PROM_COUNTER, "", help);
	prom_cpu_series(p, v, name, "_total", fig);
}

#define FIG(f)                                                             \
	static double fig_##f(const struct coll_view *v, unsigned int cpu) \
	{                                                                  \
		return (double)v->s->sched.cpu[cpu].f;                     \
	}
FIG(wakeups)
FIG(preempted)
FIG(untimed)
FIG(stale)
FIG(spikes)
FIG(spikes_ratelimited)
FIG(spikes_lost)
FIG(vol)
FIG(invol)
#undef FIG

static double fig_stolen_s(const struct coll_view *v, unsigned int cpu)
{
	return v->s->sched.cpu[cpu].stolen_ns / 1e9;
}

enum which_hist { H_WAIT, H_DELIVERY, H_TIMER };

static void histograms(const struct coll_view *v, struct prom *p,
		       const char *name, const char *help, enum which_hist w)
{
	prom_family(p, name, PROM_HISTOGRAM, "seconds", help);
	for (unsigned int i = 0; i < v->o->norder; i++) {
		unsigned int cpu = v->o->order[i];
		const struct sched_cpu *sc = &v->s->sched.cpu[cpu];
		char c[16];
		struct prom_label l = { "cpu", c };

		prom_cpu_label(c, cpu);
		prom_hist(p, name, &l, 1,
			  w == H_DELIVERY ? &sc->dlv :
			  w == H_TIMER	  ? &sc->timer :
					    &sc->lat);
	}
}

static void switches(const struct coll_view *v, struct prom *p)
{
	static const char *const kinds[2] = { "voluntary", "involuntary" };
	static const prom_cpu_fn figs[2] = { fig_vol, fig_invol };

	prom_family(p, "rtbpf_context_switches", PROM_COUNTER, "",
		    "Context switches of watched threads on the CPU, by kind "
		    "(voluntary: it blocked; involuntary: it was preempted)");
	prom_cpu_split(p, v, "rtbpf_context_switches", "kind", kinds, figs);
}

/* Per-task time on a CPU: top-N and "other" (total incl. the time not
 * attributed to a task). */
static void tasks(const struct coll_view *v, struct prom *p, bool stolen)
{
	const struct sched_snap *s = &v->s->sched;
	const struct tasklist *list = stolen ? &s->stolen : &s->pre;
	const char *name = stolen ? "rtbpf_stolen_task_seconds" :
				    "rtbpf_preemptor_seconds";

	prom_family(p, name, PROM_COUNTER, "seconds",
		    stolen ?
			    "Run time of unwatched tasks on a watched CPU: the "
			    "top 5 tasks of the run per CPU, the rest as "
			    "task=\"other\"" :
			    "Run time of tasks that preempted a watched "
			    "thread: the top 5 of the run per CPU, the rest "
			    "as task=\"other\"");
	for (unsigned int i = 0; i < v->o->norder; i++) {
		unsigned int cpu = v->o->order[i];
		uint64_t total = stolen ? s->cpu[cpu].stolen_ns :
					  s->cpu[cpu].pre_other_ns;
		char c[16];

		if (!stolen)
			for (size_t k = 0; k < list->n; k++)
				if (list->v[k].cpu == cpu)
					total += list->v[k].ns;
		prom_cpu_label(c, cpu);
		prom_top_tasks(p, name, c, list, cpu, false, total);
	}
}

void sched_render_prom(const struct coll *c, const struct coll_view *v,
		       struct prom *p)
{
	histograms(v, p, "rtbpf_wait_seconds",
		   "Scheduling wait of watched threads on the CPU (runnable "
		   "to running)",
		   H_WAIT);
	histograms(v, p, "rtbpf_wakeup_delivery_seconds",
		   "Delivery part of a wakeup wait (sched_waking to "
		   "sched_wakeup)",
		   H_DELIVERY);
	if (c->ops->has(c, "timer"))
		histograms(v, p, "rtbpf_timer_lateness_seconds",
			   "Waits a watched thread's own hrtimer began: its "
			   "expiry (the time asked for) to the switch-in",
			   H_TIMER);
	per_cpu(v, p, "rtbpf_wakeups", "Wakeups of watched threads to the CPU",
		fig_wakeups);
	switches(v, p);
	per_cpu(v, p, "rtbpf_preempted_waits",
		"Waits that began with an involuntary switch", fig_preempted);
	per_cpu(v, p, "rtbpf_untimed_wakeups",
		"Wakeups whose wait could not be timed", fig_untimed);
	per_cpu(v, p, "rtbpf_stale_waits",
		"Waits not timed: the thread ran elsewhere since", fig_stale);
	per_cpu(v, p, "rtbpf_spikes",
		"Waits that reached --threshold (reports sent)", fig_spikes);
	per_cpu(v, p, "rtbpf_spikes_ratelimited",
		"Spike reports dropped by --spike-rate",
		fig_spikes_ratelimited);
	per_cpu(v, p, "rtbpf_spikes_lost",
		"Spike reports lost: the ring buffer was full",
		fig_spikes_lost);
	tasks(v, p, false);
	if (c->ops->has(c, "stolen")) {
		prom_family(p, "rtbpf_stolen_seconds", PROM_COUNTER, "seconds",
			    "Run time of unwatched tasks on a watched CPU");
		prom_cpu_series(p, v, "rtbpf_stolen_seconds", "_total",
				fig_stolen_s);
		tasks(v, p, true);
	}
}
