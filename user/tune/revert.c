// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * revert: the journal replayed in reverse order. A knob is restored only
 * when it still holds what rtbpf wrote (or already holds the original);
 * anything else was changed by someone else and is left, with a warning,
 * unless --force. Before a record is acted on, the temp file of a write
 * killed midway is removed, and a thread record's thread is re-identified
 * by its start time (a reused TID is left alone). The state file goes only
 * after a complete revert. Every knob is read, compared and written through
 * its kind's ops. --dry-run goes through the same steps, printing the
 * commands without the "+ " and writing, removing or restarting nothing.
 */
#define _GNU_SOURCE
#include "engine.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "journal.h"
#include "kind.h"
#include "log.h"
#include "quiet.h"
#include "stage.h"
#include "values.h"

/* What became of one record. */
enum rev { REV_RESTORED, REV_SKIPPED, REV_CONFLICT, REV_FAILED };

/* KIND_REMOVE: the file rtbpf created goes, unless someone changed it. */
static enum rev revert_created(const struct tune_cfg *c, const struct jrec *r,
			       bool show)
{
	struct knob k = jrec_knob(r);
	char *cur = NULL, *q = NULL, full[PATH_MAX];
	enum rev res = REV_RESTORED;
	int err = knob_read(c, &k, &cur);

	if (err == -ENOENT)
		return REV_RESTORED;
	if (!err && strcmp(cur, r->new_) && !c->force) {
		log_warn("%s: %s: %s (created by rtbpf) changed by someone "
			 "else since apply; left alone, 'revert --force' "
			 "removes it",
			 c->cmd, r->stage, r->path);
		res = REV_CONFLICT;
		goto cleanup;
	}
	if (!err) {
		q = tune_shell_quote_dup(tune_path(c, r->path, full));
		err = q ? 0 : -ENOMEM;
	}
	if (!err) {
		if (show)
			printf("%srm -f %s\n", c->dry_run ? "" : "+ ", q);
		fflush(stdout);
		err = c->dry_run ? 0 : tune_unlink(c, r->path);
	}
	if (err) {
		log_err("%s: %s: remove %s: %s", c->cmd, r->stage, r->path,
			strerror(-err));
		res = REV_FAILED;
	}
cleanup:
	free(cur);
	free(q);
	return res;
}

/*
 * The shell command that restores r (printed before the change) and the
 * change itself: a kernel file takes r->restore as it reads back, a plain
 * file the exact bytes of r->old (shown with printf when it has several
 * lines), a thread or NIC the value read at apply.
 */
static int restore_one(const struct tune_cfg *c, const struct jrec *r,
		       enum knob_restore mode, bool show)
{
	struct knob k = jrec_knob(r);
	size_t ol = strlen(r->old);
	bool multi = mode == RESTORE_EXACT && ol &&
		     memchr(r->old, '\n', ol - 1);
	const char *shown = mode == RESTORE_AS_READ || multi ? r->old :
							       r->restore;
	char *cmd = r->kind->shell(c, &k, shown, multi);
	char *why = NULL;

	if (!cmd)
		return -ENOMEM;
	/* a hex mask's meaning (apply.c says the same) */
	if (r->kind == &kind_file && tune_is_mask_path(r->path))
		why = tune_mask_comment(r->restore, NULL);
	if (show)
		printf("%s%s%s\n", c->dry_run ? "" : "+ ", cmd, why ? why : "");
	fflush(stdout);
	free(cmd);
	free(why);
	if (c->dry_run)
		return 0;
	return r->kind->write(c, &k,
			      mode == RESTORE_READBACK ? r->restore : r->old,
			      mode == RESTORE_EXACT);
}

/* cur, the knob's value now: the original already (byte-exact on plain
 * files, equal in meaning on kernel ones), what rtbpf wrote, or else. */
static enum rev revert_value(const struct tune_cfg *c, const struct jrec *r,
			     const char *cur, bool show)
{
	const struct knob_kind *kind = r->kind;
	struct knob k = jrec_knob(r);
	enum knob_restore mode = kind->restore(c, &k);
	int err;

	if (mode == RESTORE_EXACT ? !strcmp(cur, r->old) :
				    kind->equal(c, r->old, cur))
		return REV_SKIPPED;
	if (!kind->equal(c, r->new_, cur) &&
	    !(kind->near && kind->near(r->new_, cur)) && !c->force) {
		/* (log_warn escapes the value for the terminal) */
		log_warn("%s: %s: %s changed by someone else since apply "
			 "(rtbpf wrote '%s'); left alone, 'revert --force' "
			 "restores it",
			 c->cmd, r->stage, r->path, r->new_);
		return REV_CONFLICT;
	}
	err = restore_one(c, r, mode, show);
	if (err) {
		log_err("%s: %s: restore %s: %s", c->cmd, r->stage, r->path,
			strerror(-err));
		return REV_FAILED;
	}
	return REV_RESTORED;
}

