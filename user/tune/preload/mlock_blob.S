/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * librtbpf-mlock.so's bytes, linked into the static rtbpf only (make
 * static), which has no installed library beside it: run --mlock writes
 * them to a sealed memfd at run time (run_mlock_embedded()). MLOCK_SO is
 * the built library's path, given by the Makefile.
 */
	.section .rodata
	.balign 64
	.globl rtbpf_mlock_so
	.type rtbpf_mlock_so, @object
rtbpf_mlock_so:
	.incbin MLOCK_SO
	.globl rtbpf_mlock_so_end
rtbpf_mlock_so_end:
	.size rtbpf_mlock_so, rtbpf_mlock_so_end - rtbpf_mlock_so
	.section .note.GNU-stack,"",@progbits
