// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * systemd stage: the service manager's CPUAffinity= set to the
 * housekeeping CPUs, so every service it starts (and their children) stays
 * off the latency CPUs, as tuned's cpu-partitioning does. Written as a
 * drop-in, /etc/systemd/system.conf.d/99-rtbpf.conf (revert removes it);
 * it takes effect at `systemctl daemon-reexec` or the next boot, which
 * check explains. Skipped where systemd is not installed.
 */
#define _GNU_SOURCE
#include "tune/stage.h"
#include "tune/fs.h"
#include "tune/values.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSTEMD_DIR "/etc/systemd"
#define DROPIN_DIR SYSTEMD_DIR "/system.conf.d"
#define DROPIN DROPIN_DIR "/99-rtbpf.conf"

int systemd_plan(const struct tune_cfg *c, struct item_list *l)
{
	struct tune_item *it;
	char *hk;

	if (!profile_wants(&c->prof, "systemd.cpu_affinity"))
		return 0;
	it = items_add(l, "systemd");
	if (!it)
		return -ENOMEM;
	hk = cpuset_str(&c->housekeeping);
	if (!hk)
		return -ENOMEM;
	snprintf(it->name, sizeof(it->name), "manager CPUAffinity");
	snprintf(it->path, sizeof(it->path), "%s", DROPIN);
	item_setf(it, &it->want,
		  "# Written by rtbpf apply (systemd stage); rtbpf revert "
		  "removes it.\n[Manager]\nCPUAffinity=%s\n",
		  hk);
	item_take(it, &it->want_show, hk);
	it->cmp = CMP_NONE;
	it->flags = IT_EXACT | IT_CREATE;
	snprintf(it->note, sizeof(it->note),
		 "takes effect at systemctl daemon-reexec or the next boot");
	if (!tune_exists(c, SYSTEMD_DIR)) {
		it->flags |= IT_CHECK_ONLY;
		it->st = ST_SKIP;
		item_setf(it, &it->actual, "no systemd");
		return 0;
	}
	/* The journal restores files, not directories: a directory rtbpf
	 * made could not be put back exactly, so it is left to the user. */
	if (!tune_exists(c, DROPIN_DIR)) {
		it->flags |= IT_CHECK_ONLY;
		it->st = ST_WARN;
		item_setf(it, &it->actual, "(absent)");
		snprintf(it->note, sizeof(it->note),
			 "mkdir %s, then apply again", DROPIN_DIR);
		return 0;
	}
	config_file_state(c, it);
	return 0;
}
