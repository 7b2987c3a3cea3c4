// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The monitor gives up its capabilities once attached (privs.h). */
#define _GNU_SOURCE
#include "privs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <grp.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "account.h"
#include "log.h"

#define BIT(cap) (1ULL << (cap))

static int caps_get(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d))
		return -errno;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

/* Effective and permitted as given; inheritable empty. */
static int caps_set(uint64_t eff, uint64_t prm)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)prm, 0 },
		{ (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), 0 },
	};

	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

int privs_drop_thread_caps(uint64_t keep)
{
	uint64_t eff, prm;
	int err = caps_get(&eff, &prm);

	return err ? err : caps_set(eff & keep, prm & keep);
}

static int cap_last(void)
{
	int last = CAP_LAST_CAP;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

/* Does a bpf() command on map_fd need a capability here? */
static int probe_needs_cap(int map_fd, uint64_t prm, bool *need)
{
	char val[64];
	int err;

	/* CAP_SETPCAP stays effective for the bounding set that follows */
	err = caps_set(prm & BIT(CAP_SETPCAP), prm);
	if (err)
		return err;
	err = bpf_map_lookup_elem(map_fd, NULL, val) ? -errno : 0;
	*need = err == -EPERM;
	return 0;
}

/*
 * Root without capabilities still owns root's files and may signal root's
 * processes: become nobody (from /etc/passwd, else 65534), keeping the
 * permitted set through the switch (PR_SET_KEEPCAPS) for what follows.
 * Only when running as root: another user has nothing to give up here.
 */
static int become_nobody(uint64_t prm)
{
	struct account a;
	uid_t uid = 65534, ru, eu, su;
	gid_t gid = 65534;
	char why[256];

	if (geteuid())
		return 0;
	/* root trimmed of them (a unit's CapabilityBoundingSet=): kept as
	 * it is, without capabilities */
	if (!(prm & BIT(CAP_SETUID)) || !(prm & BIT(CAP_SETGID))) {
		log_warn("monitor: stays uid 0 (no CAP_SETUID and CAP_SETGID "
			 "to become nobody); its capabilities are still "
			 "dropped");
		return 0;
	}
	if (!account_lookup(&a, "nobody", "/", why, sizeof(why))) {
		uid = a.uid;
		gid = a.gid;
		account_fini(&a);
	}
	if (!uid)
		return -EINVAL;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) ||
	    setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
		return -errno;
	if (getresuid(&ru, &eu, &su) || ru != uid || eu != uid || su != uid)
		return -EPERM;
	return prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) ? -errno : 0;
}

int monitor_drop_privs(int map_fd, uint64_t *kept)
{
	uint64_t eff, prm;
	bool need = false;
	int err, last;

	*kept = 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	err = caps_get(&eff, &prm);
	if (!err)
		err = probe_needs_cap(map_fd, prm, &need);
	if (err)
		return err;
	if (need)
		*kept = prm & BIT(CAP_BPF) ? BIT(CAP_BPF) :
					     prm & BIT(CAP_SYS_ADMIN);
	last = cap_last();
	for (int cap = 0; cap <= last; cap++) {
		if (*kept & BIT(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) {
			err = -errno;
			if (err == -EPERM && !(prm & BIT(CAP_SETPCAP)))
				break; /* not ours to change */
			return err;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL)
		return -errno;
	/* the switch needs CAP_SETUID and CAP_SETGID effective again */
	err = caps_set(prm, prm);
	if (!err)
		err = become_nobody(prm);
	if (!err)
		err = caps_set(*kept, *kept);
	if (!err)
		err = caps_get(&eff, &prm);
	if (err)
		return err;
	if (eff != *kept || prm != *kept)
		return -EPERM;
	log_info("monitor: now uid %u, capabilities dropped; kept: %s",
		 (unsigned int)geteuid(),
		 !*kept		       ? "none" :
		 *kept == BIT(CAP_BPF) ? "CAP_BPF (bpf() on map fds needs it "
					 "on this kernel)" :
					 "CAP_SYS_ADMIN (no CAP_BPF)");
	return 0;
}
