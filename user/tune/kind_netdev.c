// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The netdev kind: a NIC's channel counts, "rx R tx T combined C" as
 * ETHTOOL_GCHANNELS reports them (SIOCETHTOOL; "other" channels are kept),
 * written back whole with ETHTOOL_SCHANNELS, so the journal restores all
 * three counts. Knobs are named "/sys/class/net/DEV/channels" (no such
 * file). Under --root the devices are real too: they are touched only when
 * the process is in a network namespace other than PID 1's (a test's own).
 */
#define _GNU_SOURCE
#include "kind.h"

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

#include "text.h"
#include "values.h"

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

int netdev_channels(const char *dev, struct ethtool_channels *ch)
{
	memset(ch, 0, sizeof(*ch));
	ch->cmd = ETHTOOL_GCHANNELS;
	return channels_io(dev, ch);
}

static int netdev_read(const char *path, char *buf, size_t len)
{
	struct ethtool_channels ch;
	char dev[IFNAMSIZ];
	int err;

	if (!dev_of(path, dev))
		return -EINVAL;
	err = netdev_channels(dev, &ch);
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

static int netdev_write(const char *path, const char *val)
{
	struct ethtool_channels ch;
	unsigned int rx, tx, comb;
	char dev[IFNAMSIZ];
	int err;

	if (!dev_of(path, dev) || parse_value(val, &rx, &tx, &comb))
		return -EINVAL;
	err = netdev_channels(dev, &ch);
	if (err)
		return err;
	ch.cmd = ETHTOOL_SCHANNELS;
	ch.rx_count = rx;
	ch.tx_count = tx;
	ch.combined_count = comb;
	return channels_io(dev, &ch);
}

static void netdev_shell(const char *path, const char *val, char *out,
			 size_t len)
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

static int nd_read(const struct tune_cfg *c, const struct knob *k, char *buf,
		   size_t len)
{
	(void)c;
	return netdev_read(k->path, buf, len);
}

static int nd_write(const struct tune_cfg *c, const struct knob *k,
		    const char *val, bool exact)
{
	(void)c;
	(void)exact;
	return netdev_write(k->path, val);
}

static char *nd_shell(const struct tune_cfg *c, const struct knob *k,
		      const char *val, bool exact)
{
	char nq[512];

	(void)c;
	(void)exact;
	netdev_shell(k->path, val, nq, sizeof(nq));
	return strdup(nq);
}

static const char *nd_refuse(const struct tune_cfg *c)
{
	return net_allowed(c) ? NULL :
				"under --root NICs are only restored inside a "
				"network namespace of their own";
}

const struct knob_kind kind_netdev = {
	.name = "netdev",
	.letter = 'N',
	.read = nd_read,
	.write = nd_write,
	.equal = knob_equal_values,
	.shell = nd_shell,
	.restore = knob_restore_as_read,
	.refuse = nd_refuse,
};
