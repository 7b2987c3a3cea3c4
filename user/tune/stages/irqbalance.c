// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * irqbalance stage: when irqbalance is installed (its environment file
 * /etc/default/irqbalance on Debian, /etc/sysconfig/irqbalance on Red Hat
 * exists), IRQBALANCE_BANNED_CPULIST names the latency CPUs so the daemon
 * never moves an IRQ back onto them. The item is the whole file: the line
 * is replaced where it is set, appended otherwise, every other byte kept;
 * the journal holds the old content and revert puts it back byte for byte.
 * The daemon reads the file only at start: on the host (no --root) apply
 * and revert run `systemctl try-restart irqbalance` (a no-op when it is not
 * running); --dry-run prints it; under --root nothing is restarted.
 */
#define _GNU_SOURCE
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"

#define KEY "IRQBALANCE_BANNED_CPULIST"

extern char **environ;

static const char *const conf_paths[] = {
	"/etc/default/irqbalance",
	"/etc/sysconfig/irqbalance",
};

/* Start of the uncommented "KEY=" line in text, or NULL. */
static const char *find_line(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p;) {
		const char *s = p + strspn(p, " \t");

		if (!strncmp(s, key, kl) && s[kl] == '=')
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* The value of a KEY=VALUE line, quotes removed, in a new string (NULL on
 * ENOMEM). */
static char *line_value(const char *line)
{
	const char *v = strchr(line, '=') + 1;
	size_t n = strcspn(v, "\n");

	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	return strndup(v, n);
}

/* text with the line at `at` replaced by line (appended when at is NULL),
 * in a new string; NULL on ENOMEM. */
static char *edit(const char *text, const char *at, const char *line)
{
	const char *rest = "";
	size_t head, n = strlen(text), ll = strlen(line);
	bool nl = false;
	char *out;

	if (at) {
		const char *eol = strchr(at, '\n');

		head = (size_t)(at - text);
		rest = eol ? eol + 1 : "";
	} else {
		head = n;
		nl = n && text[n - 1] != '\n';
	}
	out = malloc(head + nl + ll + strlen(rest) + 1);
	if (!out)
		return NULL;
	memcpy(out, text, head);
	if (nl)
		out[head++] = '\n';
	memcpy(out + head, line, ll);
	strcpy(out + head + ll, rest);
	return out;
}

int irqbalance_plan(const struct tune_cfg *c, struct item_list *l)
{
	char text[TUNE_VAL_MAX], *lat = NULL, *line = NULL, *cur = NULL;
	const char *path = NULL, *at;
	struct tune_item *it;
	int err = 0;

	for (size_t i = 0; i < sizeof(conf_paths) / sizeof(conf_paths[0]); i++)
		if (tune_exists(c, conf_paths[i])) {
			path = conf_paths[i];
			break;
		}
	it = items_add(l, "irqbalance");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "irqbalance banned CPUs");
	lat = cpuset_str(&c->cpus);
	if (!lat)
		return -ENOMEM;
	item_setf(it, &it->want_show, "%s", lat);
	it->cmp = CMP_NONE;
	if (!path) {
		snprintf(it->path, sizeof(it->path), "%s", conf_paths[0]);
		item_setf(it, &it->actual, "not installed");
		it->flags = IT_CHECK_ONLY;
		it->st = ST_SKIP;
		goto cleanup;
	}
	snprintf(it->path, sizeof(it->path), "%s", path);
	it->flags = IT_EXACT;
	err = tune_read(c, path, text, sizeof(text));
	if (err && err != -EACCES && strcmp(c->cmd, "check")) {
		/* apply cannot edit what it cannot read whole */
		log_err("%s: irqbalance: read %s%s: %s%s", c->cmd, c->root,
			path, strerror(-err),
			err == -EFBIG ? " (larger than rtbpf edits)" : "");
		goto cleanup;
	}
	if (err) {
		item_setf(it, &it->actual, "?");
		snprintf(it->note, sizeof(it->note), "read %s: %s", path,
			 strerror(-err));
		it->flags |= IT_CHECK_ONLY;
		it->st = err == -EACCES ? ST_WARN : ST_FAIL;
		err = 0;
		goto cleanup;
	}
	at = find_line(text, KEY);
	if (at) {
		cur = line_value(at);
		if (!cur) {
			err = -ENOMEM;
			goto cleanup;
		}
	}
	item_setf(it, &it->actual, "%s",
		  at ? (*cur ? cur : "(empty)") : "(unset)");
	it->st = at && *cur && cpulist_equal(cur, lat) ? ST_OK : ST_FAIL;
	if (asprintf(&line, KEY "=%s\n", lat) < 0) {
		line = NULL;
		err = -ENOMEM;
		goto cleanup;
	}
	err = item_take(it, &it->want, edit(text, at, line));
	if (err)
		goto cleanup;
	if (find_line(text, "IRQBALANCE_BANNED_CPUS"))
		snprintf(it->note, sizeof(it->note),
			 "IRQBALANCE_BANNED_CPUS (a mask) is also set; "
			 "irqbalance prefers the list");
cleanup:
	free(lat);
	free(cur);
	free(line);
	return err;
}

void irqbalance_restart(const struct tune_cfg *c, bool dry_run)
{
	char *argv[] = { "systemctl", "try-restart", "irqbalance", NULL };
	pid_t pid;
	int status, err;

	if (c->root[0]) {
		printf("# irqbalance: not restarted under --root\n");
		return;
	}
	printf("%ssystemctl try-restart irqbalance\n", dry_run ? "" : "+ ");
	fflush(stdout);
	if (dry_run)
		return;
	err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (err) {
		log_warn("%s: irqbalance: systemctl: %s; restart it by hand",
			 c->cmd, strerror(err));
		return;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		log_warn("%s: irqbalance: 'systemctl try-restart irqbalance' "
			 "failed; it reads the new list at its next start",
			 c->cmd);
}
