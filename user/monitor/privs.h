/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Background: the monitor needs root (or CAP_BPF+CAP_PERFMON) to load and
 * attach its programs, and nothing after that, while it renders thread
 * names any user chooses. Once attached, everything its loop does goes
 * through what it already holds or what anyone may read:
 * - map reads, writes and deletes: bpf() on map fds it holds;
 * - the spike ring: memory mapped at load, woken through epoll;
 * - /proc/PID/comm and /proc/PID/status: world-readable (with /proc
 *   mounted hidepid=, other users' names show as "?");
 * - stdout and stderr; detaching is closing fds.
 * Recent kernels check no capability for a bpf() command on a map fd a
 * process holds; older ones, while kernel.unprivileged_bpf_disabled is
 * set, refuse every bpf() command without CAP_BPF (or CAP_SYS_ADMIN). A
 * probe on this host decides, rather than a kernel version.
 */
#ifndef RTBPF_MONITOR_PRIVS_H
#define RTBPF_MONITOR_PRIVS_H

#include <stdint.h>

/*
 * Sets PR_SET_NO_NEW_PRIVS, becomes nobody when it runs as root (uids,
 * gids, no supplementary groups: root without capabilities still owns
 * root's files), then drops every capability from the
 * effective, permitted, inheritable, ambient and bounding sets but those
 * the loop needs: none, or CAP_BPF (else CAP_SYS_ADMIN) when a map
 * lookup on map_fd, tried with the effective set emptied, is refused with
 * EPERM (any other result, such as ENOTSUPP from a ring buffer, means the
 * call got past the capability check). The bounding set is left as it is without CAP_SETPCAP (no new
 * privileges still holds). Call once every fd the loop uses is open, from
 * the only thread. *kept gets the capability mask kept. 0 or -errno (the
 * caller must not go on with more privileges than it asked to keep).
 */
int monitor_drop_privs(int map_fd, uint64_t *kept);

/* Empties the calling thread's effective, permitted and inheritable
 * capability sets (and so its ambient set) but for those of mask keep it
 * holds; the process's other threads keep theirs. For a thread that
 * starts others which must hold (next to) none: the exporter's server in
 * a command that keeps its privileges. 0 or -errno (capget, capset). */
int privs_drop_thread_caps(uint64_t keep);

#endif
