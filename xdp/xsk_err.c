// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The error message every rtbpf_xsk step writes into the caller's
 * opts.errbuf (xsk_internal.h), apart from xsk.c so the steps it calls
 * (xsk_net.c, xsk_prog.c) do not depend back on it.
 */
#include "xsk_internal.h"

#include <stdio.h>

void rtbpf_xsk_set_err(struct rtbpf_xsk *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->o.errbuf || !x->o.errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(x->o.errbuf, x->o.errlen, fmt, ap);
	va_end(ap);
}
