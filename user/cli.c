// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "cli.h"

#include <errno.h>
#include <string.h>

#include "log.h"

void cli_parser_init(struct cli_parser *p, const struct cli_opt *opts)
{
	size_t n = 0, s = 0;

	memset(p, 0, sizeof(*p));
	p->shortopts[s++] = ':'; /* report a missing argument as ':' */
	for (; opts[n].name && n < CLI_MAX_OPTS; n++) {
		p->longopts[n].name = opts[n].name;
		p->longopts[n].has_arg = opts[n].arg ? required_argument :
						       no_argument;
		p->longopts[n].val = opts[n].key;
		if (opts[n].key > 0 && opts[n].key < 256) {
			p->shortopts[s++] = (char)opts[n].key;
			if (opts[n].arg)
				p->shortopts[s++] = ':';
		}
	}
}

void cli_usage(FILE *f, const char *cmd, const char *synopsis,
	       const struct cli_opt *opts)
{
	fprintf(f, "Usage: rtbpf %s %s\n\nOptions:\n", cmd, synopsis);
	for (size_t i = 0; opts[i].name; i++) {
		char left[48];

		if (opts[i].key > 0 && opts[i].key < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
				 opts[i].key, opts[i].name,
				 opts[i].arg ? " " : "",
				 opts[i].arg ? opts[i].arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s",
				 opts[i].name, opts[i].arg ? " " : "",
				 opts[i].arg ? opts[i].arg : "");
		if (strlen(left) > 24)
			fprintf(f, "  %s\n  %-24s  %s\n", left, "",
				opts[i].help);
		else
			fprintf(f, "  %-24s  %s\n", left, opts[i].help);
	}
}

int cli_common(int key, char **argv, const char *cmd, const char *synopsis,
	       const struct cli_opt *opts)
{
	switch (key) {
	case 'v':
		log_verbosity++;
		return CLI_NEXT;
	case 'h':
		cli_usage(stdout, cmd, synopsis, opts);
		return CLI_HELP;
	case ':':
		log_err("%s: option %s needs an argument", cmd,
			argv[optind - 1]);
		return -EINVAL;
	default:
		log_err("%s: unknown option '%s' (see rtbpf %s --help)", cmd,
			argv[optind - 1], cmd);
		return -EINVAL;
	}
}
