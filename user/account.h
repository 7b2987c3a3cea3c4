/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Background: `rtbpf run --user USER[:GROUP]` runs CMD as another user.
 * Accounts come from ROOT/etc/passwd and ROOT/etc/group only (fgetpwent,
 * fgetgrent): no NSS module is loaded into a root process, and the static
 * binary, which has none, behaves the same. USER is a name or a numeric
 * UID listed in passwd; GROUP a name or any numeric GID. The supplementary
 * groups are the primary group and every group of /etc/group that lists
 * the user by name (what initgroups(3) gives with the files backend).
 */
#ifndef RTBPF_ACCOUNT_H
#define RTBPF_ACCOUNT_H

#include <stddef.h>
#include <sys/types.h>

struct account {
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* groups[0] == gid */
	size_t ngroups;
	char *name;
	char *home;
};

/*
 * Fills a from spec "USER[:GROUP]" read under root ("" or "/" for the
 * host). 0; -EINVAL for a malformed spec, -ENOENT for an unknown user or
 * group, -errno when a file cannot be read, -ENOMEM; err says which.
 * Allocates: free with account_fini(). Changes nothing.
 */
int account_lookup(struct account *a, const char *spec, const char *root,
		   char *err, size_t errlen);
void account_fini(struct account *a);

/*
 * Becomes a->uid: setgroups, setresgid, setresuid, in that order (needs
 * root or CAP_SETUID+CAP_SETGID), then checks that all three uids and gids
 * are the account's and, for a uid other than 0, that setuid(0) fails and
 * no capability is left. Sets HOME, USER and LOGNAME. 0 or -errno, err
 * naming the step; on failure the process must not go on to run anything.
 */
int account_become(const struct account *a, char *err, size_t errlen);

#endif
