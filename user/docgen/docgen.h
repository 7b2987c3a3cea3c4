/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rtbpf-docgen: the man pages and the bash completion, generated at build
 * time from the tables rtbpf itself runs on (commands.c, every command's
 * option table, profile_keys[], the built-in profiles, tune_stages[]), so
 * they cannot disagree with --help. A build tool, never installed; rtbpf
 * carries none of it.
 */
#ifndef RTBPF_DOCGEN_H
#define RTBPF_DOCGEN_H

#include <stdio.h>

/* Writes rtbpf.8, rtbpf-CMD.8 for every command and rtbpf-profile.5 into
 * dir. 0 or -errno (logged). */
int docgen_man(const char *dir);
/* Writes the bash completion script for rtbpf to f. 0 or -EIO. */
int docgen_bash(FILE *f);

#endif
