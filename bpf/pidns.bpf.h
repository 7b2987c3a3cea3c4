/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Thread ids as rtbpf's PID namespace sees them. rtbpf's tids (gettid(),
 * /proc, --pid/--tid) are those of its own PID namespace; a task's ->pid
 * and ->tgid are those of the initial one. Inside a container the two
 * differ, so a program that compares a task with a tid from userspace
 * tests cfg_pidns_ino first: 0 (userspace found itself in the initial
 * namespace) and it compares ->pid as before, the other branch gone at
 * load (rodata), so the host pays nothing; else it asks task_ns_pid() or
 * task_ns_tgid(), best once per thread (learn its global pid, compare
 * that afterwards).
 *
 * cfg_pidns_ino is the inode of rtbpf's namespace (/proc/self/ns/pid),
 * set by userspace before the load. The walk is the kernel's pid_nr_ns():
 * numbers[i] of the task's struct pid is its pid in the namespace of
 * level i, checked from the task's own level down (the task of a
 * container is found at the first step, one of the host fails after
 * one): three probe reads, two more per level between. 0: not visible
 * there (a host task), as the kernel reports such a task to the
 * namespace.
 *
 * The walks are subprograms (__noinline): inlined, their registers made
 * the host's path of their callers spill (timerlat's timer, sched_switch
 * grew by 50 instructions); called, that path keeps one load of
 * cfg_pidns_ino, whose branch the verifier removes.
 *
 * Fields: task_struct::thread_pid (v4.19), struct pid::level and
 * numbers[], pid_namespace::ns.inum (v3.19). Needs bounded loops (5.3).
 */
#ifndef RTBPF_PIDNS_BPF_H
#define RTBPF_PIDNS_BPF_H

#include <bpf/bpf_core_read.h>
#include "sched_abi.h"

/* MAX_PID_NS_LEVEL: levels a struct pid can have, 0 to 32 */
#define PIDNS_MAX_LEVEL 33

const volatile __u32 cfg_pidns_ino = 0;

/* The number of pid in the namespace cfg_pidns_ino, 0 if not there. */
static __always_inline __u32 pidns_nr(struct pid *pid)
{
	unsigned int level;

	if (!pid)
		return 0;
	level = BPF_CORE_READ(pid, level);
	for (int i = 0; i < PIDNS_MAX_LEVEL; i++) {
		struct pid_namespace *ns;

		if ((unsigned int)i > level)
			break;
		ns = BPF_CORE_READ(pid, numbers[level - i].ns);
		if (ns && BPF_CORE_READ(ns, ns.inum) == cfg_pidns_ino)
			return (__u32)BPF_CORE_READ(pid, numbers[level - i].nr);
	}
	return 0;
}

/* The task's tid in rtbpf's namespace (0: not visible there). */
static __noinline __u32 task_ns_pid(struct task_struct *task)
{
	return pidns_nr(BPF_CORE_READ(task, thread_pid));
}

/* The task's process id (its group leader's tid) there. */
static __noinline __u32 task_ns_tgid(struct task_struct *task)
{
	return pidns_nr(BPF_CORE_READ(task, group_leader, thread_pid));
}

/* The current thread's id for a report that also keys on it: its tid in
 * rtbpf's namespace, outside it its global one | RTBPF_PID_OUTSIDE. */
static __noinline __u32 pidns_current_id(void)
{
	__u32 pid = task_ns_pid((struct task_struct *)bpf_get_current_task());

	return pid ? pid :
		     (__u32)bpf_get_current_pid_tgid() | RTBPF_PID_OUTSIDE;
}

/* The same in the bits of sched_wait::waker (WAKER_OUTSIDE outside). */
static __always_inline __u32 pidns_waker_id(void)
{
	__u32 id = pidns_current_id();

	return id & RTBPF_PID_OUTSIDE ? WAKER_OUTSIDE : id & WAKER_PID_MASK;
}

/*
 * Is task the thread (tgid: the process) want of rtbpf's namespace? The
 * first match stores its global id in *learnt: from then on one compare
 * (the id stays the task's for its life; reused after, as on the host).
 */
static __always_inline bool task_ns_is(struct task_struct *task, bool tgid,
				       __u32 want, __u32 *learnt)
{
	__u32 gid = tgid ? BPF_CORE_READ(task, tgid) : BPF_CORE_READ(task, pid);

	if (*learnt)
		return gid == *learnt;
	if (!gid || (tgid ? task_ns_tgid(task) : task_ns_pid(task)) != want)
		return false;
	*learnt = gid;
	return true;
}

#endif
