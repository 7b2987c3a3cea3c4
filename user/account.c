// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Accounts from passwd and group files, and the switch to one (account.h). */
#define _GNU_SOURCE
#include "account.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>

/* A decimal id below 2^32 - 1 (that value is "no id" to set*id). */
static bool parse_id(const char *s, unsigned int *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v >= 0xffffffffULL)
			return false;
	}
	*out = (unsigned int)v;
	return true;
}

static FILE *open_db(const char *root, const char *name, char *err,
		     size_t errlen, int *ret)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/etc/%s", root && strcmp(root, "/") ? root : "",
		     name) < 0) {
		*ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f = fopen(path, "re");
	if (!f) {
		*ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	free(path);
	return f;
}

static int add_group(struct account *a, gid_t g)
{
	gid_t *v;

	for (size_t i = 0; i < a->ngroups; i++)
		if (a->groups[i] == g)
			return 0;
	v = realloc(a->groups, (a->ngroups + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	a->groups = v;
	a->groups[a->ngroups++] = g;
	return 0;
}

static int find_user(struct account *a, const char *user, const char *root,
		     char *err, size_t errlen)
{
	unsigned int id;
	bool numeric = parse_id(user, &id);
	struct passwd *pw;
	int ret = 0;
	FILE *f = open_db(root, "passwd", err, errlen, &ret);

	if (!f)
		return ret;
	errno = 0;
	while ((pw = fgetpwent(f)))
		if (!strcmp(pw->pw_name, user) || (numeric && pw->pw_uid == id))
			break;
	if (!pw) {
		ret = errno && errno != ENOENT ? -errno : -ENOENT;
		snprintf(err, errlen, "no user '%s' in /etc/passwd%s%s", user,
			 ret == -ENOENT ? "" : ": ",
			 ret == -ENOENT ? "" : strerror(-ret));
		goto cleanup;
	}
	a->uid = pw->pw_uid;
	a->gid = pw->pw_gid;
	a->name = strdup(pw->pw_name);
	a->home = strdup(*pw->pw_dir ? pw->pw_dir : "/");
	if (!a->name || !a->home) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
	}
cleanup:
	fclose(f);
	return ret;
}

/* The GROUP of the spec (if any) and the user's supplementary groups. */
static int find_groups(struct account *a, const char *group, const char *root,
		       char *err, size_t errlen)
{
	unsigned int id;
	bool numeric = group && parse_id(group, &id), named = false;
	struct group *gr;
	int ret = 0;
	FILE *f = open_db(root, "group", err, errlen, &ret);

	if (!f)
		return ret;
	if (numeric)
		a->gid = id;
	/* the primary group first: groups[0] == gid */
	ret = add_group(a, a->gid);
	errno = 0;
	while (!ret && (gr = fgetgrent(f))) {
		if (group && !numeric && !strcmp(gr->gr_name, group)) {
			named = true;
			a->gid = gr->gr_gid;
			a->groups[0] = gr->gr_gid;
		}
		for (char **m = gr->gr_mem; m && *m; m++)
			if (!strcmp(*m, a->name))
				ret = add_group(a, gr->gr_gid);
	}
	if (ret) {
		snprintf(err, errlen, "out of memory");
	} else if (group && !numeric && !named) {
		ret = -ENOENT;
		snprintf(err, errlen, "no group '%s' in /etc/group", group);
	}
	/* a group named after the primary one may now be listed twice */
	for (size_t i = 1; !ret && i < a->ngroups; i++)
		if (a->groups[i] == a->gid)
			a->groups[i--] = a->groups[--a->ngroups];
	fclose(f);
	return ret;
}

int account_lookup(struct account *a, const char *spec, const char *root,
		   char *err, size_t errlen)
{
	char *user = strdup(spec), *group;
	int ret;

	memset(a, 0, sizeof(*a));
	if (!user) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	group = strchr(user, ':');
	if (group)
		*group++ = '\0';
	if (!*user || (group && !*group)) {
		snprintf(err, errlen, "'%s': expected USER or USER:GROUP",
			 spec);
		ret = -EINVAL;
		goto cleanup;
	}
	ret = find_user(a, user, root, err, errlen);
	if (!ret)
		ret = find_groups(a, group, root, err, errlen);
cleanup:
	free(user);
	if (ret)
		account_fini(a);
	return ret;
}

void account_fini(struct account *a)
{
	free(a->groups);
	free(a->name);
	free(a->home);
	memset(a, 0, sizeof(*a));
}

static bool caps_left(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d))
		return true;
	return d[0].effective || d[1].effective || d[0].permitted ||
	       d[1].permitted;
}

int account_become(const struct account *a, char *err, size_t errlen)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int ret = 0;

	if (setgroups(a->ngroups, a->groups)) {
		ret = -errno;
		snprintf(err, errlen, "setgroups: %s", strerror(errno));
	} else if (setresgid(a->gid, a->gid, a->gid)) {
		ret = -errno;
		snprintf(err, errlen, "setresgid(%u): %s", (unsigned int)a->gid,
			 strerror(errno));
	} else if (setresuid(a->uid, a->uid, a->uid)) {
		ret = -errno;
		snprintf(err, errlen, "setresuid(%u): %s", (unsigned int)a->uid,
			 strerror(errno));
	}
	if (ret)
		return ret;
	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg) ||
	    ru != a->uid || eu != a->uid || su != a->uid || rg != a->gid ||
	    eg != a->gid || sg != a->gid) {
		snprintf(err, errlen,
			 "uids or gids not all %u/%u after the "
			 "switch",
			 (unsigned int)a->uid, (unsigned int)a->gid);
		return -EPERM;
	}
	if (a->uid && (!setuid(0) || caps_left())) {
		snprintf(err, errlen,
			 "root could be regained after the "
			 "switch (setuid(0) or a capability left)");
		return -EPERM;
	}
	if (setenv("HOME", a->home, 1) || setenv("USER", a->name, 1) ||
	    setenv("LOGNAME", a->name, 1)) {
		ret = -errno;
		snprintf(err, errlen, "setenv: %s", strerror(errno));
	}
	return ret;
}
