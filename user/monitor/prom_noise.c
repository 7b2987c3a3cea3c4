// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The noise collectors' Prometheus families (coll_ops.prom): cumulative
 * figures of the run per watched CPU, listed in docs/exporter.md. A
 * family is written when its collector is loaded; an IRQ, vector or
 * softirq series once it has counted something. */
#include <stdio.h>

#include "coll.h"
#include "monitor.h"
#include "prom_util.h"
#include "render.h"

/* count and seconds of one source kind: label key = names[i] or the IRQ
 * number with its name. */
struct src_kind {
	const char *count_name, *secs_name, *key, *what;
	unsigned int n;
	const struct noise_fig *(*fig)(const struct noise_cpu *c,
				       unsigned int i);
	const char *const *names; /* NULL: IRQ numbers */
};

static const struct noise_fig *fig_irq(const struct noise_cpu *c,
				       unsigned int i)
{
	return &c->irq[i];
}

static const struct noise_fig *fig_vec(const struct noise_cpu *c,
				       unsigned int i)
{
	return &c->vector[i];
}

static const struct noise_fig *fig_soft(const struct noise_cpu *c,
					unsigned int i)
{
	return &c->softirq[i];
}

static void sources(const struct coll_view *v, struct prom *p,
		    const struct src_kind *k, bool secs)
{
	char help[160];

	snprintf(help, sizeof(help), "%s on a watched CPU%s", k->what,
		 secs ? ": time spent in them" : "");
	prom_family(p, secs ? k->secs_name : k->count_name, PROM_COUNTER,
		    secs ? "seconds" : "", help);
	for (unsigned int o = 0; o < v->o->norder; o++) {
		unsigned int cpu = v->o->order[o];
		const struct noise_cpu *nc = &v->s->noise.cpu[cpu];
		char c[16], num[16];
		struct prom_label l[] = { { "cpu", c },
					  { k->key, num },
					  { "name", "" } };

		prom_cpu_label(c, cpu);
		for (unsigned int i = 0; i < k->n; i++) {
			const struct noise_fig *f = k->fig(nc, i);

			if (!f->count)
				continue;
			if (k->names) {
				l[1].value = k->names[i];
			} else {
				snprintf(num, sizeof(num), "%u", i);
				l[2].value = names_irq(v->o->names, i);
			}
			if (secs)
				prom_sample(p, k->secs_name, "_total", l,
					    k->names ? 2 : 3, f->ns / 1e9);
			else
				prom_sample_u64(p, k->count_name, "_total", l,
						k->names ? 2 : 3, f->count);
		}
	}
}

static const struct src_kind kinds[] = {
	{ "rtbpf_irqs", "rtbpf_irq_seconds", "irq", "Hard IRQs by number",
	  NOISE_MAX_IRQ, fig_irq, NULL },
	{ "rtbpf_vectors", "rtbpf_vector_seconds", "vector",
	  "System vectors (LOC, RES, CAL, ...)", NOISE_VECTORS, fig_vec,
	  noise_vector_short },
	{ "rtbpf_softirqs", "rtbpf_softirq_seconds", "softirq",
	  "Softirqs by vector", NOISE_SOFTIRQS, fig_soft, noise_softirq_names },
};

static double fig_ipis(const struct coll_view *v, unsigned int cpu)
{
	return (double)v->s->noise.cpu[cpu].ipis;
}

static double fig_user(const struct coll_view *v, unsigned int cpu)
{
	return (double)v->s->noise.cpu[cpu].faults_user;
}

static double fig_kernel(const struct coll_view *v, unsigned int cpu)
{
	return (double)v->s->noise.cpu[cpu].faults_kernel;
}

static void faults(const struct coll_view *v, struct prom *p)
{
	static const char *const modes[2] = { "user", "kernel" };
	static const prom_cpu_fn figs[2] = { fig_user, fig_kernel };
	const char *name = "rtbpf_page_faults", *tname = "rtbpf_fault_tasks";

	prom_family(p, name, PROM_COUNTER, "",
		    "Page faults on a watched CPU, by mode (user, kernel)");
	prom_cpu_split(p, v, name, "mode", modes, figs);
	prom_family(p, tname, PROM_COUNTER, "",
		    "Page faults by task on a watched CPU: the top 5 of the "
		    "run per CPU, the rest as task=\"other\"");
	for (unsigned int o = 0; o < v->o->norder; o++) {
		unsigned int cpu = v->o->order[o];
		const struct noise_cpu *nc = &v->s->noise.cpu[cpu];
		char c[16];

		prom_cpu_label(c, cpu);
		prom_top_tasks(p, tname, c, &v->s->noise.faults, cpu, true,
			       nc->faults_user + nc->faults_kernel);
	}
}

void noise_render_prom(const struct coll *c, const struct coll_view *v,
		       struct prom *p)
{
	bool irq = c->ops->has(c, "irq");

	for (unsigned int k = 0; k < 3; k++) {
		if (k < 2 ? !irq : !c->ops->has(c, "softirq"))
			continue;
		sources(v, p, &kinds[k], false);
		sources(v, p, &kinds[k], true);
	}
	if (c->ops->has(c, "ipi")) {
		prom_family(p, "rtbpf_ipis", PROM_COUNTER, "",
			    "IPIs sent to a watched CPU");
		prom_cpu_series(p, v, "rtbpf_ipis", "_total", fig_ipis);
	}
	if (c->ops->has(c, "fault"))
		faults(v, p);
}
