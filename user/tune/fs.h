/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The target tree (fs.c): --root paths resolved inside the root, whole-file
 * reads, crash-safe writes of plain files, fault injection for tests.
 */
#ifndef RTBPF_TUNE_FS_H
#define RTBPF_TUNE_FS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "tune.h"

/* ROOT + path into buf (PATH_MAX). */
const char *tune_path(const struct tune_cfg *c, const char *path, char *buf);
/* open(2) of a target path; under --root resolved inside ROOT (openat2
 * RESOLVE_IN_ROOT: "..", absolute and magic symlinks never lead out; where
 * openat2 fails with ENOSYS, EPERM or EINVAL a walk resolves the same way:
 * links followed re-rooted, ".." clamped, 40 links at most). Every read,
 * stat, opendir and exists test of the target tree goes through it. fd or
 * -1 + errno. */
int tune_open(const struct tune_cfg *c, const char *path, int flags,
	      mode_t mode);
/* A regular file for reading through tune_open(), never blocking on a FIFO
 * or opening a device: anything else is refused (EISDIR for a directory,
 * else EINVAL with a warning naming it). fd or -1 + errno. */
int tune_open_file(const struct tune_cfg *c, const char *path);
/* "a FIFO", "a directory"...: the file type of an st_mode, for messages. */
static inline const char *tune_type_name(mode_t m)
{
	return S_ISREG(m)  ? "a regular file" :
	       S_ISDIR(m)  ? "a directory" :
	       S_ISLNK(m)  ? "a symlink" :
	       S_ISFIFO(m) ? "a FIFO" :
	       S_ISCHR(m)  ? "a character device" :
	       S_ISBLK(m)  ? "a block device" :
	       S_ISSOCK(m) ? "a socket" :
			     "of an unknown type";
}
/* fopen(path, "re") of tune_open_file() / opendir(path) through
 * tune_open(); NULL + errno. */
FILE *tune_fopen(const struct tune_cfg *c, const char *path);
DIR *tune_opendir(const struct tune_cfg *c, const char *path);
/* sysinfo_read_cpulist() of a target path; 0 or -errno. */
int tune_read_cpulist(const struct tune_cfg *c, const char *path,
		      struct cpuset *out);
/* Creates a file that did not exist with exactly val (mode 0644): written
 * to a temp file, fsynced, renamed with RENAME_NOREPLACE, dir fsynced;
 * -EEXIST when it exists. */
int tune_create(const struct tune_cfg *c, const char *path, const char *val);
int tune_unlink(const struct tune_cfg *c, const char *path);
/* The temp file of a plain-file write: ".NAME.rtbpf-tmp" beside NAME. */
#define TUNE_TMP_FMT "%s.rtbpf-tmp"
/* Removes the temp file a write of path killed midway left, printing the
 * rm command first: 1 removed, 0 none, -errno. */
int tune_tmp_remove(const struct tune_cfg *c, const char *path);
/* Reads a whole small file; 0 or -errno. buf is NUL-terminated. */
int tune_read(const struct tune_cfg *c, const char *path, char *buf,
	      size_t len);
bool tune_exists(const struct tune_cfg *c, const char *path);
/* Writes val; for procfs/sysfs one write(2) without O_TRUNC; a regular
 * file (fake trees, config files) is replaced whole, crash-safe (as
 * tune_create, keeping its mode and owner); anything else is -EINVAL.
 * RTBPF_FAULT_EIO=path[,path] makes the write of that target path fail with
 * EIO (tests model unmovable IRQs with it). 0 or -errno. */
int tune_write(const struct tune_cfg *c, const char *path, const char *val,
	       bool exact);
/* True when the target file lives on procfs/sysfs (kernel formats reads). */
bool tune_is_kernel_file(const struct tune_cfg *c, const char *path);
/* RTBPF_FAULT=journal:N|write:N|partial:N|staged:N kills the process
 * (SIGKILL) right after the N-th journal record, knob write, half-written
 * temp file, or temp file complete but not yet renamed; for tests. */
void tune_fault_point(const char *what);

#endif
