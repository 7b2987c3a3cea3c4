// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The stage engine: plan every item of the selected stages (reads only),
 * check them, apply the deviating ones (journal first, then the write).
 * revert.c replays the journal backwards.
 */
#define _GNU_SOURCE
#include "tune.h"

#include <errno.h>
#include <stdarg.h>
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

/* The value of every field not set: never freed. */
static const char no_value[] = "";

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
	it->want = it->want_show = it->actual = no_value;
	return it;
}

int item_take(struct tune_item *it, const char **field, char *str)
{
	if (*field != no_value)
		free((char *)*field);
	*field = str ? str : no_value;
	if (!str) {
		it->nomem = true;
		return -ENOMEM;
	}
	return 0;
}

int item_setf(struct tune_item *it, const char **field, const char *fmt, ...)
{
	va_list ap;
	char *str;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&str, fmt, ap);
	va_end(ap);
	return item_take(it, field, n < 0 ? NULL : str);
}

int item_set_list(struct tune_item *it, const char **field,
		  const struct cpuset *s)
{
	/* Most items of a big host show the same set (the housekeeping CPUs
	 * of every IRQ and thread): format it once, copy it after. */
	static struct cpuset last;
	static char *last_str;

	if (!last_str || memcmp(&last, s, sizeof(last))) {
		char *str = cpuset_str(s);

		if (!str)
			return item_take(it, field, NULL);
		free(last_str);
		last_str = str;
		last = *s;
	}
	return item_take(it, field, strdup(last_str));
}

int item_set_mask(struct tune_item *it, const char **field,
		  const struct cpuset *s)
{
	/* 9 bytes per 32-bit group ("%08x,") and the NUL */
	size_t len = (size_t)(cpuset_last(s) / 32 + 1) * 9 + 1;
	char *str = malloc(len);

	if (str && tune_mask_format(s, str, len) < 0) {
		free(str);
		str = NULL;
	}
	return item_take(it, field, str);
}

void items_free(struct item_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct tune_item *it = &l->v[i];

		item_take(it, &it->want, (char *)no_value);
		item_take(it, &it->want_show, (char *)no_value);
		item_take(it, &it->actual, (char *)no_value);
	}
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
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].nomem)
			return -ENOMEM;
	return 0;
}

/* tune_norm / tune_selected of in, in a new string (neither makes text
 * longer); NULL + errno (ENOMEM). */
static char *norm_dup(const char *in)
{
	size_t len = strlen(in) + 1;
	char *out = malloc(len);

	if (out)
		tune_norm(in, out, len);
	return out;
}

static char *selected_dup(const char *in)
{
	size_t len = strlen(in) + 1;
	char *out = malloc(len);

	if (out)
		tune_selected(in, out, len);
	return out;
}

/* Same text after f on both (false when out of memory: a difference). */
static bool same_after(char *(*f)(const char *), const char *a, const char *b)
{
	char *x = f(a), *y = f(b);
	bool same = x && y && !strcmp(x, y);

	free(x);
	free(y);
	return same;
}

bool tune_values_equal(const char *a, const char *b)
{
	struct cpuset ma, mb;

	if (!strcmp(a, b) || same_after(norm_dup, a, b) ||
	    same_after(selected_dup, a, b))
		return true;
	if (!tune_mask_parse(a, &ma) && !tune_mask_parse(b, &mb))
		return !memcmp(&ma, &mb, sizeof(ma));
	return false;
}

static void show_value(struct tune_item *it, const char *raw)
{
	struct cpuset s;

	if ((it->cmp == CMP_MASK || it->cmp == CMP_SUBSET) &&
	    !tune_mask_parse(raw, &s)) {
		if (cpuset_count(&s))
			item_set_list(it, &it->actual, &s);
		else
			item_setf(it, &it->actual, "(none)");
		return;
	}
	item_take(it, &it->actual,
		  it->cmp == CMP_SELECT ? selected_dup(raw) : norm_dup(raw));
}

int tune_kind_read(const struct tune_cfg *c, char kind, const char *path,
		   char **out)
{
	/* One read for all but the CPU lists of big hosts, which take a
	 * round or two more (a read is whole, -EFBIG when it did not fit);
	 * the buffer is the caller's for a moment only. */
	size_t len = 4096;

	*out = NULL;
	for (;;) {
		char *buf = malloc(len);
		int err;

		if (!buf)
			return -ENOMEM;
		if (kind == 'S')
			err = sched_read(atoi(path + 4), buf, len);
		else if (kind == 'A')
			err = aff_read(c, path, buf, len);
		else if (kind == 'N')
			err = netdev_read(path, buf, len);
		else
			err = tune_read(c, path, buf, len);
		if (!err) {
			*out = buf;
			return 0;
		}
		free(buf);
		if (err != -EFBIG || len >= TUNE_VAL_MAX)
			return err;
		len = len * 4 < TUNE_VAL_MAX ? len * 4 : TUNE_VAL_MAX;
	}
}

