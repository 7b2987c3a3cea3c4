// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The stage engine: plan every item of the selected stages (reads only),
 * check them, apply the deviating ones (journal first, then the write) and
 * revert from the journal in reverse order. A revert restores a knob only
 * when it still holds what rtbpf wrote (or already holds the original);
 * anything else was changed by someone else and is left, with a warning,
 * unless --force.
 */
#define _GNU_SOURCE
#include "tune.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "text.h"

const struct tune_stage tune_stages[] = {
	{ "boot", "kernel command line (checked, never applied)", boot_plan },
	{ "sysctl", "kernel and vm sysctls", sysctl_plan },
	{ "net", "NIC channel (queue) counts", net_plan },
	{ "memory", "transparent hugepages, KSM", memory_plan },
	{ "workqueue", "unbound workqueue and writeback cpumasks",
	  workqueue_plan },
	{ "irq", "IRQ affinity to housekeeping CPUs", irq_plan },
	{ "irqbalance", "latency CPUs banned in irqbalance's configuration",
	  irqbalance_plan },
	{ "threads", "movable threads and kthreads off the latency CPUs",
	  threads_plan },
	{ "power", "cpufreq governor, PM QoS, cpuidle, EPB", power_plan },
	{ "process", "policy, priority and affinity of --pid threads",
	  process_plan },
	{ "limits", "realtime group, limits.d rtprio and memlock",
	  limits_plan },
	{ "systemd", "service manager CPUAffinity to housekeeping CPUs",
	  systemd_plan },
};
const size_t tune_nstages = sizeof(tune_stages) / sizeof(tune_stages[0]);

int tune_stage_index(const char *name)
{
	for (size_t i = 0; i < tune_nstages; i++)
		if (!strcmp(tune_stages[i].name, name))
			return (int)i;
	return -1;
}

struct tune_item *items_add(struct item_list *l, const char *stage)
{
	struct tune_item *it;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct tune_item *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return NULL;
		}
		l->v = v;
		l->cap = cap;
	}
	it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->stage = stage;
	return it;
}

