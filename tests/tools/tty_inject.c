// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tty_inject: tries to push one byte (a space) into the input of the
 * terminal on fd 0 with TIOCSTI, as a program run under another user
 * could to type commands into root's shell. Prints "injected" or
 * "refused: ERRNO TEXT"; exit 0 either way, 2 when fd 0 is no terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

int main(void)
{
	char c = ' ';

	if (!isatty(0)) {
		fprintf(stderr, "tty_inject: fd 0 is not a terminal\n");
		return 2;
	}
	if (ioctl(0, TIOCSTI, &c))
		printf("refused: %s\n", strerror(errno));
	else
		printf("injected\n");
	return 0;
}
