// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf status: what apply did, read only (also under --root): the
 * profile, time and CPUs of the last apply (applied.h); the knobs of its
 * journal that hold another value now than rtbpf wrote (drift); what
 * waits for a reboot (the boot stage's knobs, checked against the running
 * kernel's command line; a systemd drop-in). And for check: which OK items
 * rtbpf set (the journal records them).
 */
#define _GNU_SOURCE
#include "status.h"
#include "applied.h"
#include "engine.h"
#include "journal.h"
#include "kind.h"
#include "stage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "header.h"
#include "json.h"
#include "log.h"
#include "sysinfo.h"
#include "text.h"
#include "values.h"
#include "tune_opts.h"

/* Drifted records listed per stage without -v. */
#define STATUS_SHOWN 5

static int cmp_rec(const void *a, const void *b)
{
	const struct jrec *x = *(const struct jrec *const *)a;
	const struct jrec *y = *(const struct jrec *const *)b;
	int d = strcmp(x->path, y->path);

	return d ? d : (x->tid > y->tid) - (x->tid < y->tid);
}

void tune_mark_by_rtbpf(const struct journal *j, struct item_list *l)
{
	const struct jrec **v = malloc((j->n + 1) * sizeof(*v));

	if (!v)
		return; /* no marks */
	for (size_t i = 0; i < j->n; i++)
		v[i] = &j->r[i];
	qsort(v, j->n, sizeof(*v), cmp_rec);
	for (size_t i = 0; i < l->n; i++) {
		struct tune_item *it = &l->v[i];
		struct jrec key = { .tid = it->tid };
		const struct jrec *kp = &key;

		if (it->st != ST_OK)
			continue;
		snprintf(key.path, sizeof(key.path), "%s", it->path);
		it->by_rtbpf = bsearch(&kp, v, j->n, sizeof(*v), cmp_rec);
	}
	free(v);
}

int tune_jrec_drift(const struct tune_cfg *c, const struct jrec *r, char **cur)
{
	struct knob k = jrec_knob(r);
	unsigned long long start;
	int err;

	*cur = NULL;
	if ((r->kind->flags & KIND_THREAD) && r->has_start &&
	    (thread_start(c, &k, &start) || start != r->start))
		return -ENOENT;
	err = knob_read(c, &k, cur);
	if (err)
		return err == -ESRCH ? -ENOENT : err;
	if (r->kind->flags & KIND_REMOVE)
		return strcmp(*cur, r->new_) != 0;
	return !r->kind->equal(c, r->new_, *cur) &&
	       !(r->kind->near && r->kind->near(r->new_, *cur));
}

/* A value as read, for the terminal: a mask as its CPUs. */
static char *shown(const struct jrec *r, const char *val)
{
	char *s = tune_is_mask_path(r->path) ? tune_mask_list_dup(val) : NULL;
	char *norm = s ? s : tune_norm_dup(val);
	char *out = norm ? text_escape_dup(norm) : NULL;

	free(norm);
	return out;
}

/* {"type":T,"stage":S,...: opened; the caller adds fields and ends it. */
static void record(struct json_w *w, const char *type, const char *stage)
{
	json_obj_begin(w);
	json_kv_str(w, "type", type);
	json_kv_str(w, "stage", stage);
}

static void end_record(struct json_w *w)
{
	json_obj_end(w);
	json_end_record(w);
}

static void print_drift(struct json_w *w, const struct jrec *r, const char *cur)
{
	char *path, *was, *now;

	if (w) {
		record(w, "drift", r->stage);
		json_kv_str(w, "path", r->path);
		json_kv_str(w, "wrote", r->new_);
		now = cur ? tune_norm_dup(cur) : NULL;
		if (now)
			json_kv_str(w, "now", now);
		else
			json_kv_bool(w, "gone", true);
		end_record(w);
		free(now);
		return;
	}
	path = text_escape_dup(r->path);
	was = shown(r, r->new_);
	now = cur ? shown(r, cur) : NULL;
	printf("  %-10s %s: rtbpf wrote %s, now %s\n", r->stage,
	       path ? path : "?", was ? was : "?",
	       !cur ? "gone" :
	       now  ? now :
		      "?");
	free(path);
	free(was);
	free(now);
}

/* The records whose knob no longer holds what rtbpf wrote: listed (a
 * few per stage without -v, all in JSON); their count. */
static unsigned int print_drifts(const struct tune_cfg *c, struct json_w *w,
				 const struct journal *j)
{
	unsigned int total = 0, in_stage = 0, hidden = 0;
	const char *stage = "";

	for (size_t i = 0; i < j->n; i++) {
		const struct jrec *r = &j->r[i];
		char *cur;
		int d = tune_jrec_drift(c, r, &cur);

		if (strcmp(stage, r->stage)) {
			if (hidden)
				printf("  %-10s ... and %u more (-v lists "
				       "each)\n",
				       stage, hidden);
			stage = r->stage;
			in_stage = hidden = 0;
		}
		if (d) {
			total++;
			if (w || log_verbosity || in_stage++ < STATUS_SHOWN)
				print_drift(w, r, d < 0 ? NULL : cur);
			else
				hidden++;
		}
		free(cur);
	}
	if (hidden)
		printf("  %-10s ... and %u more (-v lists each)\n", stage,
		       hidden);
	return total;
}

/* The boot knobs the running kernel lacks, named; their count. */
static unsigned int print_boot_items(struct json_w *w,
				     const struct item_list *l)
{
	unsigned int n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->v[i].st == ST_WARN || l->v[i].st == ST_FAIL;
	if (!w)
		printf("waits for a reboot: %u boot knob%s", n,
		       n == 1 ? "" : "s");
	for (size_t i = 0, k = 0; i < l->n; i++) {
		const struct tune_item *it = &l->v[i];

		if (it->st != ST_WARN && it->st != ST_FAIL)
			continue;
		if (!w) {
			printf("%s%s", k++ ? ", " : ": ", it->name);
			continue;
		}
		record(w, "pending", it->stage);
		json_kv_str(w, "item", it->name);
		json_kv_str(w, "expected", it->want_show);
		json_kv_str(w, "actual", it->actual);
		json_kv_str(w, "until", "reboot");
		end_record(w);
	}
	return n;
}

/* The boot knobs of the applied profile the running kernel lacks: the
 * boot stage checked with the CPUs of that apply; their count. *cmdline:
 * the kernel command line to add (a new string, or NULL). */
static unsigned int print_boot(struct tune_cfg *c, struct json_w *w,
			       const struct tune_applied *ap, char **cmdline)
{
	struct tune_args ro = { .profile = ap->profile,
				.cpus = ap->cpus,
				.hk = ap->housekeeping,
				.cpus_given = true,
				.hk_given = true };
	struct item_list l = { 0 };
	unsigned int n = 0;

	*cmdline = NULL;
	if (!(ap->stages & tune_stage_bit("boot")) || tune_resolve(c, &ro))
		return 0;
	c->stages = tune_stage_bit("boot");
	if (tune_plan(c, &l)) {
		items_free(&l);
		return 0;
	}
	tune_check_items(c, &l);
	n = print_boot_items(w, &l);
	for (size_t i = 0; i < l.n && n && !*cmdline; i++)
		if (l.v[i].st == ST_INFO)
			*cmdline = strdup(l.v[i].want_show);
	if (!w) {
		char *frag = *cmdline ? text_escape_dup(*cmdline) : NULL;

		if (frag)
			printf("\n  kernel command line to add: %s", frag);
		printf("\n");
		free(frag);
	}
	items_free(&l);
	return n;
}

/* What the last apply ran with, or what is known without its file. */
static bool print_applied(const struct tune_cfg *c, struct json_w *w,
			  struct tune_applied *ap, const struct journal *j)
{
	char when[64], *cpus, *hk, *root;
	int err = applied_read(c, ap);

	if (w) {
		json_obj_begin(w);
		json_kv_str(w, "type", "applied");
		json_kv_str(w, "journal", j->path);
		json_kv_u64(w, "knobs", j->n);
		if (!err) {
			json_kv_str(w, "profile", ap->profile);
			json_kv_i64(w, "time", (int64_t)ap->time);
			json_cpuset(w, "cpus", &ap->cpus);
			json_cpuset(w, "housekeeping", &ap->housekeeping);
		}
		end_record(w);
		return !err;
	}
	if (err) {
		printf("applied: %zu knobs recorded in %s; profile and CPUs "
		       "unknown (%s%s: %s)\n",
		       j->n, j->path, c->root, TUNE_APPLIED_FILE,
		       strerror(-err));
		return false;
	}
	applied_when(ap->time, when, sizeof(when));
	cpus = cpuset_str(&ap->cpus);
	hk = cpuset_str(&ap->housekeeping);
	printf("applied: profile %s, %s; latency CPUs %s, housekeeping %s\n",
	       ap->profile, when, cpus ? cpus : "?", hk ? hk : "?");
	root = c->root[0] ? tune_shell_quote_dup(c->root) : NULL;
	printf("journal: %s, %zu knobs (undo: rtbpf revert%s%s)\n", j->path,
	       j->n, c->root[0] ? " --root " : "",
	       !c->root[0] ? "" :
	       root	   ? root :
			     "ROOT");
	free(root);
	free(cpus);
	free(hk);
	return true;
}

/* The records of a stage whose change takes effect at a re-exec. */
static unsigned int print_reexec(struct json_w *w, const struct journal *j)
{
	unsigned int n = 0;

	for (size_t i = 0; i < j->n; i++) {
		const struct jrec *r = &j->r[i];

		if (strcmp(r->stage, "systemd"))
			continue;
		n++;
		if (!w) {
			printf("waits for systemctl daemon-reexec or a reboot: "
			       "%s\n",
			       r->path);
			continue;
		}
		record(w, "pending", r->stage);
		json_kv_str(w, "item", r->path);
		json_kv_str(w, "until", "daemon-reexec");
		end_record(w);
	}
	return n;
}

/* The JSON stream's last record (text has none). */
static void json_summary(struct json_w *w, bool applied, unsigned int drifted,
			 unsigned int pending, const char *cmdline)
{
	if (!w)
		return;
	json_obj_begin(w);
	json_kv_str(w, "type", "summary");
	json_kv_bool(w, "applied", applied);
	json_kv_u64(w, "drifted", drifted);
	json_kv_u64(w, "pending", pending);
	if (cmdline)
		json_kv_str(w, "cmdline", cmdline);
	end_record(w);
}

static void json_begin(const struct tune_cfg *c, struct json_w *w)
{
	struct host_info hi;

	sysinfo_load(&hi);
	json_init(w, stdout);
	json_header_begin(w, "status", &hi);
	json_kv_str(w, "root", c->root);
	end_record(w);
}

static int run_status(struct tune_cfg *c)
{
	struct json_w jw, *w = c->json ? &jw : NULL;
	unsigned int drifted, pending;
	struct tune_applied ap;
	char *cmdline = NULL;
	struct journal j;
	bool have_ap;
	int err = journal_peek(&j, c);

	if (w && err != -EACCES)
		json_begin(c, w);
	if (err == -ENOENT) {
		if (!w)
			printf("nothing applied: no state file %s%s\n", c->root,
			       TUNE_STATE_FILE);
		json_summary(w, false, 0, 0, NULL);
		return EXIT_OK;
	}
	if (err) {
		log_err("status: state file %s%s: %s%s", c->root,
			TUNE_STATE_FILE, strerror(-err),
			err == -EACCES ? " (it is root's: run as root)" : "");
		return EXIT_FAIL;
	}
	have_ap = print_applied(c, w, &ap, &j);
	if (!w)
		printf("drifted since apply (another value than rtbpf "
		       "wrote):\n");
	drifted = print_drifts(c, w, &j);
	if (!w && !drifted)
		printf("  none\n");
	else if (!w)
		printf("  %u knob%s: 'rtbpf apply' writes them again, 'rtbpf "
		       "revert' leaves them unless --force\n",
		       drifted, drifted == 1 ? "" : "s");
	pending = print_reexec(w, &j);
	if (have_ap)
		pending += print_boot(c, w, &ap, &cmdline);
	json_summary(w, true, drifted, pending, cmdline);
	free(cmdline);
	journal_close(&j);
	return drifted ? EXIT_DEVIATION : EXIT_OK;
}
int cmd_status(int argc, char **argv)
{
	struct tune_cfg *c = calloc(1, sizeof(*c));
	struct tune_args ro = { 0 };
	int err, rc;

	if (!c) {
		log_err("status: out of memory");
		return EXIT_FAIL;
	}
	c->cmd = "status";
	err = tune_parse_args(&tune_status_cli, c, &ro, argc, argv);
	if (err)
		rc = err == -ENOMEM ? EXIT_FAIL : cli_exit(err);
	else
		rc = run_status(c);
	profile_free(&c->prof);
	free(c);
	return rc;
}
