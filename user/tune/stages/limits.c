// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * limits stage: can the latency process get realtime priority and lock its
 * memory once started by a login or PAM session? Checks that the
 * "realtime" group exists (and who is in it), and that pam_limits grants
 * @realtime (or *) an rtprio at least the profile's priority and memlock
 * unlimited, reading /etc/security/limits.conf and limits.d/ *.conf as
 * pam_limits does. These are WARN: services started by systemd take
 * LimitRTPRIO=/LimitMEMLOCK= from their unit instead (rtbpf systemd-unit).
 * With limits.write = on, apply creates /etc/security/limits.d/99-rtbpf.conf
 * with both lines; the journal records that the file did not exist and
 * revert removes it (an existing file is rewritten and restored instead).
 */
#define _GNU_SOURCE
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMITS_DIR "/etc/security/limits.d"
#define LIMITS_FILE LIMITS_DIR "/99-rtbpf.conf"

struct grants {
	long rtprio; /* -1: none */
	bool memlock_unlimited;
	long long memlock_kb; /* -1: none */
	char rt_src[160], ml_src[160];
};

static void scan_file(const struct tune_cfg *c, const char *path,
		      struct grants *g)
{
	FILE *f = tune_fopen(c, path);
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return;
	/* whole lines: the tail of a long comment is no directive */
	while (getline(&line, &cap, f) >= 0) {
		char dom[64], type[16], item[32], val[64];

		line[strcspn(line, "#")] = '\0';
		if (sscanf(line, "%63s %15s %31s %63s", dom, type, item, val) !=
		    4)
			continue;
		if (strcmp(dom, "@realtime") && strcmp(dom, "*"))
			continue;
		if (strcmp(type, "-") && strcmp(type, "hard") &&
		    strcmp(type, "soft"))
			continue;
		if (!strcmp(item, "rtprio")) {
			g->rtprio = strtol(val, NULL, 10);
			snprintf(g->rt_src, sizeof(g->rt_src), "%s", path);
		} else if (!strcmp(item, "memlock")) {
			g->memlock_unlimited = !strcmp(val, "unlimited") ||
					       !strcmp(val, "infinity") ||
					       !strcmp(val, "-1");
			g->memlock_kb = strtoll(val, NULL, 10);
			snprintf(g->ml_src, sizeof(g->ml_src), "%s", path);
		}
	}
	free(line);
	fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* limits.conf, then limits.d/ *.conf in name order: later lines win. */
static void scan_all(const struct tune_cfg *c, struct grants *g)
{
	char *names[256];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	scan_file(c, "/etc/security/limits.conf", g);
	d = tune_opendir(c, LIMITS_DIR);
	if (!d)
		return;
	while ((de = readdir(d)) && n < 256) {
		size_t len = strlen(de->d_name);

		if (len > 5 && !strcmp(de->d_name + len - 5, ".conf") &&
		    de->d_name[0] != '.')
			names[n] = strdup(de->d_name), n += names[n] != NULL;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", LIMITS_DIR, names[i]);
		scan_file(c, path, g);
		free(names[i]);
	}
}

static struct tune_item *check_item(struct item_list *l, const char *name,
				    const char *path, const char *want, bool ok)
{
	struct tune_item *it = items_add(l, "limits");

	if (!it)
		return NULL;
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->path, sizeof(it->path), "%s", path);
	item_setf(it, &it->want_show, "%s", want);
	it->cmp = CMP_NONE;
	it->flags = IT_CHECK_ONLY;
	it->st = ok ? ST_OK : ST_WARN;
	return it;
}

static int group_item(const struct tune_cfg *c, struct item_list *l)
{
	FILE *f = tune_fopen(c, "/etc/group");
	char *line = NULL;
	struct tune_item *it;
	bool found = false;
	size_t cap = 0;

	/* whole lines: a group with a long member list is one line */
	while (f && !found && getline(&line, &cap, f) >= 0)
		found = !strncmp(line, "realtime:", 9);
	if (f)
		fclose(f);
	it = check_item(l, "realtime group", "/etc/group", "exists", found);
	if (!it) {
		free(line);
		return -ENOMEM;
	}
	if (found) {
		/* realtime:x:GID:members */
		char *m = line;

		line[strcspn(line, "\n")] = '\0';
		for (int i = 0; i < 3 && m; i++)
			m = strchr(m, ':'), m = m ? m + 1 : NULL;
		item_setf(it, &it->actual, "members: %s",
			  m && *m ? m : "(none)");
	} else {
		item_setf(it, &it->actual, "missing");
		snprintf(it->note, sizeof(it->note),
			 "groupadd realtime && usermod -aG realtime USER");
	}
	free(line);
	return 0;
}

int limits_plan(const struct tune_cfg *c, struct item_list *l)
{
	struct grants g = { .rtprio = -1, .memlock_kb = -1 };
	const char *pr = profile_get(&c->prof, "process.priority");
	long want_prio = pr && strcmp(pr, "keep") ? atol(pr) : 1;
	const char *w = profile_get(&c->prof, "limits.write");
	char want[64];
	struct tune_item *it;
	int err;

	err = group_item(c, l);
	if (err)
		return err;
	scan_all(c, &g);
	snprintf(want, sizeof(want), ">= %ld", want_prio);
	it = check_item(l, "limits rtprio @realtime",
			g.rt_src[0] ? g.rt_src : LIMITS_DIR, want,
			g.rtprio >= want_prio);
	if (!it)
		return -ENOMEM;
	if (g.rtprio >= 0)
		item_setf(it, &it->actual, "%ld", g.rtprio);
	else
		item_setf(it, &it->actual, "(none)");
	it = check_item(l, "limits memlock @realtime",
			g.ml_src[0] ? g.ml_src : LIMITS_DIR, "unlimited",
			g.memlock_unlimited);
	if (!it)
		return -ENOMEM;
	if (g.memlock_unlimited)
		item_setf(it, &it->actual, "unlimited");
	else if (g.memlock_kb >= 0)
		item_setf(it, &it->actual, "%lld kB", g.memlock_kb);
	else
		item_setf(it, &it->actual, "(none)");
	if (!w || strcmp(w, "on"))
		return 0;

	/* limits.write = on: the file itself is a knob. */
	it = items_add(l, "limits");
	if (!it)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "99-rtbpf.conf");
	snprintf(it->path, sizeof(it->path), "%s", LIMITS_FILE);
	item_setf(it, &it->want,
		  "# Written by rtbpf apply (limits stage); rtbpf revert "
		  "removes it.\n@realtime - rtprio 99\n"
		  "@realtime - memlock unlimited\n");
	item_setf(it, &it->want_show, "rtprio 99, memlock");
	it->cmp = CMP_NONE;
	it->flags = IT_EXACT | IT_CREATE;
	if (!tune_exists(c, LIMITS_DIR)) {
		it->flags |= IT_CHECK_ONLY;
		it->st = ST_FAIL;
		item_setf(it, &it->actual, "no %s", LIMITS_DIR);
		snprintf(it->note, sizeof(it->note),
			 "pam_limits is not installed: install libpam-modules");
		return 0;
	}
	config_file_state(c, it);
	return 0;
}
