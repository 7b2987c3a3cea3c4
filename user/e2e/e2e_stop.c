// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The stop flag every stage of rtbpf bench e2e polls (e2e.h): set by
 * e2e_cmd.c's signal handler, apart from it so the cells and the monitor
 * reader do not depend back on the command.
 */
#include "e2e.h"

atomic_int e2e_stop;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
	       "e2e_stop is set by a signal handler");
