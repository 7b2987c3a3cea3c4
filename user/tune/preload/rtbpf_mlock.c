// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * librtbpf-mlock.so: preloaded by `rtbpf run --mlock` so that the memory
 * lock survives execve(2). Its constructor runs in CMD before main(), calls
 * mlockall(MCL_CURRENT | MCL_FUTURE), and removes itself from LD_PRELOAD
 * (and RTBPF_MLOCK from the environment) so CMD's own children are not
 * locked. If the lock fails, CMD is not started (exit 126): asking for
 * --mlock and running unlocked would hide page faults.
 *
 * Build: cc -shared -fPIC -O2 -o librtbpf-mlock.so rtbpf_mlock.c
 * It lives in a subdirectory so the user/tune wildcard does not link it
 * into rtbpf itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

static void drop_self(const char *self)
{
	const char *pre = getenv("LD_PRELOAD");
	char buf[8192], *tok, *save = NULL;
	size_t off = 0;

	if (!pre || strlen(pre) >= sizeof(buf))
		return;
	snprintf(buf, sizeof(buf), "%s", pre);
	char out[8192];

	out[0] = '\0';
	for (tok = strtok_r(buf, ": ", &save); tok;
	     tok = strtok_r(NULL, ": ", &save)) {
		if (!strcmp(tok, self))
			continue;
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s",
					off ? ":" : "", tok);
	}
	if (off)
		setenv("LD_PRELOAD", out, 1);
	else
		unsetenv("LD_PRELOAD");
}

__attribute__((constructor)) static void rtbpf_mlock_init(void)
{
	const char *self = getenv("RTBPF_MLOCK");

	if (!self)
		return; /* loaded some other way: do nothing */
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		int e = errno;

		fprintf(stderr,
			"rtbpf-mlock: mlockall(MCL_CURRENT|MCL_FUTURE): %s%s\n",
			strerror(e),
			e == ENOMEM || e == EPERM ?
				" (RLIMIT_MEMLOCK too low; needs root or "
				"CAP_IPC_LOCK)" :
				"");
		_exit(126);
	}
	drop_self(self);
	unsetenv("RTBPF_MLOCK");
}
