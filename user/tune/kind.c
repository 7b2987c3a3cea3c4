// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The two file kinds: a file of the target tree
 * (a sysctl, a sysfs knob, a config file rtbpf edits) and a file rtbpf
 * created (a limits.d or systemd drop-in that did not exist: revert
 * removes it); knob_read() for every kind.
 */
#define _GNU_SOURCE
#include "kind.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "values.h"

static int file_read(const struct tune_cfg *c, const struct knob *k, char *buf,
		     size_t len)
{
	return tune_read(c, k->path, buf, len);
}

static int file_write(const struct tune_cfg *c, const struct knob *k,
		      const char *val, bool exact)
{
	return tune_write(c, k->path, val, exact);
}

static int created_write(const struct tune_cfg *c, const struct knob *k,
			 const char *val, bool exact)
{
	(void)exact; /* a new file always gets the exact bytes */
	return tune_create(c, k->path, val);
}

bool knob_equal_values(const struct tune_cfg *c, const char *a, const char *b)
{
	(void)c;
	return tune_values_equal(a, b);
}

/* "echo VAL > PATH", or for a whole config file "printf '%s' VAL > PATH",
 * which keeps its exact bytes. */
static char *file_shell(const struct tune_cfg *c, const struct knob *k,
			const char *val, bool exact)
{
	char full[PATH_MAX];

	return knob_shell_cmd(exact ? "printf '%s' " : "echo ", val, " > ",
			      tune_path(c, k->path, full));
}

char *knob_shell_cmd(const char *pre, const char *a, const char *mid,
		     const char *b)
{
	char *qa = tune_shell_quote_dup(a), *qb = tune_shell_quote_dup(b);
	char *out = NULL;

	if (qa && qb && asprintf(&out, "%s%s%s%s", pre, qa, mid, qb) < 0)
		out = NULL;
	free(qa);
	free(qb);
	if (!out)
		errno = ENOMEM;
	return out;
}

static enum knob_restore file_restore(const struct tune_cfg *c,
				      const struct knob *k)
{
	return tune_is_kernel_file(c, k->path) ? RESTORE_READBACK :
						 RESTORE_EXACT;
}

static enum knob_restore created_restore(const struct tune_cfg *c,
					 const struct knob *k)
{
	(void)c;
	(void)k;
	return RESTORE_EXACT;
}

enum knob_restore knob_restore_as_read(const struct tune_cfg *c,
				       const struct knob *k)
{
	(void)c;
	(void)k;
	return RESTORE_AS_READ;
}

const struct knob_kind kind_file = {
	.name = "file",
	.letter = 'F',
	.flags = KIND_FILE,
	.read = file_read,
	.write = file_write,
	.equal = knob_equal_values,
	.shell = file_shell,
	.restore = file_restore,
};

const struct knob_kind kind_created = {
	.name = "created",
	.letter = 'C',
	.flags = KIND_FILE | KIND_REMOVE,
	.read = file_read,
	.write = created_write,
	.equal = knob_equal_values,
	.shell = file_shell,
	.restore = created_restore,
};

int knob_read(const struct tune_cfg *c, const struct knob *k, char **out)
{
	/* One read for all but the CPU lists of big hosts, which take a
	 * round or two more (a read is whole, -EFBIG when it did not fit);
	 * the buffer is the caller's for a moment only. */
	size_t len = 4096;

	*out = NULL;
	for (;;) {
		char *buf = malloc(len);
		int err;

		if (!buf)
			return -ENOMEM;
		err = k->kind->read(c, k, buf, len);
		if (!err) {
			*out = buf;
			return 0;
		}
		free(buf);
		if (err != -EFBIG || len >= TUNE_VAL_MAX)
			return err;
		len = len * 4 < TUNE_VAL_MAX ? len * 4 : TUNE_VAL_MAX;
	}
}
