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
#include "tune.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "log.h"
#include "text.h"

#define NET_PREFIX "/sys/class/net/"
#define NET_SUFFIX "/channels"

/* "/sys/class/net/DEV/channels" -> DEV; false when path is not one. */
static bool dev_of(const char *path, char *dev)
{
	size_t pl = strlen(NET_PREFIX), sl = strlen(NET_SUFFIX);
	size_t len = strlen(path);

	if (len <= pl + sl || strncmp(path, NET_PREFIX, pl) ||
	    strcmp(path + len - sl, NET_SUFFIX) || len - pl - sl >= IFNAMSIZ)
		return false;
	snprintf(dev, IFNAMSIZ, "%.*s", (int)(len - pl - sl), path + pl);
	return !strchr(dev, '/');
}

static int channels_io(const char *dev, struct ethtool_channels *ch)
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)ch;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = errno == ENODEV ? -ENOENT : -errno;
	close(fd);
	return err;
}

static int get_channels(const char *dev, struct ethtool_channels *ch)
{
	memset(ch, 0, sizeof(*ch));
	ch->cmd = ETHTOOL_GCHANNELS;
	return channels_io(dev, ch);
}

int netdev_read(const char *path, char *buf, size_t len)
{
	struct ethtool_channels ch;
	char dev[IFNAMSIZ];
	int err;

	if (!dev_of(path, dev))
		return -EINVAL;
	err = get_channels(dev, &ch);
	if (!err)
		snprintf(buf, len, "rx %u tx %u combined %u", ch.rx_count,
			 ch.tx_count, ch.combined_count);
	return err;
}

static int parse_value(const char *val, unsigned int *rx, unsigned int *tx,
		       unsigned int *comb)
{
	char tail;

	return sscanf(val, "rx %u tx %u combined %u %c", rx, tx, comb, &tail) ==
			       3 ?
		       0 :
		       -EINVAL;
}

int netdev_write(const char *path, const char *val)
{
	struct ethtool_channels ch;
	unsigned int rx, tx, comb;
	char dev[IFNAMSIZ];
	int err;

	if (!dev_of(path, dev) || parse_value(val, &rx, &tx, &comb))
		return -EINVAL;
	err = get_channels(dev, &ch);
	if (err)
		return err;
	ch.cmd = ETHTOOL_SCHANNELS;
	ch.rx_count = rx;
	ch.tx_count = tx;
	ch.combined_count = comb;
	return channels_io(dev, &ch);
}

void netdev_shell(const char *path, const char *val, char *out, size_t len)
{
	char dev[IFNAMSIZ] = "?", q[4 * IFNAMSIZ + 32];

	/* a name may hold any byte but '/', ':' and blanks */
	dev_of(path, dev);
	tune_shell_quote(dev, q, sizeof(q));
	/* "rx R tx T combined C": words and numbers, nothing a shell reads */
	if (val[strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789 ")]) {
		char *e = text_escape_dup(val);

		snprintf(out, len, "# bad value for ethtool -L %s: %s", q,
			 e ? e : "?");
		free(e);
		return;
	}
	snprintf(out, len, "ethtool -L %s %s", q, val);
}

/*
 * True when this process's network namespace is not the host's: not PID
 * 1's, or, when PID 1's cannot be read, one of those `ip netns` made.
 */
static bool own_netns(void)
{
	struct stat self, other;
	struct dirent *d;
	bool found = false;
	DIR *dir;

	if (stat("/proc/self/ns/net", &self))
		return false;
	if (!stat("/proc/1/ns/net", &other))
		return self.st_ino != other.st_ino ||
		       self.st_dev != other.st_dev;
	dir = opendir("/run/netns");
	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		char path[300];

		snprintf(path, sizeof(path), "/run/netns/%s", d->d_name);
		found = d->d_name[0] != '.' && !stat(path, &other) &&
			other.st_ino == self.st_ino &&
			other.st_dev == self.st_dev;
	}
	closedir(dir);
	return found;
}

bool net_allowed(const struct tune_cfg *c)
{
	return !c->root[0] || own_netns();
}

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

		if (get_channels(i->if_name, &ch))
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
		it->flags = IT_NETDEV;
	}
	if_freenameindex(ifs);
	return 0;
}
