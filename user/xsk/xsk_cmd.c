// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf xsk: picks the subcommand (send, recv). Apart from the helpers
 * both share (xsk_common.c) so those do not depend back on the commands.
 */
#include "xsk_cmd.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"

int cmd_xsk(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "send"))
		return xsk_send_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "recv"))
		return xsk_recv_main(argc - 1, argv + 1);
	if (argc >= 2 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: rtbpf xsk send|recv [options]\n"
		       "  send  UDP datagrams through AF_XDP (or a socket)\n"
		       "  recv  UDP datagrams steered by an XDP program\n"
		       "'rtbpf xsk send --help' shows its options.\n");
		return EXIT_OK;
	}
	if (argc >= 2 && argv[1][0] == '-')
		log_err("xsk: expected 'send' or 'recv' before the options, "
			"not '%s' (rtbpf xsk recv %s ...; see rtbpf xsk "
			"--help)",
			argv[1], argv[1]);
	else
		log_err("xsk: expected 'send' or 'recv' (see rtbpf xsk "
			"--help)");
	return EXIT_USAGE;
}
