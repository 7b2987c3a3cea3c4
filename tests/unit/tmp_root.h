/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A fake root for unit tests: a mkdtemp directory, files put under it
 * (parent directories made), removed at teardown. Include after cmocka.h;
 * a test file's own. */
#ifndef RTBPF_TMP_ROOT_H
#define RTBPF_TMP_ROOT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* root/rel = text, making the directories on the way (mode 0755). */
static inline void tmp_root_put(const char *root, const char *rel,
				const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = strchr(path + strlen(root) + 1, '/'); s;
	     s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* rm -rf root: 0 or -1 (a cmocka teardown's result). */
static inline int tmp_root_rm(const char *root)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) ? -1 : 0;
}

#endif
