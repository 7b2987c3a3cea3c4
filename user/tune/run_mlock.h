/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Background: `rtbpf run --mlock` execs CMD in its own process, so the
 * lock has to be taken by every image that process runs: librtbpf-mlock.so
 * (user/tune/preload/rtbpf_mlock.c) is preloaded and locks the process
 * named by RTBPF_MLOCK_PID, and only that one, also after launcher execs.
 * An image the preload cannot reach (statically linked, set-user-ID, its
 * environment cleared) would run unlocked in silence; a watcher process
 * forked before the exec catches that from /proc and warns on stderr.
 */
#ifndef RTBPF_RUN_MLOCK_H
#define RTBPF_RUN_MLOCK_H

#include <stddef.h>

/*
 * The static rtbpf has no library beside it: it carries the preload's
 * bytes (user/tune/preload/mlock_blob.S) and writes them to a memfd,
 * sealed against any change and left open across exec (not close-on-exec)
 * so that CMD's dynamic loader, and that of every image CMD's process
 * execs, opens it as /proc/self/fd/N, its own copy of the fd. No file is
 * left anywhere; the memory goes with the last process holding the fd.
 * Returns the fd and that path in path, -ENOENT when this binary carries
 * no copy (the dynamic one: the library is installed), or -errno
 * (-EACCES: vm.memfd_noexec = 2 forbids an executable memfd). Needs
 * /proc in CMD, as the loader opens the path.
 */
int run_mlock_embedded(char *path, size_t len);
/* The name the embedded copy has in /proc/PID/maps. */
#define RUN_MLOCK_MEMFD_MAP "/memfd:librtbpf-mlock.so (deleted)"

/* Preload first in LD_PRELOAD, RTBPF_MLOCK and RTBPF_MLOCK_PID naming
 * this process. 0 or -errno. */
int run_mlock_env(const char *preload);

/*
 * Forks a watcher (double fork: it is not CMD's child and holds none of
 * CMD's fds but stderr) that waits for this process to exec, then checks
 * every image it runs until RUN_MLOCK_WATCH_MS pass without an exec: one still
 * without locked memory (VmLck 0 kB) RUN_MLOCK_SETTLE_MS after its exec
 * gets a warning naming the pid, the executable and the reason. It stops
 * when the process exits (pidfd, so a reused pid is never read). Call
 * before the scheduling setup and the --user switch: the watcher keeps
 * the caller's policy, affinity and credentials (it reads /proc/PID/exe
 * and maps of a process that may have become another user). 0, or -errno when no watcher could be started (warned).
 */
#define RUN_MLOCK_SETTLE_MS 1000
#define RUN_MLOCK_WATCH_MS 10000
int run_mlock_watch(const char *mapname);

#endif
