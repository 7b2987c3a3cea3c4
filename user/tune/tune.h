/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rtbpf apply / check / revert: host tuning as a list of stages. Each stage
 * turns the profile and the CPU split into "items": one kernel file (or one
 * thread's scheduling) with the value the profile wants. The engine in
 * engine.c then checks items (read only), prints them (--dry-run), or
 * applies them: the exact previous content is appended and fsynced to the
 * journal before each write, and revert replays the journal in reverse.
 *
 * Every path is a target path ("/proc/sys/vm/swappiness"); tune_path()
 * prefixes --root so tests run against a fake tree.
 */
#ifndef RTBPF_TUNE_H
#define RTBPF_TUNE_H

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "parse.h"

/*
 * Values live on the heap at their own length; these only bound what is
 * read, journaled or written as one value, so a file that is not what it
 * should be (a config file grown huge) is refused by name (-EFBIG on read,
 * -E2BIG at apply, corruption in the journal), never read or cut short.
 * TUNE_LIST_MAX holds the longest CPU list of CPUs below CPUSET_MAX (at
 * most 4 digits and a ',' or '-' per CPU: "0-1,3-4,..." or "0,2,4,..."),
 * TUNE_VAL_MAX such a list with room around it ("fifo:99@LIST", a small
 * config file: irqbalance, limits.d, a systemd drop-in).
 */
#define TUNE_LIST_MAX (5 * CPUSET_MAX)
#define TUNE_VAL_MAX (TUNE_LIST_MAX + 8192)
#define TUNE_MAX_PIDS 64
#define TUNE_STATE_DIR "/var/lib/rtbpf"
#define TUNE_STATE_FILE TUNE_STATE_DIR "/state"
#define TUNE_LOCK_FILE TUNE_STATE_DIR "/lock"
/* Target paths whose write the kernel refused with EIO at apply (unmovable
 * IRQs), one a line; world-readable so an unprivileged check shows them as
 * WARN (unmovable). Removed by a complete revert. */
#define TUNE_UNMOVABLE_FILE TUNE_STATE_DIR "/unmovable"
#define TUNE_PROFILE_DIR "/etc/rtbpf/profiles.d"

/* ---- profile.c ---------------------------------------------------------- */

enum key_type {
	KEY_INT, /* -?(0|[1-9][0-9]*) within [min, max] */
	KEY_ENUM, /* one of the words in choices, "|" separated */
	KEY_INT_OR_ENUM, /* a KEY_INT or one of choices */
	KEY_CPUS, /* "@housekeeping", "@latency" or a CPU list */
};

struct profile_key {
	const char *name;
	enum key_type type;
	long long min, max;
	const char *choices;
	const char *help;
};

extern const struct profile_key profile_keys[];
extern const size_t profile_nkeys;

/* A profile line holds a key, '=', a CPU list of every CPU a host can
 * have (TUNE_LIST_MAX) and a comment; a longer line, or a file past
 * PROFILE_FILE_MAX, is refused. */
#define PROFILE_LINE_MAX (TUNE_LIST_MAX + 1024)
#define PROFILE_FILE_MAX (256 * 1024)

/* Values on the heap (NULL: unset), freed by profile_free(). */
struct profile {
	char name[64];
	char *val[128];
};

/* Loads a built-in profile, ROOT/etc/rtbpf/profiles.d/NAME[.conf], or a path
 * (NAME containing '/'); includes resolved, every key and value validated.
 * p must be zeroed or freed. 0, or -ENOENT (unknown profile) / -EINVAL (bad
 * key or value, a line over PROFILE_LINE_MAX - 1 bytes) / -EFBIG (a file
 * over PROFILE_FILE_MAX - 1 bytes) / -ENOMEM, with a message already logged
 * naming file, line and key. */
int profile_load(struct profile *p, const char *root, const char *name);
/* Frees the values; p reads as an empty profile after. */
void profile_free(struct profile *p);
/* Value of key, or NULL when the profile leaves it alone. */
const char *profile_get(const struct profile *p, const char *key);
/* "keep" or unset both mean: do not touch. */
bool profile_wants(const struct profile *p, const char *key);

/* ---- config ------------------------------------------------------------- */

struct tune_cfg {
	const char *cmd; /* "apply", "check", "revert": prefixes messages */
	char root[PATH_MAX]; /* "" for the real host */
	struct profile prof;
	bool have_prof;
	struct cpuset cpus; /* latency CPUs */
	struct cpuset housekeeping;
	struct cpuset online, possible;
	pid_t pids[TUNE_MAX_PIDS];
	int npids;
	unsigned int stages; /* bit per stage index */
	bool dry_run, json, strict, force, drop_torn;
};

/* ---- util.c ------------------------------------------------------------- */

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
/* Trailing whitespace removed, inner runs of blanks collapsed to one. */
void tune_norm(const char *in, char *out, size_t len);
/* The selected word of "always [madvise] never", or the text itself. */
void tune_selected(const char *in, char *out, size_t len);
/* Kernel hex cpumask "00000000,0000000f" <-> cpuset. parse: -EINVAL, or
 * -ERANGE for a CPU at or past CPUSET_MAX. format: length, or -ERANGE
 * (buf emptied) when it does not fit. */
int tune_mask_parse(const char *s, struct cpuset *out);
int tune_mask_format(const struct cpuset *s, char *buf, size_t len);
/* Value quoted for a POSIX shell when it needs it; control bytes (all
 * but '\n') and bytes from 0x7f through printf octal escapes, so the
 * command is exact and safe to show on a terminal. -ENOSPC (and a
 * placeholder) when out is too small. */
int tune_shell_quote(const char *in, char *out, size_t len);
/* RTBPF_FAULT=journal:N|write:N|partial:N|staged:N kills the process
 * (SIGKILL) right after the N-th journal record, knob write, half-written
 * temp file, or temp file complete but not yet renamed; for tests. */
void tune_fault_point(const char *what);

/* ---- items and stages ---------------------------------------------------- */

enum item_cmp {
	CMP_TEXT, /* whitespace-normalised text */
	CMP_SELECT, /* bracketed selection, e.g. THP "[never]" */
	CMP_MASK, /* hex cpumask */
	CMP_SUBSET, /* hex cpumask, OK when non-empty and inside want */
	CMP_LIST, /* CPU list */
	CMP_NONE, /* check only: status decided by the stage */
};

enum item_status { ST_OK, ST_WARN, ST_FAIL, ST_SKIP, ST_INFO };

/* Item flags */
#define IT_OPTIONAL 0x1 /* missing file: SKIP, not FAIL */
#define IT_MOVABLE 0x2 /* EIO on write: unmovable, reported not failed */
#define IT_CHECK_ONLY 0x4 /* never written (boot knobs) */
#define IT_WARN_ONLY 0x8 /* a deviation is a WARN */
#define IT_SCHED 0x10 /* a thread's policy/affinity, not a file */
#define IT_AFFINITY 0x20 /* a thread's CPU affinity: see threads.c */
#define IT_EXACT 0x40 /* write the exact bytes of want (config files) */
#define IT_CREATE 0x80 /* may not exist yet: created, revert removes it */
#define IT_NETDEV 0x100 /* a NIC's channel counts (net.c), not a file */

/* Values grow with the host (a CPU list of 1024 CPUs, a mask of 8192): they
 * live on the heap, set with item_setf() and friends, never NULL ("" until
 * set), freed by items_free(). */
struct tune_item {
	const char *stage;
	char name[80]; /* shown to the user: "kernel.timer_migration" */
	char path[160]; /* target path; "tid:N" for IT_SCHED */
	const char *want; /* value written */
	const char *want_show; /* expected, as shown */
	enum item_cmp cmp;
	unsigned int flags;
	bool nomem; /* a value could not be allocated: tune_plan fails */
	/* filled by check */
	enum item_status st;
	const char *actual;
	char note[320];
};

struct item_list {
	struct tune_item *v;
	size_t n, cap;
};

/* Appends a zeroed item; NULL + errno on ENOMEM. */
struct tune_item *items_add(struct item_list *l, const char *stage);
void items_free(struct item_list *l);
/* Sets one of it's values (&it->want, &it->want_show, &it->actual) to the
 * formatted text, whatever its length; 0, or -ENOMEM with it->nomem set
 * (the value then reads "", and tune_plan fails). */
int item_setf(struct tune_item *it, const char **field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The field takes a heap string (NULL: -ENOMEM as above). */
int item_take(struct tune_item *it, const char **field, char *str);
/* The field as a CPU list / a kernel hex cpumask of s. */
int item_set_list(struct tune_item *it, const char **field,
		  const struct cpuset *s);
int item_set_mask(struct tune_item *it, const char **field,
		  const struct cpuset *s);

struct tune_stage {
	const char *name;
	const char *help;
	/* Appends the stage's items for this profile and CPU split. Reads the
	 * target tree only. 0 or -errno (message logged). */
	int (*plan)(const struct tune_cfg *c, struct item_list *l);
};

extern const struct tune_stage tune_stages[];
extern const size_t tune_nstages;
int tune_stage_index(const char *name);

int sysctl_plan(const struct tune_cfg *c, struct item_list *l);
int irq_plan(const struct tune_cfg *c, struct item_list *l);
int boot_plan(const struct tune_cfg *c, struct item_list *l);
int memory_plan(const struct tune_cfg *c, struct item_list *l);
int workqueue_plan(const struct tune_cfg *c, struct item_list *l);
int power_plan(const struct tune_cfg *c, struct item_list *l);
int process_plan(const struct tune_cfg *c, struct item_list *l);
int threads_plan(const struct tune_cfg *c, struct item_list *l);
int irqbalance_plan(const struct tune_cfg *c, struct item_list *l);
int limits_plan(const struct tune_cfg *c, struct item_list *l);
int systemd_plan(const struct tune_cfg *c, struct item_list *l);
int net_plan(const struct tune_cfg *c, struct item_list *l);
/* net.c: channel counts of the device in "/sys/class/net/DEV/channels" as
 * "rx R tx T combined C" (SIOCETHTOOL), and the ethtool command for it. */
int netdev_read(const char *path, char *buf, size_t len);
int netdev_write(const char *path, const char *val);
void netdev_shell(const char *path, const char *val, char *out, size_t len);
/* NICs may be touched: on the host (no --root), or under --root only
 * inside a network namespace that is not the host's. */
bool net_allowed(const struct tune_cfg *c);
/* State of a config file rtbpf writes whole (IT_EXACT | IT_CREATE): OK when
 * it->path holds exactly it->want (shown as it->want_show), FAIL when absent
 * or different, WARN (and check only) when unreadable for lack of rights. */
void config_file_state(const struct tune_cfg *c, struct tune_item *it);

/* threads.c: affinity of a thread named by "/proc/PID/task/TID/affinity".
 * On the host (no --root) the value is read from that task's status
 * (Cpus_allowed_list) and written with sched_setaffinity(2); under --root
 * it is the content of ROOT/proc/PID/task/TID/affinity, a file the test
 * fixture provides, so tests never move a real thread. 0 or -errno. */
int aff_read(const struct tune_cfg *c, const char *path, char *buf, size_t len);
int aff_write(const struct tune_cfg *c, const char *path, const char *val,
	      bool exact);
bool cpulist_equal(const char *a, const char *b);
struct jrec;
/* Sets r->start (and has_start) from the stat of the thread an S or A
 * record names; 0, -ESRCH (gone) or -errno. */
int thread_start(const struct tune_cfg *c, struct jrec *r);
/* Before revert touches an S or A record: 0 when its thread is still the
 * one apply changed (same start time); -ESRCH (warned) when gone or
 * another thread with that TID, or no start time was recorded; -EPERM
 * (error logged) for an S record under --root naming a thread outside
 * this session; -errno otherwise. */
int thread_reidentify(const struct tune_cfg *c, const struct jrec *r);
/* An S record under --root naming a live thread of another session: one
 * revert must refuse before it changes anything. */
bool thread_foreign(const struct tune_cfg *c, const struct jrec *r);
/* apply under --root changes only threads of the caller's session (a
 * test's children), never the host's: 0, or -EPERM with a message. */
struct tune_item;
int thread_session_check(const struct tune_cfg *c, const struct tune_item *it);

/* irqbalance.c: `systemctl try-restart irqbalance` after its configuration
 * changed; only on the host (printed, or run unless dry_run). */
void irqbalance_restart(const struct tune_cfg *c, bool dry_run);

/* irq.c: is this target path listed in the unmovable file? */
bool irq_unmovable(const struct tune_cfg *c, const char *path);
/* Appends path to the unmovable file (fsynced); 0 or -errno. */
int irq_mark_unmovable(const struct tune_cfg *c, const char *path);

/* process.c: IT_SCHED items ("tid:N", value "fifo:80@2-3", "other:-20@2") */
int sched_read(pid_t tid, char *val, size_t len);
/* A refused SCHED_FIFO falls back to SCHED_RR at the same priority. */
int sched_write(pid_t tid, const char *val);
bool sched_equal(const char *want, const char *actual);
/* Equal, or want is FIFO and actual the same as RR (the fallback). */
bool sched_equal_rr(const char *want, const char *actual);
/* The chrt/taskset/renice commands that do what sched_write(tid, want) does,
 * in a new string (a comment naming the value, escaped, when it does not
 * parse); NULL + errno (ENOMEM). */
char *sched_shell(const char *want, pid_t tid);

/* ---- journal.c ---------------------------------------------------------- */

struct jrec {
	char kind; /* 'F' file, 'S' sched, 'A' thread affinity, 'C' created */
	char stage[32];
	char path[160];
	/* Heap strings, each shorter than TUNE_VAL_MAX; a journal's records
	 * own theirs (journal_close frees them). */
	char *old; /* exact previous content */
	char *restore; /* what to write to a kernel file */
	char *new_; /* what rtbpf wrote */
	/* S and A: the thread's start time (stat field 22) at apply */
	unsigned long long start;
	bool has_start;
};

struct journal {
	int dir_fd; /* ROOT/var/lib/rtbpf */
	int lock_fd;
	int fd; /* state file, append */
	struct jrec *r;
	size_t n, cap;
	char path[PATH_MAX];
};

/* Takes the lock (refused with -EBUSY when held), loads an existing state
 * file (-EBADMSG when corrupt or foreign, -EPERM when the state directory,
 * state or lock file is not a regular file (directory) owned by the
 * effective user and closed to group and others; nothing changed). Without
 * create, a missing state file leaves j->fd at -1. */
int journal_open(struct journal *j, const struct tune_cfg *c, bool create);
/* Parses a state file's bytes (buf[len] must be '\0'; lines are cut in
 * place) into j->r; j->path names it in messages. *valid_len: the bytes
 * before a torn last record. 0, -EBADMSG (message logged) or -ENOMEM. */
int journal_parse(struct journal *j, char *buf, size_t len, size_t *valid_len);
/* jpath.c: 0 when r's stage makes records of r's kind for r's path (and
 * the path is canonical); else -EBADMSG and the reason in why. */
int jpath_check(const struct jrec *r, char *why, size_t len);
/* The TID an S or A record names, or -1. */
pid_t jrec_tid(const struct jrec *r);
/* Record before a change: appended, fsynced. Keeps the first original.
 * r's strings stay the caller's (copied). */
int journal_record(struct journal *j, const struct jrec *r);
/* Removes the state file after a complete revert. */
int journal_remove(struct journal *j);
void journal_close(struct journal *j);

/* ---- engine.c ----------------------------------------------------------- */

int tune_plan(const struct tune_cfg *c, struct item_list *l);
/* Two readings of one knob mean the same thing: same text, same bracketed
 * selection, or the same hex cpumask however many groups it prints. */
bool tune_values_equal(const char *a, const char *b);
/* The value behind a journal kind: a file ('F', 'C'), a thread's policy
 * ('S'), a thread's affinity ('A') or a NIC's channels ('N'), whole, in a
 * new string *out the caller frees. 0, or -EFBIG (TUNE_VAL_MAX bytes or
 * more), -ENOMEM or -errno of the read, *out NULL. */
int tune_kind_read(const struct tune_cfg *c, char kind, const char *path,
		   char **out);
/* in quoted for a shell (tune_shell_quote) in a new string; NULL + errno
 * (ENOMEM). */
char *tune_shell_quote_dup(const char *in);
/* Fills st/actual/note of every item. */
void tune_check_items(const struct tune_cfg *c, struct item_list *l);
int tune_apply_items(const struct tune_cfg *c, struct item_list *l);
/* revert.c */
int tune_revert(const struct tune_cfg *c);

#endif