void items_free(struct item_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int tune_plan(const struct tune_cfg *c, struct item_list *l)
{
	for (size_t i = 0; i < tune_nstages; i++) {
		int err;

		if (!(c->stages & (1u << i)))
			continue;
		err = tune_stages[i].plan(c, l);
		if (err)
			return err;
	}
	return 0;
}

/* Two readings of one knob mean the same thing: same text, same bracketed
 * selection, or the same hex cpumask however many groups it prints. */
static bool values_equal(const char *a, const char *b)
{
	char x[TUNE_VAL_MAX], y[TUNE_VAL_MAX];
	struct cpuset ma, mb;

	tune_norm(a, x, sizeof(x));
	tune_norm(b, y, sizeof(y));
	if (!strcmp(x, y))
		return true;
	tune_selected(a, x, sizeof(x));
	tune_selected(b, y, sizeof(y));
	if (!strcmp(x, y))
		return true;
	if (!tune_mask_parse(a, &ma) && !tune_mask_parse(b, &mb))
		return !memcmp(&ma, &mb, sizeof(ma));
	return false;
}

static void show_value(const struct tune_item *it, const char *raw, char *out,
		       size_t len)
{
	struct cpuset s;

	if ((it->cmp == CMP_MASK || it->cmp == CMP_SUBSET) &&
	    !tune_mask_parse(raw, &s)) {
		cpuset_format(&s, out, len);
		if (!*out)
			snprintf(out, len, "(none)");
	} else if (it->cmp == CMP_SELECT) {
		tune_selected(raw, out, len);
	} else {
		tune_norm(raw, out, len);
	}
}

/* The value behind a journal kind: a file, a thread's policy or a
 * thread's affinity. */
static int kind_read(const struct tune_cfg *c, char kind, const char *path,
		     char *buf, size_t len)
{
	if (kind == 'S')
		return sched_read(atoi(path + 4), buf, len);
	if (kind == 'A')
		return aff_read(c, path, buf, len);
	if (kind == 'N')
		return netdev_read(path, buf, len);
	return tune_read(c, path, buf, len);
}

static char item_kind(const struct tune_item *it)
{
	return it->flags & IT_SCHED    ? 'S' :
	       it->flags & IT_AFFINITY ? 'A' :
	       it->flags & IT_NETDEV   ? 'N' :
					 'F';
}

static void check_one(const struct tune_cfg *c, struct tune_item *it)
{
	char raw[TUNE_VAL_MAX], err[64];
	struct cpuset a, b;
	bool same = false;
	int ret;

	if (it->cmp == CMP_NONE)
		return; /* decided by the stage's plan */
	if (!it->want_show[0])
		snprintf(it->want_show, sizeof(it->want_show), "%.*s",
			 (int)sizeof(it->want_show) - 1, it->want);
	ret = kind_read(c, item_kind(it), it->path, raw, sizeof(raw));
	if (ret) {
		snprintf(it->actual, sizeof(it->actual), "?");
		if (ret == -ENOENT && (it->flags & IT_OPTIONAL)) {
			it->st = ST_SKIP;
			snprintf(it->note, sizeof(it->note), "not present");
		} else {
			it->st = ret == -EACCES || (it->flags & IT_WARN_ONLY) ?
					 ST_WARN :
					 ST_FAIL;
			snprintf(it->note, sizeof(it->note), "read %s: %s",
				 it->path, strerror(-ret));
		}
		return;
	}
	switch (it->cmp) {
	case CMP_MASK:
		same = !tune_mask_parse(raw, &a) &&
		       !tune_mask_parse(it->want, &b) &&
		       !memcmp(&a, &b, sizeof(a));
		break;
	case CMP_SUBSET:
		same = !tune_mask_parse(raw, &a) &&
		       !tune_mask_parse(it->want, &b) && cpuset_count(&a) &&
		       cpuset_subset(&a, &b);
		break;
	case CMP_LIST: {
		char n[TUNE_VAL_MAX];

		tune_norm(raw, n, sizeof(n));
		same = !parse_cpulist(n, &a, err, sizeof(err)) &&
		       !parse_cpulist(it->want, &b, err, sizeof(err)) &&
		       !memcmp(&a, &b, sizeof(a));
		break;
	}
	case CMP_SELECT:
		tune_selected(raw, it->actual, sizeof(it->actual));
		same = !strcmp(it->actual, it->want);
		break;
	default:
		same = it->flags & IT_SCHED ? sched_equal(it->want, raw) :
					      values_equal(raw, it->want);
		break;
	}
	show_value(it, raw, it->actual, sizeof(it->actual));
	if (same) {
		it->st = ST_OK;
	} else if ((it->flags & IT_SCHED) && sched_equal_rr(it->want, raw)) {
		it->st = ST_WARN;
		snprintf(it->note, sizeof(it->note),
			 "SCHED_RR: the SCHED_FIFO fallback (FIFO refused)");
	} else {
		it->st = it->flags & IT_WARN_ONLY ? ST_WARN : ST_FAIL;
	}
}

void tune_check_items(const struct tune_cfg *c, struct item_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		check_one(c, &l->v[i]);
}

static void print_cmd(const struct tune_cfg *c, const struct tune_item *it,
		      const char *prefix)
{
	char q[2 * TUNE_VAL_MAX], full[PATH_MAX], qp[PATH_MAX + 16];

	if (it->flags & IT_SCHED) {
		sched_shell(it->want, atoi(it->path + 4), q, sizeof(q));
		printf("%s%s\n", prefix, q);
		return;
	}
	if (it->flags & IT_NETDEV) {
		netdev_shell(it->path, it->want, q, sizeof(q));
		printf("%s%s\n", prefix, q);
		return;
	}
	if ((it->flags & IT_AFFINITY) && !c->root[0]) {
		const char *tid = strrchr(it->path, '/');
		char tidbuf[32];

		/* "/proc/P/task/T/affinity": T is the component before. */
		snprintf(tidbuf, sizeof(tidbuf), "%.*s", (int)(tid - it->path),
			 it->path);
		printf("%staskset -pc %s %s\n", prefix, it->want,
		       strrchr(tidbuf, '/') + 1);
		return;
	}
	if (it->flags & IT_EXACT) {
		/* A whole config file: printf keeps its exact bytes. */
		tune_shell_quote(it->want, q, sizeof(q));
		tune_shell_quote(tune_path(c, it->path, full), qp, sizeof(qp));
		printf("%sprintf '%%s' %s > %s\n", prefix, q, qp);
		return;
	}
	tune_shell_quote(it->want, q, sizeof(q));
	tune_shell_quote(tune_path(c, it->path, full), qp, sizeof(qp));
	printf("%secho %s > %s\n", prefix, q, qp);
}

int tune_apply_items(const struct tune_cfg *c, struct item_list *l)
{
	struct journal j = { .lock_fd = -1, .fd = -1 };
	unsigned int changed = 0, unmovable = 0, pending = 0, gone = 0;
	bool irqbalance = false;
	int err = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct tune_item *it = &l->v[i];

		if (!(it->flags & IT_CHECK_ONLY) && it->st != ST_OK &&
		    it->st != ST_SKIP)
			pending++;
	}
	if (c->dry_run) {
		for (size_t i = 0; i < l->n; i++) {
			const struct tune_item *it = &l->v[i];

			if (!(it->flags & IT_CHECK_ONLY) && it->st != ST_OK &&
			    it->st != ST_SKIP) {
				print_cmd(c, it, "");
				irqbalance |= !strcmp(it->stage, "irqbalance");
			}
		}
		if (irqbalance)
			irqbalance_restart(c, true);
		printf("# dry run: %u change%s, nothing written\n", pending,
		       pending == 1 ? "" : "s");
		return 0;
	}
	err = journal_open(&j, c, true);
	if (err)
		return err;
	for (size_t i = 0; i < l->n; i++) {
		struct tune_item *it = &l->v[i];
		struct jrec r = { 0 };
		char raw[TUNE_VAL_MAX];

		if ((it->flags & IT_CHECK_ONLY) || it->st == ST_OK ||
		    it->st == ST_SKIP)
			continue;
		r.kind = item_kind(it);
		err = kind_read(c, r.kind, it->path, raw, sizeof(raw));
		if (err == -ENOENT && (it->flags & IT_CREATE)) {
			r.kind = 'C'; /* revert removes what rtbpf created */
			raw[0] = '\0';
			err = 0;
		}
		if ((err == -ESRCH || err == -ENOENT) &&
		    (it->flags & IT_AFFINITY)) {
			gone++; /* the thread exited since the plan */
			err = 0;
			continue;
		}
		if (err) {
			log_err("%s: %s: read %s before the change: %s", c->cmd,
				it->stage, it->path, strerror(-err));
			goto cleanup;
		}
		snprintf(r.stage, sizeof(r.stage), "%s", it->stage);
		snprintf(r.path, sizeof(r.path), "%s", it->path);
		snprintf(r.old, sizeof(r.old), "%s", raw);
		if (it->cmp == CMP_SELECT)
			tune_selected(raw, r.restore, sizeof(r.restore));
		else
			tune_norm(raw, r.restore, sizeof(r.restore));
		snprintf(r.new_, sizeof(r.new_), "%s", it->want);
		err = journal_record(&j, &r);
		if (err) {
			log_err("%s: state file %s: append: %s; %s not changed",
				c->cmd, j.path, strerror(-err), it->path);
			goto cleanup;
		}
		print_cmd(c, it, "+ ");
		fflush(stdout);
		if (r.kind == 'S')
			err = sched_write(atoi(it->path + 4), it->want);
		else if (r.kind == 'A')
			err = aff_write(c, it->path, it->want, false);
		else if (r.kind == 'N')
			err = netdev_write(it->path, it->want);
		else if (r.kind == 'C')
			err = tune_create(c, it->path, it->want);
		else
			err = tune_write(c, it->path, it->want,
					 it->flags & IT_EXACT);
		if ((err == -ESRCH || err == -ENOENT) &&
		    (it->flags & IT_AFFINITY)) {
			gone++;
			err = 0;
			continue;
		}
		if ((err == -EIO && (it->flags & IT_MOVABLE)) ||
		    (err == -EINVAL && (it->flags & IT_AFFINITY))) {
			char name[TEXT_ESC_SIZE(80)];

			text_escape(name, sizeof(name), it->name,
				    strlen(it->name));
			printf("  %s: unmovable (%s: managed or per-CPU); left "
			       "as is\n",
			       name, err == -EIO ? "EIO" : "EINVAL");
			snprintf(it->note, sizeof(it->note), "unmovable (%s)",
				 err == -EIO ? "EIO" : "EINVAL");
			if (it->flags & IT_MOVABLE) {
				err = irq_mark_unmovable(c, it->path);
				if (err)
					log_warn("%s: %s: recording %s as "
						 "unmovable: %s",
						 c->cmd, it->stage, it->path,
						 strerror(-err));
			}
			unmovable++;
			err = 0;
			continue;
		}
		if (err) {
			log_err("%s: %s: write %s = %s: %s; 'rtbpf revert' undoes "
				"the %u change%s made so far",
				c->cmd, it->stage, it->path, it->want,
				strerror(-err), changed,
				changed == 1 ? "" : "s");
			goto cleanup;
		}
		changed++;
		irqbalance |= !strcmp(it->stage, "irqbalance");
		tune_fault_point("write");
	}
	if (irqbalance)
		irqbalance_restart(c, false);
	printf("applied %u change%s", changed, changed == 1 ? "" : "s");
	if (unmovable)
		printf(", %u unmovable IRQ%s left", unmovable,
		       unmovable == 1 ? "" : "s");
	if (gone)
		printf(", %u thread%s exited meanwhile", gone,
		       gone == 1 ? "" : "s");
	printf("; journal %s (undo: rtbpf revert%s%s)\n", j.path,
	       c->root[0] ? " --root " : "", c->root);
cleanup:
	journal_close(&j);
	return err;
}

