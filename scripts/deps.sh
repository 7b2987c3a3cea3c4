#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Installs the Debian packages rtbpf needs to build, test and benchmark, when
# missing, and mounts tracefs and bpffs when absent. Safe to run again.
set -eu

pkgs=(
	make gcc clang llvm pkg-config bpftool libbpf-dev libxdp-dev
	libelf-dev zlib1g-dev libzstd-dev libcmocka-dev libck-dev
	linux-perf rt-tests libbpf-tools iproute2 jq procps clang-format
	shellcheck gnuplot-nox
	libjson-c-dev libclang-rt-14-dev
	dpkg-dev debhelper lintian man-db bash-completion
	libmicrohttpd-dev prometheus prometheus-node-exporter
)

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in *" installed") ;; *) missing+=("$p") ;; esac
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "rtbpf deps: missing packages: ${missing[*]}" >&2
		echo "rtbpf deps: run as root (sudo make ...) to install them" >&2
		exit 1
	fi
	echo "rtbpf deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$(id -u)" = 0 ]; then
	if ! mountpoint -q /sys/kernel/tracing 2>/dev/null; then
		mount -t tracefs tracefs /sys/kernel/tracing ||
			echo "rtbpf deps: warning: cannot mount tracefs" >&2
	fi
	if ! mountpoint -q /sys/fs/bpf 2>/dev/null; then
		mount -t bpf bpf /sys/fs/bpf ||
			echo "rtbpf deps: warning: cannot mount bpffs" >&2
	fi
fi
exit 0
