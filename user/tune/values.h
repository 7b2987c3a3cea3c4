/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Knob values (values.c): the formats the kernel prints (blank runs, the
 * bracketed selection, hex cpumasks, CPU lists), comparison in meaning, and
 * quoting for the shell commands rtbpf prints.
 */
#ifndef RTBPF_TUNE_VALUES_H
#define RTBPF_TUNE_VALUES_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

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
/* in quoted for a shell (tune_shell_quote) in a new string; NULL + errno
 * (ENOMEM). */
char *tune_shell_quote_dup(const char *in);
/* tune_norm / tune_selected of in, in a new string (neither makes text
 * longer); NULL + errno (ENOMEM). */
char *tune_norm_dup(const char *in);
char *tune_selected_dup(const char *in);
/* Two readings of one knob mean the same thing: same text, same bracketed
 * selection, or the same hex cpumask however many groups it prints. */
bool tune_values_equal(const char *a, const char *b);
/* What a hex cpumask val means, for a shell command that writes it:
 * "  # CPUs 0,2 (was 0-3)" (without "(was ...)" when was is NULL or ""),
 * in a new string; NULL when val is not a mask, or on ENOMEM. */
char *tune_mask_comment(const char *val, const char *was);
/* An IRQ's or a workqueue's hex cpumask file (smp_affinity, cpumask). */
bool tune_is_mask_path(const char *path);
/* A hex cpumask as "CPUs 0,2" ("CPUs (none)") in a new string; NULL when
 * val is not a mask, or on ENOMEM. */
char *tune_mask_list_dup(const char *val);
/* Two CPU lists of the same set. */
bool cpulist_equal(const char *a, const char *b);

#endif