static enum rev revert_record(const struct tune_cfg *c, const struct jrec *r,
			      bool show)
{
	const struct knob_kind *kind = r->kind;
	struct knob k = jrec_knob(r);
	const char *why;
	enum rev res;
	char *cur = NULL;
	int err;

	if ((kind->flags & KIND_FILE) && !c->dry_run)
		tune_tmp_remove(c, r->path); /* of a killed write */
	if (kind->flags & KIND_THREAD) {
		err = thread_reidentify(c, &k, r->stage, r->has_start,
					r->start);
		if (err)
			return err == -ESRCH ? REV_SKIPPED : REV_FAILED;
	}
	if (kind->flags & KIND_REMOVE)
		return revert_created(c, r, show);
	why = kind->refuse ? kind->refuse(c) : NULL;
	if (why) {
		log_err("%s: %s: %s: %s; state file kept", c->cmd, r->stage,
			r->path, why);
		return REV_FAILED;
	}
	err = knob_read(c, &k, &cur);
	if (err == -ENOENT || err == -ESRCH) {
		log_warn("%s: %s: %s is gone; nothing to restore", c->cmd,
			 r->stage, r->path);
		return REV_SKIPPED;
	}
	if (err) {
		log_err("%s: %s: read %s: %s", c->cmd, r->stage, r->path,
			strerror(-err));
		return REV_FAILED;
	}
	res = revert_value(c, r, cur, show);
	free(cur);
	return res;
}

/* A record that may never be acted on refuses the whole journal. */
static int refuse_foreign(const struct tune_cfg *c, const struct journal *j)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct jrec *r = &j->r[i];
		struct knob k = jrec_knob(r);

		if (!thread_foreign(c, &k, r->has_start, r->start))
			continue;
		log_err("%s: %s: %s names a thread outside this session: "
			"under --root rtbpf changes only real threads of its "
			"own session; nothing changed",
			c->cmd, r->stage, r->path);
		return -EPERM;
	}
	return 0;
}

/* The records' sorts for quiet.h: a path with '*' for each number (an
 * IRQ's smp_affinity: /proc/irq/N/... with N a '*'), and the first number
 * (a thread's TID). */
struct rec_sorts {
	const struct journal *j;
	char **sort;
	long *id;
};

static int sorts_init(struct rec_sorts *v, const struct journal *j)
{
	v->j = j;
	v->sort = calloc(j->n + 1, sizeof(*v->sort));
	v->id = calloc(j->n + 1, sizeof(*v->id));
	if (!v->sort || !v->id)
		return -ENOMEM;
	for (size_t i = 0; i < j->n; i++) {
		const struct jrec *r = &j->r[i];
		char *out = malloc(strlen(r->path) + 1), *o = out;

		if (!out)
			return -ENOMEM;
		v->id[i] = -1;
		for (const char *p = r->path; *p;) {
			if (!isdigit((unsigned char)*p)) {
				*o++ = *p++;
				continue;
			}
			if (v->id[i] < 0)
				v->id[i] = strtol(p, NULL, 10);
			*o++ = '*';
			p += strspn(p, "0123456789");
		}
		*o = '\0';
		if (r->kind->flags & KIND_THREAD)
			v->id[i] = r->tid;
		v->sort[i] = out;
	}
	return 0;
}

static void sorts_fini(struct rec_sorts *v)
{
	for (size_t i = 0; v->sort && i < v->j->n; i++)
		free(v->sort[i]);
	free(v->sort);
	free(v->id);
}

/* Entry i of quiet.h: the records are replayed last first. */
static void rec_entry(const void *ctx, size_t i, struct quiet_entry *e)
{
	const struct rec_sorts *v = ctx;
	size_t k = v->j->n - 1 - i;

	*e = (struct quiet_entry){ .stage = v->j->r[k].stage,
				   .sort = v->id[k] < 0 ? "" : v->sort[k],
				   .id = v->id[k],
				   .todo = true };
}

int tune_revert(const struct tune_cfg *c)
{
	unsigned int n[REV_FAILED + 1] = { 0 }, posts = 0;
	struct rec_sorts v = { 0 };
	struct cmd_quiet q = { 0 };
	struct journal j;
	int err;

	err = journal_open(&j, c, false);
	if (err)
		return err;
	if (j.fd < 0) {
		printf("nothing to revert: no state file %s%s\n", c->root,
		       TUNE_STATE_FILE);
		goto cleanup;
	}
	err = refuse_foreign(c, &j);
	if (err)
		goto cleanup;
	err = sorts_init(&v, &j);
	if (err)
		goto cleanup;
	quiet_init(&q, j.n, rec_entry, &v);
	for (size_t i = j.n; i-- > 0;) {
		enum rev res = revert_record(c, &j.r[i],
					     quiet_shown(&q, j.n - 1 - i, ""));

		n[res]++;
		if (res == REV_RESTORED && !(j.r[i].kind->flags & KIND_REMOVE))
			posts |= tune_stage_bit(j.r[i].stage);
	}
	tune_stages_post(c, posts, c->dry_run);
	if (c->dry_run) {
		printf("# dry run: %u to restore, %u as before or gone, %u "
		       "changed by others%s, %u failing; nothing changed\n",
		       n[REV_RESTORED], n[REV_SKIPPED], n[REV_CONFLICT],
		       n[REV_CONFLICT] && !c->force ? " (left alone)" : "",
		       n[REV_FAILED]);
		goto cleanup;
	}
	if (n[REV_FAILED] || n[REV_CONFLICT]) {
		log_err("%s: %u restored, %u failed, %u changed by others; "
			"state file %s kept",
			c->cmd, n[REV_RESTORED], n[REV_FAILED], n[REV_CONFLICT],
			j.path);
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
	       n[REV_RESTORED], j.n);
cleanup:
	quiet_fini(&q);
	sorts_fini(&v);
	journal_close(&j);
	return err;
}
