/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Tuning profiles (profile.c): built-in ones and files of "key = value"
 * lines, every key and value validated against profile_keys[].
 */
#ifndef RTBPF_TUNE_PROFILE_H
#define RTBPF_TUNE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

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
/* A key's values as a profile writes them: "[0, 200]", "on|off",
 * "@housekeeping|@latency|LIST" (rtbpf profile keys, rtbpf-profile(5)). */
void profile_key_values(const struct profile_key *k, char *buf, size_t len);

/* The built-in profiles (profile_builtin.c): a profile file's text each. */
struct profile_builtin {
	const char *name;
	const char *summary; /* one line, for 'rtbpf profile list' */
	const char *text;
};
extern const struct profile_builtin profile_builtins[];
extern const size_t profile_nbuiltins;

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

/* The i-th built-in profile: its name and text (in the file syntax);
 * false past the last (man page and completion generators). */
bool profile_builtin(size_t i, const char **name, const char **text);

/* Loads a built-in profile, ROOT/etc/rtbpf/profiles.d/NAME[.conf], a path
 * (NAME containing '/') or else the file NAME in the current directory;
 * includes resolved, every key and value validated. p must be zeroed or
 * freed. 0, or -ENOENT (unknown profile) / -EINVAL (bad key or value, a
 * line over PROFILE_LINE_MAX - 1 bytes) / -EPERM (a file not owned by root
 * or the caller, or writable by group or others) / -EFBIG (a file over
 * PROFILE_FILE_MAX - 1 bytes) / -ENOMEM, with a message already logged
 * naming file, line and key, after who (the command and option that
 * named it: "check: --profile"; NULL: none); -ELOOP for an include loop
 * ("include loop: a -> b -> a") or includes nested more than 4 deep. */
int profile_load(struct profile *p, const char *root, const char *name,
		 const char *who);
/* The files of ROOT/etc/rtbpf/profiles.d (directory entries, sorted, not
 * directories) into *names: free each and the array. Their count, or
 * -errno when the directory cannot be read. */
int profile_files(const char *root, char ***names);
/* The profile name (built-in, or a file of the profile directory without
 * ".conf") nearest to a mistyped one into buf; "" when none is near. */
void profile_suggest(const char *root, const char *name, char *buf, size_t len);
/* Frees the values; p reads as an empty profile after. */
void profile_free(struct profile *p);
/* Value of key, or NULL when the profile leaves it alone. */
const char *profile_get(const struct profile *p, const char *key);
/* "keep" or unset both mean: do not touch. */
bool profile_wants(const struct profile *p, const char *key);

#endif
