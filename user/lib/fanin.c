// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Fan-in setup and teardown; the hot path is inline in <rtbpf/fanin.h>. */
#include <rtbpf/fanin.h>

#include <stdlib.h>
#include <string.h>

int rtbpf_fanin__init(struct rtbpf_fanin *f, unsigned int nlanes,
		      uint32_t capacity)
{
	size_t len;
	int err;

	if (!f || !nlanes || nlanes > RTBPF_FANIN_MAX_LANES)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	len = nlanes * sizeof(*f->lanes);
	f->lanes = aligned_alloc(RTBPF_RING_ALIGN, len);
	if (!f->lanes)
		return -ENOMEM;
	memset(f->lanes, 0, len);
	for (unsigned int i = 0; i < nlanes; i++) {
		err = rtbpf_ring__init(&f->lanes[i], capacity, RTBPF_RING_SP);
		if (err) {
			f->nlanes = i;
			rtbpf_fanin__fini(f);
			return err;
		}
	}
	f->nlanes = nlanes;
	return 0;
}

void rtbpf_fanin__fini(struct rtbpf_fanin *f)
{
	if (!f || !f->lanes)
		return;
	for (unsigned int i = 0; i < f->nlanes; i++)
		rtbpf_ring__fini(&f->lanes[i]);
	free(f->lanes);
	f->lanes = NULL;
	f->nlanes = 0;
}
