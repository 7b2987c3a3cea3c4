// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * apply: every item that is not OK is changed through its kind, after its
 * previous value is journaled (appended and fsynced), and after the shell
 * command that does the same is printed (without -v, a run of many of
 * one sort, every IRQ's affinity, as its first few and one line for the
 * rest); --dry-run prints the commands only. Stages with a post hook (irqbalance) get it once after their knobs
 * changed.
 */
#define _GNU_SOURCE
#include "engine.h"
#include "applied.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "journal.h"
#include "kind.h"
#include "log.h"
#include "quiet.h"
#include "stage.h"
#include "text.h"
#include "unmovable.h"
#include "values.h"

struct apply_run {
	const struct tune_cfg *c;
	struct cmd_quiet q;
	struct journal j;
	unsigned int changed, unmovable, gone;
	unsigned int posts; /* bit per stage index: run its post hook */
};

static bool pending(const struct tune_item *it)
{
	return !(it->flags & IT_CHECK_ONLY) && it->st != ST_OK &&
	       it->st != ST_SKIP;
}

static struct knob item_knob(const struct tune_item *it)
{
	return (struct knob){ .kind = it->kind,
			      .path = it->path,
			      .tid = it->tid };
}

/* Refused before the first change: a value over the limit, a host thread
 * of another session under --root. 0 or -errno (logged). */
static int preflight(const struct tune_cfg *c, const struct tune_item *it)
{
	/* Values are bounded (TUNE_VAL_MAX: a CPU list of every CPU a host
	 * can have, with room): never cut one short. */
	if (strlen(it->want) >= TUNE_VAL_MAX) {
		log_err("%s: %s: %s: the value is %zu bytes, over the %d-byte "
			"value limit (TUNE_VAL_MAX); nothing changed",
			c->cmd, it->stage, it->name, strlen(it->want),
			TUNE_VAL_MAX - 1);
		return -E2BIG;
	}
	if ((it->kind->flags & KIND_HOST_THREAD) && c->root[0] &&
	    getsid(it->tid) != getsid(0)) {
		log_err("%s: %s: %s: not a thread of this session: under "
			"--root rtbpf changes only real threads of its own "
			"session; nothing changed",
			c->cmd, it->stage, it->name);
		return -EPERM;
	}
	return 0;
}

/* The shell command that does what applying it does; -ENOMEM when it
 * could not be formed (nothing printed). A hex mask reads like a CPU
 * number ("echo 3" is CPUs 0-1): a comment says which CPUs, and which
 * before. */
static int print_cmd(const struct tune_cfg *c, const struct tune_item *it,
		     const char *prefix)
{
	struct knob k = item_knob(it);
	char *cmd = it->kind->shell(c, &k, it->want, it->flags & IT_EXACT);
	char *why = NULL;

	if (!cmd) {
		log_err("%s: %s: %s: the shell command: out of memory", c->cmd,
			it->stage, it->path);
		return -ENOMEM;
	}
	if (it->cmp == CMP_MASK || it->cmp == CMP_SUBSET)
		why = tune_mask_comment(it->want, it->actual);
	printf("%s%s%s\n", prefix, cmd, why ? why : "");
	free(cmd);
	free(why);
	return 0;
}

/* The quiet.h view of item i: pending items of a group label. */
static void item_entry(const void *ctx, size_t i, struct quiet_entry *e)
{
	const struct tune_item *it = &((const struct item_list *)ctx)->v[i];

	*e = (struct quiet_entry){ .stage = it->stage,
				   .sort = it->group,
				   .id = it->gid,
				   .todo = pending(it) };
}