char *tune_shell_quote_dup(const char *in)
{
	/* at worst 4 bytes a byte ("\ooo"), the printf around, quotes */
	size_t len = 4 * strlen(in) + 32;
	char *out = malloc(len);

	if (out && tune_shell_quote(in, out, len)) {
		free(out);
		errno = ENOSPC;
		return NULL;
	}
	return out;
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
	char *raw = NULL, *text, err[64];
	struct cpuset a, b;
	bool same = false;
	int ret;

	if (it->cmp == CMP_NONE)
		return; /* decided by the stage's plan */
	if (!it->want_show[0])
		item_setf(it, &it->want_show, "%s", it->want);
	ret = tune_kind_read(c, item_kind(it), it->path, &raw);
	if (ret) {
		item_setf(it, &it->actual, "?");
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
	case CMP_LIST:
		text = norm_dup(raw);
		same = text && !parse_cpulist(text, &a, err, sizeof(err)) &&
		       !parse_cpulist(it->want, &b, err, sizeof(err)) &&
		       !memcmp(&a, &b, sizeof(a));
		free(text);
		break;
	case CMP_SELECT:
		text = selected_dup(raw);
		same = text && !strcmp(text, it->want);
		free(text);
		break;
	default:
		same = it->flags & IT_SCHED ? sched_equal(it->want, raw) :
					      tune_values_equal(raw, it->want);
		break;
	}
	show_value(it, raw);
	if (same) {
		it->st = ST_OK;
	} else if ((it->flags & IT_SCHED) && sched_equal_rr(it->want, raw)) {
		it->st = ST_WARN;
		snprintf(it->note, sizeof(it->note),
			 "SCHED_RR: the SCHED_FIFO fallback (FIFO refused)");
	} else {
		it->st = it->flags & IT_WARN_ONLY ? ST_WARN : ST_FAIL;
	}
	free(raw);
}

void tune_check_items(const struct tune_cfg *c, struct item_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		check_one(c, &l->v[i]);
}

/* The shell command that does what applying it does; -ENOMEM when it
 * could not be formed (nothing printed). */
static int print_cmd(const struct tune_cfg *c, const struct tune_item *it,
		     const char *prefix)
{
	char *q = NULL, *qp = NULL, full[PATH_MAX];
	int err = 0;

	if (it->flags & IT_SCHED) {
		q = sched_shell(it->want, atoi(it->path + 4));
		if (q)
			printf("%s%s\n", prefix, q);
	} else if (it->flags & IT_NETDEV) {
		char nq[512];

		netdev_shell(it->path, it->want, nq, sizeof(nq));
		printf("%s%s\n", prefix, nq);
		return 0;
	} else if ((it->flags & IT_AFFINITY) && !c->root[0]) {
		const char *tid = strrchr(it->path, '/');
		char tidbuf[32];

		/* "/proc/P/task/T/affinity": T is the component before. */
		snprintf(tidbuf, sizeof(tidbuf), "%.*s", (int)(tid - it->path),
			 it->path);
		q = tune_shell_quote_dup(it->want);
		if (q)
			printf("%staskset -pc %s %s\n", prefix, q,
			       strrchr(tidbuf, '/') + 1);
	} else {
		q = tune_shell_quote_dup(it->want);
		qp = tune_shell_quote_dup(tune_path(c, it->path, full));
		/* A whole config file: printf keeps its exact bytes. */
		if (q && qp)
			printf(it->flags & IT_EXACT ?
				       "%sprintf '%%s' %s > %s\n" :
				       "%secho %s > %s\n",
			       prefix, q, qp);
		else
			err = -ENOMEM;
	}
	if (!q)
		err = -ENOMEM;
	if (err)
		log_err("%s: %s: %s: the shell command: out of memory", c->cmd,
			it->stage, it->path);
	free(q);
	free(qp);
	return err;
}

/* The journal record of it, before it is changed; *kind the record's kind.
 * -ESRCH / -ENOENT for a thread gone meanwhile (not logged), else 0 or
 * -errno logged. */
