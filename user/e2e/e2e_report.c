// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf bench e2e: per-event accounting into the project's log-linear
 * histograms (user/hist.c), the side-by-side table with ratios, NDJSON
 * records and the CDF plot (gnuplot, SVG).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <rtbpf/event.h>

#include "e2e.h"
#include "header.h"
#include "log.h"
#include "parse.h"
#include "sysinfo.h"

const char *const e2e_stage_names[ST_N] = {
	"gen->enqueue", "queue wait", "serialize",
	"send call",	"wire->recv", "end to end",
};

static const char *const stage_keys[ST_N] = {
	"gen_enqueue", "queue_wait", "serialize",
	"send_call",   "wire_recv",  "end_to_end",
};

const char *e2e_cell_name(const struct e2e_cell_cfg *c)
{
	static const char *const names[2][2] = {
		{ "xsk/untuned", "xsk/tuned" },
		{ "udp/untuned", "udp/tuned" },
	};

	return names[c->tr][c->tuned];
}

static void keep_worst(struct e2e_result *r, uint64_t seq,
		       const uint64_t st[ST_N])
{
	unsigned int i = r->nworst;

	if (i == E2E_WORST) {
		if (st[ST_E2E] <= r->worst[E2E_WORST - 1].st[ST_E2E])
			return;
		i--;
	} else {
		r->nworst++;
	}
	for (; i > 0 && r->worst[i - 1].st[ST_E2E] < st[ST_E2E]; i--)
		r->worst[i] = r->worst[i - 1];
	r->worst[i].seq = seq;
	memcpy(r->worst[i].st, st, sizeof(r->worst[i].st));
}

void e2e_account(struct e2e_result *r, const struct e2e_tx *tx,
		 const struct e2e_rx *rx, uint64_t first, uint64_t n)
{
	uint64_t *v = realloc(r->e2e_ns, (r->n_e2e + n) * sizeof(*v));

	if (v)
		r->e2e_ns = v;
	for (uint64_t i = first; i < n; i++) {
		const struct e2e_tx *t = &tx[i];
		int64_t s[ST_N], sum = 0, diff;
		uint64_t st[ST_N], cut;
		bool neg = false;

		if (!t->t_gen || t->err)
			continue; /* not generated, or counted as an error */
		r->sent++;
		if (!rx[i].count) {
			r->lost++;
			continue;
		}
		r->received++;
		/* The receiver may have the datagram before the send call
		 * returns (veth delivers inside it): the send stage ends at
		 * whichever comes first, so stages never go negative. */
		cut = t->t_sent < rx[i].t_rx ? t->t_sent : rx[i].t_rx;
		r->arrived_in_send += rx[i].t_rx < t->t_sent;
		s[ST_GEN_ENQ] = (int64_t)(t->t_enq - t->t_gen);
		s[ST_QUEUE] = (int64_t)(t->t_deq - t->t_enq);
		s[ST_SER] = (int64_t)(t->t_ser - t->t_deq);
		s[ST_SEND] = (int64_t)(cut - t->t_ser);
		s[ST_WIRE] = (int64_t)(rx[i].t_rx - cut);
		s[ST_E2E] = (int64_t)(rx[i].t_rx - rx[i].t_gen);
		for (int k = 0; k < ST_N; k++) {
			if (k < ST_E2E)
				sum += s[k];
			neg |= s[k] < 0;
			st[k] = s[k] < 0 ? 0 : (uint64_t)s[k];
			hist_add_value(&r->h[k], st[k]);
		}
		diff = sum - s[ST_E2E];
		if (diff < 0)
			diff = -diff;
		if (neg || diff > E2E_SUM_TOL_NS)
			r->sum_bad++;
		if ((uint64_t)diff > r->max_sum_err_ns)
			r->max_sum_err_ns = (uint64_t)diff;
		keep_worst(r, i, st);
		if (v)
			r->e2e_ns[r->n_e2e++] = st[ST_E2E];
	}
}

void e2e_report_header(const struct e2e_opts *o, const struct e2e_net *n,
		       struct json_w *w)
{
	struct host_info hi = {};

