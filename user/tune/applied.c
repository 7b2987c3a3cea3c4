// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* What the last apply ran with (applied.h). */
#define _GNU_SOURCE
#include "applied.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "stage.h"

#define APPLIED_HEADER "rtbpf-applied 1"
/* the two CPU lists, the profile and the rest */
#define APPLIED_MAX (2 * TUNE_LIST_MAX + PATH_MAX + 1024)

/* The file's text, in a new string; NULL + errno (ENOMEM). */
static char *applied_text(const struct tune_cfg *c, const char *profile)
{
	char *cpus = cpuset_str(&c->cpus), *hk = cpuset_str(&c->housekeeping);
	char stages[512] = "", *out = NULL;
	size_t off = 0;

	for (size_t i = 0; i < tune_nstages && off < sizeof(stages); i++)
		if (c->stages & (1u << i))
			off += (size_t)snprintf(stages + off,
						sizeof(stages) - off, "%s%s",
						off ? "," : "",
						tune_stages[i].name);
	if (cpus && hk &&
	    asprintf(&out,
		     APPLIED_HEADER "\nprofile %s\ntime %lld\ncpus %s\n"
				    "housekeeping %s\nstages %s\n",
		     profile, (long long)time(NULL), cpus, hk, stages) < 0)
		out = NULL;
	free(cpus);
	free(hk);
	if (!out)
		errno = ENOMEM;
	return out;
}

/* profile names a file by its path, or one in the current directory
 * (profile_load's order: built-in, profile directory, here). */
static bool is_file_here(const struct tune_cfg *c, const char *profile)
{
	static const char *const ext[] = { ".conf", "" };
	char *path;
	bool named;

	if (strchr(profile, '/'))
		return true;
	for (size_t i = 0; i < profile_nbuiltins; i++)
		if (!strcmp(profile_builtins[i].name, profile))
			return false;
	for (size_t i = 0; i < 2; i++) {
		if (asprintf(&path, "%s%s/%s%s", c->root, TUNE_PROFILE_DIR,
			     profile, ext[i]) < 0)
			return false;
		named = !access(path, F_OK);
		free(path);
		if (named)
			return false;
	}
	return !access(profile, F_OK);
}

int applied_write(const struct tune_cfg *c, int dir_fd, const char *profile)
{
	char abs[PATH_MAX], *text;
	ssize_t len;
	int fd, err = 0;

	/* a file is kept absolute, so a check from elsewhere finds it */
	if (is_file_here(c, profile) && realpath(profile, abs))
		profile = abs;
	if (strchr(profile, '\n'))
		profile = "?";
	text = applied_text(c, profile);
	if (!text)
		return -ENOMEM;
	fd = openat(dir_fd, "applied.tmp",
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		    0644);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	len = (ssize_t)strlen(text);
	errno = 0;
	if (fchmod(fd, 0644) || write(fd, text, (size_t)len) != len ||
	    fsync(fd))
		err = errno ? -errno : -EIO;
	close(fd);
	if (!err && renameat(dir_fd, "applied.tmp", dir_fd, "applied"))
		err = -errno;
	if (err)
		unlinkat(dir_fd, "applied.tmp", 0);
cleanup:
	free(text);
	return err;
}

/* One "key value" line into a. */
static int parse_line(char *line, struct tune_applied *a)
{
	char *v = strchr(line, ' '), err[64];

	if (!v)
		return -EBADMSG;
	*v++ = '\0';
	if (!strcmp(line, "profile")) {
		snprintf(a->profile, sizeof(a->profile), "%s", v);
	} else if (!strcmp(line, "time")) {
		a->time = (time_t)strtoll(v, NULL, 10);
	} else if (!strcmp(line, "cpus") || !strcmp(line, "housekeeping")) {
		if (parse_cpulist(v,
				  !strcmp(line, "cpus") ? &a->cpus :
							  &a->housekeeping,
				  err, sizeof(err)))
			return -EBADMSG;
	} else if (!strcmp(line, "stages")) {
		for (char *s = strtok(v, ","); s; s = strtok(NULL, ","))
			a->stages |= tune_stage_bit(s);
	}
	return 0; /* unknown keys: a later rtbpf's */
}

int applied_read(const struct tune_cfg *c, struct tune_applied *a)
{
	char *buf = malloc(APPLIED_MAX), *save = NULL, *line;
	int err;

	memset(a, 0, sizeof(*a));
	if (!buf)
		return -ENOMEM;
	err = tune_read(c, TUNE_APPLIED_FILE, buf, APPLIED_MAX);
	if (!err &&
	    strncmp(buf, APPLIED_HEADER "\n", strlen(APPLIED_HEADER) + 1))
		err = -EBADMSG;
	for (line = err ? NULL : strtok_r(buf, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save))
		if (strcmp(line, APPLIED_HEADER))
			err = parse_line(line, a);
	if (!err && (!a->profile[0] || !cpuset_count(&a->cpus)))
		err = -EBADMSG;
	free(buf);
	return err;
}

void applied_when(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, len, "?");
}