static int journal_item(const struct tune_cfg *c, struct journal *j,
			const struct tune_item *it, char *kind)
{
	struct jrec r = { .kind = item_kind(it) };
	char *raw = NULL, *restore = NULL;
	int err;

	snprintf(r.path, sizeof(r.path), "%s", it->path);
	snprintf(r.stage, sizeof(r.stage), "%s", it->stage);
	err = tune_kind_read(c, r.kind, it->path, &raw);
	if (!err && (r.kind == 'S' || r.kind == 'A'))
		err = thread_start(c, &r); /* revert re-identifies it */
	if (err == -ENOENT && (it->flags & IT_CREATE)) {
		r.kind = 'C'; /* revert removes what rtbpf created */
		raw = strdup("");
		err = raw ? 0 : -ENOMEM;
	}
	if ((err == -ESRCH || err == -ENOENT) && (it->flags & IT_AFFINITY))
		goto cleanup; /* the thread exited since the plan */
	if (err) {
		log_err("%s: %s: read %s before the change: %s", c->cmd,
			it->stage, it->path, strerror(-err));
		goto cleanup;
	}
	restore = it->cmp == CMP_SELECT ? selected_dup(raw) : norm_dup(raw);
	r.old = raw;
	r.restore = restore;
	r.new_ = (char *)it->want;
	err = restore ? journal_record(j, &r) : -ENOMEM;
	if (err)
		log_err("%s: state file %s: append: %s; %s not changed", c->cmd,
			j->path, strerror(-err), it->path);
	*kind = r.kind;
cleanup:
	free(raw);
	free(restore);
	return err;
}

int tune_apply_items(const struct tune_cfg *c, struct item_list *l)
{
	struct journal j = { .dir_fd = -1, .lock_fd = -1, .fd = -1 };
	unsigned int changed = 0, unmovable = 0, pending = 0, gone = 0;
	bool irqbalance = false;
	char *root;
	const char *hint;
	int err = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct tune_item *it = &l->v[i];

		if ((it->flags & IT_CHECK_ONLY) || it->st == ST_OK ||
		    it->st == ST_SKIP)
			continue;
		pending++;
		/* Values are bounded (TUNE_VAL_MAX: a CPU list of every
		 * CPU a host can have, with room): refuse before the first
		 * change, never cut one short. */
		if (strlen(it->want) >= TUNE_VAL_MAX) {
			log_err("%s: %s: %s: the value is %zu bytes, over the "
				"%d-byte value limit (TUNE_VAL_MAX); nothing "
				"changed",
				c->cmd, it->stage, it->name, strlen(it->want),
				TUNE_VAL_MAX - 1);
			return -E2BIG;
		}
		err = thread_session_check(c, it);
		if (err)
			return err;
	}
	if (c->dry_run) {
		for (size_t i = 0; i < l->n; i++) {
			const struct tune_item *it = &l->v[i];

			if (!(it->flags & IT_CHECK_ONLY) && it->st != ST_OK &&
			    it->st != ST_SKIP) {
				if (print_cmd(c, it, ""))
					return -ENOMEM;
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
		char kind = 0;

		if ((it->flags & IT_CHECK_ONLY) || it->st == ST_OK ||
		    it->st == ST_SKIP)
			continue;
		err = journal_item(c, &j, it, &kind);
		if ((err == -ESRCH || err == -ENOENT) &&
		    (it->flags & IT_AFFINITY)) {
			gone++; /* the thread exited since the plan */
			err = 0;
			continue;
		}
		if (err)
			goto cleanup; /* logged */
		/* never a change that was not shown (the record alone is
		 * harmless: revert finds the original in place) */
		err = print_cmd(c, it, "+ ");
		if (err)
			goto cleanup;
		fflush(stdout);
		if (kind == 'S')
			err = sched_write(atoi(it->path + 4), it->want);
		else if (kind == 'A')
			err = aff_write(c, it->path, it->want, false);
		else if (kind == 'N')
			err = netdev_write(it->path, it->want);
		else if (kind == 'C')
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
	/* a shell command: the root quoted */
	root = c->root[0] ? tune_shell_quote_dup(c->root) : NULL;
	hint = !c->root[0] ? "" : root ? root : "ROOT";
	printf("; journal %s (undo: rtbpf revert%s%s)\n", j.path,
	       c->root[0] ? " --root " : "", hint);
	free(root);
cleanup:
	journal_close(&j);
	return err;
}
