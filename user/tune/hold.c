// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf hold [--dma-latency LAT] [--timestamp] [--root DIR]
 *
 * The two runtime knobs that exist only while a process keeps a file open,
 * held until SIGINT, SIGTERM or SIGHUP:
 *
 *   --dma-latency LAT opens /dev/cpu_dma_latency and writes LAT in us as a
 *                     binary s32 ("20" or "20us"): the CPU latency PM QoS
 *                     limit (every CPU stays out of idle states slower to
 *                     leave than that) lasts as long as the fd is open
 *                     (tuned: force_latency).
 *   --timestamp       keeps a UDP socket with SO_TIMESTAMP on, so the
 *                     kernel's receive-timestamp static key stays enabled.
 *                     Otherwise every program that turns timestamps on or
 *                     off flips it, and each flip patches kernel text with
 *                     IPIs to every CPU, isolated ones included (tuned:
 *                     [rtentsk]).
 *
 * Both end with the process: nothing is journaled and there is nothing to
 * revert. Run it as a service (README shows a unit). Under --root the
 * device is ROOT/dev/cpu_dma_latency, a plain file in a test tree.
 * Prints one line naming what it holds (with the fds) once everything is
 * in place; on a bad argument or a failed open nothing is held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "parse.h"
#include "tune.h"
#include "fs.h"

#define DMA_DEV "/dev/cpu_dma_latency"

struct hold_args {
	uint32_t dma_us;
	bool dma, ts;
	const char *root;
};

#define H struct hold_args
static const struct cli_opt hold_opts[] = {
	{ "dma-latency", 0,
	  .help = "hold the CPU latency PM QoS limit at LAT (whole "
		  "microseconds)",
	  CLI_LATENCY_US_AT(H, dma_us, 0, INT32_MAX * 1000ULL),
	  CLI_SEEN(H, dma) },
	{ "timestamp", 0,
	  .help = "hold a SO_TIMESTAMP socket (no timestamp static-key "
		  "flips)",
	  CLI_FLAG_AT(H, ts) },
	{ "root", 0, .arg = "DIR", .help = "device path under DIR (tests)",
	  CLI_STR_AT(H, root) },
	{},
};
#undef H

const struct cli_cmd hold_cli = {
	"hold", "[--dma-latency LAT] [--timestamp] [--root DIR]", hold_opts,
	CLI_ARGS_NONE, NULL
};

static int hold_dma(const char *root, int32_t us)
{
	static struct tune_cfg c; /* only its root: tune_open() */
	char path[PATH_MAX];
	struct stat st;
	bool ok;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, DMA_DEV);
	snprintf(c.root, sizeof(c.root), "%s", root);
	c.cmd = "hold";
	/* under --root resolved inside it; never through a last symlink;
	 * never blocking on a FIFO (ENXIO without a reader) */
	fd = tune_open(&c, DMA_DEV,
		       O_WRONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW, 0);
	if (fd < 0) {
		log_err("hold: open %s: %s%s", path, strerror(errno),
			errno == EACCES ? " (needs root)" :
			errno == ENXIO	? " (a FIFO, not the PM QoS device)" :
			errno == ELOOP ? " (a symlink, not the PM QoS device)" :
					 "");
		return -1;
	}
	/* the PM QoS device on the host; under --root only a plain file of
	 * the caller's (a test tree), never a device or someone's file */
	ok = !fstat(fd, &st) &&
	     (root[0] ? S_ISREG(st.st_mode) && st.st_uid == geteuid() :
			S_ISCHR(st.st_mode));
	if (!ok) {
		log_err("hold: %s is not %s; not written", path,
			root[0] ? "a plain file of this user (--root)" :
				  "the PM QoS character device");
		close(fd);
		return -1;
	}
	/* The device takes the s32 itself (or hex text); one write. */
	n = write(fd, &us, sizeof(us));
	if (n != (ssize_t)sizeof(us)) {
		log_err("hold: write %s: %s", path,
			n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	return fd;
}

static int hold_timestamp(void)
{
	int on = 1, got = 0, fd;
	socklen_t len = sizeof(got);

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_err("hold: socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)) ||
	    getsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &got, &len) || !got) {
		log_err("hold: SO_TIMESTAMP: %s",
			errno ? strerror(errno) : "not enabled");
		close(fd);
		return -1;
	}
	return fd;
}

/* SIGINT, SIGTERM and SIGHUP, blocked before anything is held so that
 * one arriving early still ends the hold cleanly. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigprocmask(SIG_BLOCK, set, NULL);
}

int cmd_hold(int argc, char **argv)
{
	struct hold_args a = { .root = "" };
	int ret, dfd = -1, tfd = -1, sig = 0;
	const char *root;
	bool dma, ts;
	int32_t us;
	sigset_t set;

	ret = cli_parse(&hold_cli, argc, argv, &a, NULL);
	if (ret)
		return cli_exit(ret);
	root = a.root;
	dma = a.dma;
	ts = a.ts;
	us = (int32_t)a.dma_us;
	if (!dma && !ts) {
		log_err("hold: nothing to hold: give --dma-latency LAT, "
			"--timestamp or both");
		return EXIT_USAGE;
	}
	block_signals(&set);
	if (dma && (dfd = hold_dma(root, us)) < 0)
		return EXIT_FAIL;
	if (ts && (tfd = hold_timestamp()) < 0) {
		if (dfd >= 0)
			close(dfd);
		return EXIT_FAIL;
	}
	printf("rtbpf hold: pid %d", (int)getpid());
	if (dma)
		printf(", %s%s at %d us (fd %d)", root, DMA_DEV, (int)us, dfd);
	if (ts)
		printf(", SO_TIMESTAMP socket (fd %d)", tfd);
	printf("; until SIGINT or SIGTERM\n");
	fflush(stdout);
	while (sigwait(&set, &sig))
		;
	if (dfd >= 0)
		close(dfd);
	if (tfd >= 0)
		close(tfd);
	printf("rtbpf hold: %s: released\n", strsignal(sig));
	return EXIT_OK;
}
