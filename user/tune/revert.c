// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * revert: the journal replayed in reverse order. A knob is restored only
 * when it still holds what rtbpf wrote (or already holds the original);
 * anything else was changed by someone else and is left, with a warning,
 * unless --force. Before a record is acted on, the temp file of a write
 * killed midway is removed, and a thread record's thread is re-identified
 * by its start time (a reused TID is left alone). The state file goes only
 * after a complete revert.
 */
#define _GNU_SOURCE
#include "tune.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* Do a and b mean the same value of this record's knob? */
static bool rec_equal(const struct tune_cfg *c, const struct jrec *r,
		      const char *a, const char *b)
{
	if (r->kind == 'S')
		return sched_equal(a, b) || sched_equal_rr(a, b);
	if (r->kind == 'A' && !c->root[0])
		return cpulist_equal(a, b);
	return tune_values_equal(a, b);
}

/* 'C': the file rtbpf created goes, unless someone changed it. */
static int revert_created(const struct tune_cfg *c, const struct jrec *r,
			  unsigned int *conflicts)
{
	char *cur = NULL, *q = NULL, full[PATH_MAX];
	int err = tune_kind_read(c, 'C', r->path, &cur);

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
		goto cleanup;
	}
	q = tune_shell_quote_dup(tune_path(c, r->path, full));
	if (!q) {
		err = -ENOMEM;
		goto cleanup;
	}
	printf("+ rm -f %s\n", q);
	fflush(stdout);
	err = tune_unlink(c, r->path);
cleanup:
	free(cur);
	free(q);
	return err;
}

/*
 * The shell command that restores r (printed before the change) and the
 * change itself. kernel: a kernel file (or thread, NIC) takes r->restore
 * as it reads back, a plain file the exact bytes of r->old.
 */
static int restore_one(const struct tune_cfg *c, const struct jrec *r,
		       bool kernel)
{
	char *cmd = NULL, *q = NULL, *qp = NULL, full[PATH_MAX];
	int err;

	if (r->kind == 'S') {
		cmd = sched_shell(r->old, atoi(r->path + 4));
		if (!cmd)
			return -ENOMEM;
		printf("+ %s\n", cmd);
		fflush(stdout);
		err = sched_write(atoi(r->path + 4), r->old);
	} else if (r->kind == 'N') {
		char nq[512];

		netdev_shell(r->path, r->old, nq, sizeof(nq));
		printf("+ %s\n", nq);
		fflush(stdout);
		err = netdev_write(r->path, r->old);
	} else if (r->kind == 'A' && !c->root[0]) {
		q = tune_shell_quote_dup(r->old);
		if (!q)
			return -ENOMEM;
		printf("+ taskset -pc %s %d\n", q, (int)jrec_tid(r));
		fflush(stdout);
		err = aff_write(c, r->path, r->old, false);
	} else {
		/* The shell form; a plain file gets its exact bytes. */
		size_t ol = strlen(r->old);
		bool multi = !kernel && ol && memchr(r->old, '\n', ol - 1);

		q = tune_shell_quote_dup(multi ? r->old : r->restore);
		qp = tune_shell_quote_dup(tune_path(c, r->path, full));
		if (!q || !qp) {
			err = -ENOMEM;
			goto cleanup;
		}
		printf(multi ? "+ printf '%%s' %s > %s\n" : "+ echo %s > %s\n",
		       q, qp);
		fflush(stdout);
		err = kernel ? tune_write(c, r->path, r->restore, false) :
			       tune_write(c, r->path, r->old, true);
	}
cleanup:
	free(cmd);
	free(q);
	free(qp);
	return err;
}

int tune_revert(const struct tune_cfg *c)
{
	struct journal j;
	unsigned int restored = 0, conflicts = 0, failed = 0;
	bool irqbalance = false;
	char *cur = NULL;
	int err;

	err = journal_open(&j, c, false);
	if (err)
		return err;
	if (j.fd < 0) {
		printf("nothing to revert: no state file %s%s\n", c->root,
		       TUNE_STATE_FILE);
		goto cleanup;
	}
	/* a record that may never be acted on refuses the whole journal */
	for (size_t k = 0; k < j.n; k++) {
		if (thread_foreign(c, &j.r[k])) {
			log_err("%s: %s: %s names a thread outside this session:"
				" under --root rtbpf never changes the host's "
				"threads; nothing changed",
				c->cmd, j.r[k].stage, j.r[k].path);
			err = -EPERM;
			goto cleanup;
		}
	}
	for (size_t k = j.n; k-- > 0;) {
		const struct jrec *r = &j.r[k];
		bool kernel;

		free(cur);
		cur = NULL;
		if (r->kind != 'S' && r->kind != 'N')
			tune_tmp_remove(c, r->path); /* of a killed write */
		if (r->kind == 'S' || r->kind == 'A') {
			err = thread_reidentify(c, r);
			if (err == -ESRCH)
				continue; /* gone, or another thread now */
			if (err) {
				failed++;
				continue;
			}
		}
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
		err = tune_kind_read(c, r->kind, r->path, &cur);
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
			/* (log_warn escapes the value for the terminal) */
			log_warn("%s: %s: %s changed by someone else since "
				 "apply (rtbpf wrote '%s'); left alone, "
				 "'revert --force' restores it",
				 c->cmd, r->stage, r->path, r->new_);
			conflicts++;
			continue;
		}
		err = restore_one(c, r, kernel);
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
	free(cur);
	journal_close(&j);
	return err;
}
