// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rtbpf-docgen man DIR | bash FILE: see docgen.h. */
#include "docgen.h"

#include <errno.h>
#include <string.h>

#include "cli.h"
#include "log.h"

int main(int argc, char **argv)
{
	FILE *f;
	int err;

	if (argc == 3 && !strcmp(argv[1], "man"))
		return docgen_man(argv[2]) ? EXIT_FAIL : EXIT_OK;
	if (argc != 3 || strcmp(argv[1], "bash")) {
		fprintf(stderr, "usage: rtbpf-docgen man DIR | bash FILE\n");
		return EXIT_USAGE;
	}
	f = fopen(argv[2], "w");
	if (!f) {
		log_err("docgen: %s: %s", argv[2], strerror(errno));
		return EXIT_FAIL;
	}
	err = docgen_bash(f);
	if (fclose(f))
		err = -errno;
	if (err)
		log_err("docgen: %s: %s", argv[2], strerror(-err));
	return err ? EXIT_FAIL : EXIT_OK;
}