static int dry_run(const struct tune_cfg *c, const struct item_list *l,
		   unsigned int npending)
{
	unsigned int posts = 0;
	struct cmd_quiet q;

	quiet_init(&q, l->n, item_entry, l);
	for (size_t i = 0; i < l->n; i++) {
		if (!pending(&l->v[i]))
			continue;
		if (quiet_shown(&q, i, "") && print_cmd(c, &l->v[i], "")) {
			quiet_fini(&q);
			return -ENOMEM;
		}
		posts |= tune_stage_bit(l->v[i].stage);
	}
	quiet_fini(&q);
	tune_stages_post(c, posts, true);
	printf("# dry run: %u change%s, nothing written\n", npending,
	       npending == 1 ? "" : "s");
	return 0;
}

/* The journal record of it, before it is changed; *kind the record's kind
 * (kind_created for a file that does not exist yet). -ESRCH / -ENOENT for
 * a thread gone meanwhile (not logged), else 0 or -errno logged. */
static int journal_item(const struct tune_cfg *c, struct journal *j,
			const struct tune_item *it,
			const struct knob_kind **kind)
{
	struct jrec r = { .kind = it->kind, .tid = it->tid };
	struct knob k = item_knob(it);
	char *raw = NULL, *restore = NULL;
	int err;

	snprintf(r.path, sizeof(r.path), "%s", it->path);
	snprintf(r.stage, sizeof(r.stage), "%s", it->stage);
	err = knob_read(c, &k, &raw);
	if (!err && (r.kind->flags & KIND_THREAD)) {
		err = thread_start(c, &k, &r.start); /* revert re-identifies */
		r.has_start = !err;
	}
	if (err == -ENOENT && (it->flags & IT_CREATE)) {
		r.kind = &kind_created; /* revert removes what rtbpf created */
		raw = strdup("");
		err = raw ? 0 : -ENOMEM;
	}
	if ((err == -ESRCH || err == -ENOENT) &&
	    (it->kind->flags & KIND_MAY_VANISH))
		goto cleanup; /* the thread exited since the plan */
	if (err) {
		log_err("%s: %s: read %s before the change: %s", c->cmd,
			it->stage, it->path, strerror(-err));
		goto cleanup;
	}
	restore = it->cmp == CMP_SELECT ? tune_selected_dup(raw) :
					  tune_norm_dup(raw);
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

/* A write the kernel refused because the knob cannot move (EIO of an IRQ,
 * EINVAL of a per-CPU thread): reported and listed, not failed. */
static void note_unmovable(struct apply_run *a, struct tune_item *it, int err)
{
	const char *why = err == -EIO ? "EIO" : "EINVAL";
	char name[TEXT_ESC_SIZE(80)];

	text_escape(name, sizeof(name), it->name, strlen(it->name));
	printf("  %s: unmovable (%s: managed or per-CPU); left as is\n", name,
	       why);
	snprintf(it->note, sizeof(it->note), "unmovable (%s)", why);
	if (it->flags & IT_MOVABLE) {
		err = unmovable_mark(a->c, it->path);
		if (err)
			log_warn("%s: %s: recording %s as unmovable: %s",
				 a->c->cmd, it->stage, it->path,
				 strerror(-err));
	}
	a->unmovable++;
}

/* The thread of it exited since the plan (its read or write says so). */
static bool vanished(const struct tune_item *it, int err)
{
	return (err == -ESRCH || err == -ENOENT) &&
	       (it->kind->flags & KIND_MAY_VANISH);
}

/* Journal, print (when show), write one item. 0 (also when skipped) or
 * -errno, logged. */
static int apply_one(struct apply_run *a, struct tune_item *it, bool show)
{
	const struct tune_cfg *c = a->c;
	struct knob k = item_knob(it);
	int err = journal_item(c, &a->j, it, &k.kind);

	if (!err) {
		/* never a change that was not shown, one by one or in the
		 * line announcing its run (the record alone is harmless:
		 * revert finds the original in place) */
		err = show ? print_cmd(c, it, "+ ") : 0;
		if (err)
			return err;
		fflush(stdout);
		err = k.kind->write(c, &k, it->want, it->flags & IT_EXACT);
	} else if (!vanished(it, err)) {
		return err;
	}
	if (vanished(it, err)) {
		a->gone++;
		return 0;
	}
	if ((err == -EIO && (it->flags & IT_MOVABLE)) ||
	    (err == -EINVAL && (k.kind->flags & KIND_EINVAL_UNMOVABLE))) {
		note_unmovable(a, it, err);
		return 0;
	}
	if (err) {
		log_err("%s: %s: write %s = %s: %s; 'rtbpf revert' undoes the "
			"%u change%s made so far",
			c->cmd, it->stage, it->path, it->want, strerror(-err),
			a->changed, a->changed == 1 ? "" : "s");
		return err;
	}
	a->changed++;
	a->posts |= tune_stage_bit(it->stage);
	tune_fault_point("write");
	return 0;
}

static void print_summary(const struct apply_run *a)
{
	const struct tune_cfg *c = a->c;
	char *root;
	const char *hint;

	printf("applied %u change%s", a->changed, a->changed == 1 ? "" : "s");
	if (a->unmovable)
		printf(", %u unmovable IRQ%s left", a->unmovable,
		       a->unmovable == 1 ? "" : "s");
	if (a->gone)
		printf(", %u thread%s exited meanwhile", a->gone,
		       a->gone == 1 ? "" : "s");
	/* a shell command: the root quoted */
	root = c->root[0] ? tune_shell_quote_dup(c->root) : NULL;
	hint = !c->root[0] ? "" : root ? root : "ROOT";
	printf("; journal %s (undo: rtbpf revert%s%s)\n", a->j.path,
	       c->root[0] ? " --root " : "", hint);
	free(root);
}

/* What apply cannot do: the boot knobs the running kernel lacks. */
static void print_reboot(const struct item_list *l)
{
	unsigned int n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += !strcmp(l->v[i].stage, "boot") &&
		     (l->v[i].st == ST_WARN || l->v[i].st == ST_FAIL);
	if (n)
		printf("%u boot knob%s wait%s for a reboot with the kernel "
		       "command line 'rtbpf status' shows\n",
		       n, n == 1 ? "" : "s", n == 1 ? "s" : "");
}

int tune_apply_items(const struct tune_cfg *c, struct item_list *l)
{
	struct apply_run a = { .c = c };
	unsigned int npending = 0;
	int err = 0;

	unsigned int nreal = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (!pending(&l->v[i]))
			continue;
		npending++;
		err = preflight(c, &l->v[i]);
		if (err)
			return err;
		nreal += c->root[0] && (l->v[i].kind->flags & KIND_HOST_THREAD);
	}
	/* a trial on a fake tree still sets real threads (--pid): say so */
	if (nreal)
		log_warn("%s: --root: %u change%s to real threads of this "
			 "session (--pid: policy, CPUs) %s made for real, not "
			 "in %s",
			 c->cmd, nreal, nreal == 1 ? "" : "s",
			 c->dry_run ? "would be" :
			 nreal == 1 ? "is" :
				      "are",
			 c->root);
	if (c->dry_run)
		return dry_run(c, l, npending);
	err = journal_open(&a.j, c, true);
	if (err)
		return err;
	/* for status and a plain check; the journal alone undoes apply */
	err = applied_write(c, a.j.dir_fd, c->profile_src);
	if (err)
		log_warn(
			"%s: %s%s: %s; status and check will not know this run",
			c->cmd, c->root, TUNE_APPLIED_FILE, strerror(-err));
	err = 0;
	quiet_init(&a.q, l->n, item_entry, l);
	for (size_t i = 0; i < l->n && !err; i++)
		if (pending(&l->v[i]))
			err = apply_one(&a, &l->v[i], quiet_shown(&a.q, i, ""));
	if (!err) {
		tune_stages_post(c, a.posts, false);
		print_summary(&a);
		print_reboot(l);
	}
	quiet_fini(&a.q);
	journal_close(&a.j);
	return err;
}