/* Do a and b mean the same value of this record's knob? */
static bool rec_equal(const struct tune_cfg *c, const struct jrec *r,
		      const char *a, const char *b)
{
	if (r->kind == 'S')
		return sched_equal(a, b) || sched_equal_rr(a, b);
	if (r->kind == 'A' && !c->root[0])
		return cpulist_equal(a, b);
	return values_equal(a, b);
}

/* 'C': the file rtbpf created goes, unless someone changed it. */
static int revert_created(const struct tune_cfg *c, const struct jrec *r,
			  unsigned int *conflicts)
{
	char cur[TUNE_VAL_MAX], full[PATH_MAX];
	int err = tune_read(c, r->path, cur, sizeof(cur));

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (strcmp(cur, r->new_) && !c->force) {
		log_warn("%s: %s: %s (created by rtbpf) changed by someone "
			 "else since apply; left alone, 'revert --force' "
			 "removes it",
			 c->cmd, r->stage, r->path);
		(*conflicts)++;
		return 0;
	}
	printf("+ rm -f %s\n", tune_path(c, r->path, full));
	fflush(stdout);
	return tune_unlink(c, r->path);
}

int tune_revert(const struct tune_cfg *c)
{
	struct journal j;
	unsigned int restored = 0, conflicts = 0, failed = 0;
	bool irqbalance = false;
	int err;

	err = journal_open(&j, c, false);
	if (err)
		return err;
	if (j.fd < 0) {
		printf("nothing to revert: no state file %s%s\n", c->root,
		       TUNE_STATE_FILE);
		goto cleanup;
	}
	for (size_t k = j.n; k-- > 0;) {
		const struct jrec *r = &j.r[k];
		char cur[TUNE_VAL_MAX], q[2 * TUNE_VAL_MAX], full[PATH_MAX];
		bool kernel;

		if (r->kind == 'C') {
			unsigned int before = conflicts;

			err = revert_created(c, r, &conflicts);
			if (err) {
				log_err("%s: %s: remove %s: %s", c->cmd,
					r->stage, r->path, strerror(-err));
				failed++;
			} else if (before == conflicts) {
				restored++;
			}
			continue;
		}
		if (r->kind == 'N' && !net_allowed(c)) {
			log_err("%s: %s: %s: under --root NICs are only "
				"restored inside a network namespace of their "
				"own; state file kept",
				c->cmd, r->stage, r->path);
			failed++;
			continue;
		}
		err = kind_read(c, r->kind, r->path, cur, sizeof(cur));
		if (err == -ENOENT || err == -ESRCH) {
			log_warn("%s: %s: %s is gone; nothing to restore",
				 c->cmd, r->stage, r->path);
			continue;
		}
		if (err) {
			log_err("%s: %s: read %s: %s", c->cmd, r->stage,
				r->path, strerror(-err));
			failed++;
			continue;
		}
		kernel = r->kind == 'S' || r->kind == 'N' ||
			 (r->kind == 'A' && !c->root[0]) ||
			 (r->kind == 'F' && tune_is_kernel_file(c, r->path));
		/* Byte-exact on plain files; equal in meaning on kernel ones. */
		if (kernel ? (r->kind == 'S' ? sched_equal(r->old, cur) :
					       rec_equal(c, r, cur, r->old)) :
			     !strcmp(cur, r->old))
			continue;
		if (!rec_equal(c, r, r->new_, cur) && !c->force) {
			log_warn("%s: %s: %s changed by someone else since "
				 "apply (rtbpf wrote '%s'); left alone, "
				 "'revert --force' restores it",
				 c->cmd, r->stage, r->path, r->new_);
			conflicts++;
			continue;
		}
		if (r->kind == 'S') {
			sched_shell(r->old, atoi(r->path + 4), q, sizeof(q));
			printf("+ %s\n", q);
			fflush(stdout);
			err = sched_write(atoi(r->path + 4), r->old);
		} else if (r->kind == 'N') {
			netdev_shell(r->path, r->old, q, sizeof(q));
			printf("+ %s\n", q);
			fflush(stdout);
			err = netdev_write(r->path, r->old);
		} else if (r->kind == 'A' && !c->root[0]) {
			int pid = 0, tid = 0;

			sscanf(r->path, "/proc/%d/task/%d", &pid, &tid);
			printf("+ taskset -pc %s %d\n", r->old, tid);
			fflush(stdout);
			err = aff_write(c, r->path, r->old, false);
		} else {
			/* The shell form; a plain file gets its exact bytes. */
			size_t ol = strlen(r->old);
			bool multi = !kernel && ol &&
				     memchr(r->old, '\n', ol - 1);

			tune_shell_quote(multi ? r->old : r->restore, q,
					 sizeof(q));
			printf(multi ? "+ printf '%%s' %s > %s\n" :
				       "+ echo %s > %s\n",
			       q, tune_path(c, r->path, full));
			fflush(stdout);
			err = kernel ? tune_write(c, r->path, r->restore,
						  false) :
				       tune_write(c, r->path, r->old, true);
		}
		if (err) {
			log_err("%s: %s: restore %s: %s", c->cmd, r->stage,
				r->path, strerror(-err));
			failed++;
			continue;
		}
		restored++;
		irqbalance |= !strcmp(r->stage, "irqbalance");
	}
	if (irqbalance)
		irqbalance_restart(c, false);
	err = 0;
	if (failed || conflicts) {
		log_err("%s: %u restored, %u failed, %u changed by others; "
			"state file %s kept",
			c->cmd, restored, failed, conflicts, j.path);
		err = -EAGAIN;
		goto cleanup;
	}
	err = journal_remove(&j);
	if (err) {
		log_err("%s: state file %s: unlink: %s", c->cmd, j.path,
			strerror(-err));
		goto cleanup;
	}
	printf("reverted: %u restored, %zu recorded; state file removed\n",
	       restored, j.n);
cleanup:
	journal_close(&j);
	return err;
}