	if (!o->json) {
		printf("rtbpf bench e2e: %llu events per cell and round "
		       "(+%llu warm-up), %llu/s, %llu round(s)\n",
		       (unsigned long long)o->events,
		       (unsigned long long)o->warmup,
		       (unsigned long long)o->rate,
		       (unsigned long long)o->rounds);
		printf("  %s veth0 198.19.0.1 -> %s veth1 198.19.0.2, "
		       "UDP payload %llu B\n",
		       n->ns_a, n->ns_b,
		       (unsigned long long)(RTBPF_EVENT_HDR + o->size));
		printf("  tuned: generator CPU %d, worker CPU %d, receiver "
		       "CPU %d, FIFO %d/%d/%d, mlockall\n",
		       o->gen_cpu, o->worker_cpu, o->rx_cpu, o->priority - 1,
		       o->priority, o->priority + 1);
		printf("  untuned: SCHED_OTHER, unpinned, not locked; every "
		       "cell: futex wake-up worker\n");
		return;
	}
	sysinfo_load(&hi);
	json_header_begin(w, "bench e2e", &hi);
	json_kv_u64(w, "rate", o->rate);
	json_kv_u64(w, "events", o->events);
	json_kv_u64(w, "warmup", o->warmup);
	json_kv_u64(w, "rounds", o->rounds);
	json_kv_u64(w, "payload_bytes", RTBPF_EVENT_HDR + o->size);
	json_kv_i64(w, "gen_cpu", o->gen_cpu);
	json_kv_i64(w, "worker_cpu", o->worker_cpu);
	json_kv_i64(w, "rx_cpu", o->rx_cpu);
	json_kv_i64(w, "priority", o->priority);
	json_kv_str(w, "ns_a", n->ns_a);
	json_kv_str(w, "ns_b", n->ns_b);
	json_kv_u64(w, "sum_tolerance_ns", E2E_SUM_TOL_NS);
	json_obj_end(w);
	json_end_record(w);
}

static void stage_json(struct json_w *w, const char *k, const struct hist *h)
{
	json_key(w, k);
	json_obj_begin(w);
	json_kv_u64(w, "count", h->count);
	hist_json_summary(h, w);
	hist_json(h, w);
	json_obj_end(w);
}

