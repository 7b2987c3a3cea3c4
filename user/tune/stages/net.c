// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net stage: the channel (queue) count of every network device that has
 * channels, like tuned's realtime profile ([net] channels=combined N):
 * fewer queues than CPUs means fewer queue IRQs, and with N = the number
 * of housekeeping CPUs (net.channels = housekeeping) they all fit on them.
 * A device with combined channels gets combined = N; one with separate
 * RX/TX channels (veth) gets rx = tx = N; each capped at its maximum.
 *
 * The value is "rx R tx T combined C" as ETHTOOL_GCHANNELS reports it
 * (SIOCETHTOOL; "other" channels are kept), written back whole with
 * ETHTOOL_SCHANNELS, so the journal restores all three counts. Items are
 * named "/sys/class/net/DEV/channels" (no such file: journal kind N).
 *
 * Under --root the devices are real too, so the stage runs only when the
 * process is in a network namespace other than PID 1's (a test's own,
 * made with `ip netns`); in the host's it plans nothing and says so.
 */
#define _GNU_SOURCE
#include "tune/stage.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ethtool.h>

#include "log.h"
#include "tune/kind.h"

#define NET_PREFIX "/sys/class/net/"
#define NET_SUFFIX "/channels"

static unsigned int cap(unsigned int want, unsigned int max)
{
	return want < max ? want : max;
}

int net_plan(const struct tune_cfg *c, struct item_list *l)
{
	const char *v = profile_get(&c->prof, "net.channels");
	struct if_nameindex *ifs, *i;
	unsigned int n;

	if (!profile_wants(&c->prof, "net.channels"))
		return 0;
	n = strcmp(v, "housekeeping") ? (unsigned int)atoi(v) :
					cpuset_count(&c->housekeeping);
	if (!net_allowed(c)) {
		log_info("%s: net: under --root, NICs are only touched inside "
			 "a network namespace of their own; skipped",
			 c->cmd);
		return 0;
	}
	ifs = if_nameindex();
	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index; i++) {
		struct ethtool_channels ch;
		struct tune_item *it;
		unsigned int rx, tx, comb;

		if (netdev_channels(i->if_name, &ch))
			continue; /* lo, tunnels: no channels */
		rx = ch.rx_count;
		tx = ch.tx_count;
		comb = ch.combined_count;
		if (ch.max_combined) {
			comb = cap(n, ch.max_combined);
		} else if (ch.max_rx && ch.max_tx) {
			rx = cap(n, ch.max_rx);
			tx = cap(n, ch.max_tx);
		} else {
			continue;
		}
		it = items_add(l, "net");
		if (!it) {
			if_freenameindex(ifs);
			return -ENOMEM;
		}
		snprintf(it->name, sizeof(it->name), "%s channels", i->if_name);
		snprintf(it->path, sizeof(it->path), NET_PREFIX "%s" NET_SUFFIX,
			 i->if_name);
		item_setf(it, &it->want, "rx %u tx %u combined %u", rx, tx,
			  comb);
		it->cmp = CMP_TEXT;
		it->kind = &kind_netdev;
	}
	if_freenameindex(ifs);
	return 0;
}
