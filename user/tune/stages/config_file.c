// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The check of a config file rtbpf writes whole (limits, systemd). */
#include "tune/stage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tune/fs.h"

void config_file_state(const struct tune_cfg *c, struct tune_item *it)
{
	char cur[TUNE_VAL_MAX];
	int err = tune_read(c, it->path, cur, sizeof(cur));

	if (err == -ENOENT) {
		it->st = ST_FAIL;
		item_setf(it, &it->actual, "(absent)");
	} else if (err) {
		it->st = err == -EACCES ? ST_WARN : ST_FAIL;
		item_setf(it, &it->actual, "?");
		snprintf(it->note, sizeof(it->note), "read: %s",
			 strerror(-err));
		it->flags |= IT_CHECK_ONLY;
	} else {
		it->st = strcmp(cur, it->want) ? ST_FAIL : ST_OK;
		item_setf(it, &it->actual, "%s",
			  it->st == ST_OK ? it->want_show : "differs");
	}
}