static void cell_json(struct json_w *w, const struct e2e_result *r)
{
	json_obj_begin(w);
	json_kv_str(w, "type", "cell");
	json_kv_str(w, "cell", e2e_cell_name(&r->cfg));
	json_kv_str(w, "transport", r->cfg.tr == TR_XSK ? "xsk" : "udp");
	json_kv_bool(w, "tuned", r->cfg.tuned);
	json_kv_str(w, "mode", r->mode);
	json_kv_bool(w, "ran", r->ran);
	if (r->failed)
		json_kv_str(w, "error", r->why);
	json_kv_u64(w, "sent", r->sent);
	json_kv_u64(w, "received", r->received);
	json_kv_u64(w, "lost", r->lost);
	json_kv_u64(w, "duplicates", r->dup);
	json_kv_u64(w, "malformed", r->bad);
	json_kv_u64(w, "send_errors", r->send_err);
	json_kv_u64(w, "ring_overflow", r->overflow);
	json_kv_u64(w, "sum_mismatch", r->sum_bad);
	json_kv_u64(w, "max_sum_error_ns", r->max_sum_err_ns);
	json_kv_u64(w, "arrived_in_send", r->arrived_in_send);
	json_kv_i64(w, "worker_tid", r->worker_tid);
	json_key(w, "stages");
	json_obj_begin(w);
	for (int k = 0; k < ST_N; k++)
		stage_json(w, stage_keys[k], &r->h[k]);
	json_obj_end(w);
	json_key(w, "worst");
	json_arr_begin(w);
	for (unsigned int i = 0; i < r->nworst; i++) {
		json_obj_begin(w);
		json_kv_u64(w, "seq", r->worst[i].seq);
		for (int k = 0; k < ST_N; k++) {
			char key[32];

			snprintf(key, sizeof(key), "%s_ns", stage_keys[k]);
			json_kv_u64(w, key, r->worst[i].st[k]);
		}
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "spikes_seen", r->spikes_seen);
	json_kv_u64(w, "rx_spikes_seen", r->rx_spikes_seen);
	json_key(w, "spikes");
	json_arr_begin(w);
	for (unsigned int i = 0; i < r->nspikes; i++) {
		const struct e2e_spike *s = &r->spikes[i];

		json_obj_begin(w);
		json_kv_str(w, "thread", s->receiver ? "receiver" : "worker");
		json_kv_u64(w, "latency_ns", s->latency_ns);
		json_kv_u64(w, "accounted_ns", s->accounted_ns);
		json_kv_i64(w, "seq", s->seq);
		json_key(w, "parts");
		json_arr_begin(w);
		for (unsigned int p = 0; p < s->nparts; p++) {
			json_obj_begin(w);
			json_kv_str(w, "what", s->parts[p].what);
			json_kv_u64(w, "ns", s->parts[p].ns);
			json_obj_end(w);
		}
		json_arr_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
	json_end_record(w);
}

static const struct e2e_result *find(const struct e2e_result *r,
				     unsigned int nr, enum e2e_transport tr,
				     bool tuned)
{
	for (unsigned int i = 0; i < nr; i++)
		if (r[i].cfg.tr == tr && r[i].cfg.tuned == tuned && r[i].ran)
			return &r[i];
	return NULL;
}

int e2e_goal(struct e2e_result *r, unsigned int nr, double *ratio)
{
	const struct e2e_result *x = find(r, nr, TR_XSK, true);
	const struct e2e_result *u = find(r, nr, TR_UDP, false);
	uint64_t base;

	if (!x || !u || !(base = hist_quantile(&u->h[ST_E2E], 0.99)))
		return -1;
	*ratio = (double)hist_quantile(&x->h[ST_E2E], 0.99) / (double)base;
	return *ratio <= 0.6 && !x->lost && !x->dup && !x->send_err &&
	       !x->overflow;
}

/* The rows of each stage in the latency tables; q >= 1: the maximum. */
static const struct {
	const char *name;
	double q;
} quantiles[] = { { "p50", 0.5 },
		  { "p99", 0.99 },
		  { "p99.9", 0.999 },
		  { "max", 1 } };

#define N_QUANTILES (sizeof(quantiles) / sizeof(quantiles[0]))

static double hist_at(const struct hist *h, double q)
{
	return q >= 1 ? (double)h->max : (double)hist_quantile(h, q);
}

static void print_row(const struct e2e_result *r, unsigned int nr,
		      const char *label, const char *q, int k, double qv)
{
	printf("%-13s%-6s", label, q);
	for (unsigned int i = 0; i < nr; i++) {
		const struct hist *h = &r[i].h[k];

		if (!h->count)
			printf(" %11s", "-");
		else
			printf(" %11.2f", hist_at(h, qv) / 1e3);
	}
	printf("\n");
}

/* One line per cell: what was sent, received, lost, wrong. */
static void print_counts(const struct e2e_result *r, unsigned int nr)
{
	printf("\n%-12s %-7s %7s %7s %5s %4s %4s %7s %6s\n", "cell", "mode",
	       "sent", "recv", "lost", "dup", "err", "sum-bad", "early");
	for (unsigned int i = 0; i < nr; i++)
		printf("%-12s %-7s %7llu %7llu %5llu %4llu %4llu %7llu %6llu%s"
		       "%s\n",
		       e2e_cell_name(&r[i].cfg), r[i].mode[0] ? r[i].mode : "-",
		       (unsigned long long)r[i].sent,
		       (unsigned long long)r[i].received,
		       (unsigned long long)r[i].lost,
		       (unsigned long long)r[i].dup,
		       (unsigned long long)(r[i].send_err + r[i].overflow +
					    r[i].bad),
		       (unsigned long long)r[i].sum_bad,
		       (unsigned long long)r[i].arrived_in_send,
		       r[i].failed ? "  FAILED: " : "",
		       r[i].failed ? r[i].why : "");
	printf("(sum-bad: stages not adding up to end to end within %d ns; "
	       "early: datagram\n at the receiver before the send call "
	       "returned, send stage cut there)\n",
	       E2E_SUM_TOL_NS);
}

/* The quantiles of every stage, a column per cell. */
static void print_latency(const struct e2e_result *r, unsigned int nr)
{
	printf("\n%-19s", "latency, us");
	for (unsigned int i = 0; i < nr; i++)
		printf(" %11s", e2e_cell_name(&r[i].cfg));
	printf("\n");
	for (int k = 0; k < ST_N; k++)
		for (size_t q = 0; q < N_QUANTILES; q++)
			print_row(r, nr, q ? "" : e2e_stage_names[k],
				  quantiles[q].name, k, quantiles[q].q);
}

/* Every cell's end-to-end quantiles as multiples of base's. */
static void print_ratios(const struct e2e_result *base,
			 const struct e2e_result *r, unsigned int nr)
{
	printf("end to end vs %s:\n", e2e_cell_name(&base->cfg));
	for (size_t q = 0; q < N_QUANTILES; q++) {
		double b = hist_at(&base->h[ST_E2E], quantiles[q].q);

		printf("%-13s%-6s", "", quantiles[q].name);
		for (unsigned int i = 0; i < nr; i++) {
			const struct hist *h = &r[i].h[ST_E2E];

			if (!h->count || b <= 0)
				printf(" %11s", "-");
			else
				printf(" %10.2fx",
				       hist_at(h, quantiles[q].q) / b);
		}
		printf("\n");
	}
}

/* A monitor spike: who waited, for which event, and its largest parts. */
static void print_spike(const struct e2e_opts *o, const struct e2e_spike *s)
{
	printf("  %s waited %.1f us", s->receiver ? "receiver" : "worker",
	       s->latency_ns / 1e3);
	if (s->seq >= 0)
		printf(" (%sevent #%lld)",
		       (uint64_t)s->seq < o->warmup ? "warm-up " : "",
		       (long long)s->seq);
	printf(":");
	for (unsigned int p = 0; p < s->nparts && p < 4; p++)
		printf(" %s %.1f%s", s->parts[p].what, s->parts[p].ns / 1e3,
		       p + 1 < s->nparts && p < 3 ? "," : "");
	printf("\n");
}

/* A cell's three worst events, stage by stage, and its worst spikes. */
static void print_worst(const struct e2e_opts *o, const struct e2e_result *c)
{
	if (!c->nworst)
		return;
	printf("\n%s worst events (us: gen+queue+ser+send+wire = "
	       "e2e):\n",
	       e2e_cell_name(&c->cfg));
	for (unsigned int j = 0; j < c->nworst && j < 3; j++) {
		const uint64_t *s = c->worst[j].st;

		printf("  #%-7llu %.1f+%.1f+%.1f+%.1f+%.1f = %.1f\n",
		       (unsigned long long)c->worst[j].seq, s[0] / 1e3,
		       s[1] / 1e3, s[2] / 1e3, s[3] / 1e3, s[4] / 1e3,
		       s[5] / 1e3);
	}
	if (o->monitor)
		printf("  wake-ups over the threshold (monitor spike "
		       "reports): worker %llu, receiver %llu\n",
		       (unsigned long long)c->spikes_seen,
		       (unsigned long long)c->rx_spikes_seen);
	for (unsigned int j = 0; j < c->nspikes && j < 3; j++)
		print_spike(o, &c->spikes[j]);
}

static void print_text(const struct e2e_opts *o, struct e2e_result *r,
		       unsigned int nr)
{
	const struct e2e_result *base = find(r, nr, TR_UDP, false);

	print_counts(r, nr);
	print_latency(r, nr);
	if (base && base->h[ST_E2E].count)
		print_ratios(base, r, nr);
	for (unsigned int i = 0; i < nr; i++)
		print_worst(o, &r[i]);
	if (log_verbosity)
		for (unsigned int i = 0; i < nr; i++)
			for (int k = 0; k < ST_N; k++) {
				char title[64];

				snprintf(title, sizeof(title), "%s %s",
					 e2e_cell_name(&r[i].cfg),
					 e2e_stage_names[k]);
				hist_print(&r[i].h[k], stdout, title);
			}
	else
		printf("\n(-v: the histogram of every stage and cell)\n");
}

void e2e_report(const struct e2e_opts *o, struct e2e_result *r, unsigned int nr,
		struct json_w *w)
{
	double ratio = 0;
	int goal = e2e_goal(r, nr, &ratio);

	if (!o->json) {
		print_text(o, r, nr);
		if (goal >= 0)
			printf("\ngoal: xsk/tuned end-to-end p99 <= 0.6 x "
			       "udp/untuned p99, no loss: %.2fx, %s\n",
			       ratio, goal ? "met" : "NOT met");
		return;
	}
	for (unsigned int i = 0; i < nr; i++)
		cell_json(w, &r[i]);
	json_obj_begin(w);
	json_kv_str(w, "type", "goal");
	json_kv_str(w, "what", "xsk/tuned e2e p99 <= 0.6 x udp/untuned p99");
	if (goal >= 0) {
		json_kv_double(w, "ratio", ratio);
		json_kv_bool(w, "met", goal == 1);
	} else {
		json_kv_bool(w, "measured", false);
	}
	json_obj_end(w);
	json_end_record(w);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The CDF of c's end-to-end values into the file data (sorting them).
 * y = -log10(1 - p): the tail gets as much room as the body. Every point
 * of the last 1 %, a thinned body. */
static int write_cdf(const char *data, struct e2e_result *c)
{
	FILE *f;

	qsort(c->e2e_ns, c->n_e2e, sizeof(uint64_t), cmp_u64);
	f = fopen(data, "w");
	if (!f)
		return -errno;
	for (uint64_t j = 0; j < c->n_e2e; j++) {
		double p = (double)(j + 1) / (double)(c->n_e2e + 1);

		if (j * 100 < c->n_e2e * 99 && j % 10)
			continue;
		fprintf(f, "%.3f %.5f\n", c->e2e_ns[j] / 1e3, -log10(1 - p));
	}
	fclose(f);
	return 0;
}

/* The gnuplot script into gp, drawing into path a line per cell that has
 * values, from data files in dir. 0, or -errno. */
static int write_script(FILE *gp, const char *dir, const char *path,
			struct e2e_result *r, unsigned int nr)
{
	fprintf(gp,
		"set terminal svg size 800,500 dynamic font 'sans,11'\n"
		"set output '%s'\n"
		"set title 'rtbpf bench e2e: event to peer, end to end'\n"
		"set xlabel 'latency (us)'\nset logscale x\n"
		"set ylabel 'percentile'\nset grid\n"
		"set ytics ('0' 0, '50' 0.301, '90' 1, '99' 2, "
		"'99.9' 3, '99.99' 4, '99.999' 5)\n"
		"set key bottom right\nplot ",
		path);
	for (unsigned int i = 0, first = 1; i < nr; i++) {
		char data[128];
		int err;

		if (!r[i].n_e2e)
			continue;
		snprintf(data, sizeof(data), "%s/cell%u.dat", dir, i);
		err = write_cdf(data, &r[i]);
		if (err)
			return err;
		fprintf(gp, "%s'%s' using 1:2 with lines lw 2 title '%s'",
			first ? "" : ", ", data, e2e_cell_name(&r[i].cfg));
		first = 0;
	}
	fprintf(gp, "\n");
	return 0;
}

static int run_gnuplot(const char *script)
{
	int err, status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	err = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EIO;
	log_err("bench e2e: gnuplot %s%s",
		err == -ENOENT ? "not found" : "failed",
		err == -ENOENT ? ": apt install gnuplot-nox (make deps)" : "");
	return err;
}

int e2e_plot(const char *path, struct e2e_result *r, unsigned int nr)
{
	char dir[] = "/tmp/rtbpf-e2e-plot.XXXXXX", file[128];
	FILE *gp;
	int err;

	if (!mkdtemp(dir))
		return -errno;
	snprintf(file, sizeof(file), "%s/plot.gp", dir);
	gp = fopen(file, "w");
	if (!gp) {
		err = -errno;
	} else {
		err = write_script(gp, dir, path, r, nr);
		fclose(gp);
		if (!err)
			err = run_gnuplot(file);
	}
	for (unsigned int i = 0; i < nr; i++) {
		snprintf(file, sizeof(file), "%s/cell%u.dat", dir, i);
		unlink(file);
	}
	snprintf(file, sizeof(file), "%s/plot.gp", dir);
	unlink(file);
	rmdir(dir);
	return err;
}
