// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The names of the profiles there are: `profile list`, and the nearest to
 * a mistyped one in the "unknown profile" message. */
#define _GNU_SOURCE
#include "tune.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int profile_files(const char *root, char ***names)
{
	char dir[PATH_MAX], **v = NULL, **nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*names = NULL;
	snprintf(dir, sizeof(dir), "%s%s", root, TUNE_PROFILE_DIR);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type == DT_DIR)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (v[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	return (int)n;
}

void profile_suggest(const char *root, const char *name, char *buf, size_t len)
{
	const char *cands[256], *near;
	char **files;
	int nf = profile_files(root, &files);
	size_t n = 0;

	for (size_t i = 0; i < profile_nbuiltins; i++)
		cands[n++] = profile_builtins[i].name;
	for (int i = 0; i < nf; i++) {
		size_t l = strlen(files[i]);

		if (l > 5 && !strcmp(files[i] + l - 5, ".conf"))
			files[i][l - 5] = '\0';
		if (n < sizeof(cands) / sizeof(cands[0]))
			cands[n++] = files[i];
	}
	near = cli_suggest(name, cands, n);
	snprintf(buf, len, "%s", near && strcmp(near, name) ? near : "");
	for (int i = 0; i < nf; i++)
		free(files[i]);
	free(files);
}
