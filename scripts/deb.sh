#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make deb: builds the Debian packages (debian/) with dpkg-buildpackage
# from a copy of the tree in OUT/src, so the tree itself gets no build
# files; the .deb, .buildinfo and .changes files land in OUT, lintian's
# report in OUT/lintian.txt. Fails on a lintian error; warnings are
# printed. Usage: scripts/deb.sh OUT
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:?usage: deb.sh OUT}")
for t in dpkg-buildpackage dh dpkg-parsechangelog; do
	command -v "$t" >/dev/null || {
		echo "make deb: $t missing (apt-get install dpkg-dev debhelper)" >&2
		exit 1
	}
done
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
want=$(sed -n 's/^VERSION := //p' "$top/Makefile")
[ "$version" = "$want" ] || {
	echo "make deb: debian/changelog is at $version, the Makefile at $want" >&2
	exit 1
}
src=$out/src/rtbpf-$version
rm -rf "$out"
mkdir -p "$src"
# the sources as they are now, committed or not, without what git ignores
# (the build directories)
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$top" ls-files -z --cached --others --exclude-standard |
		tar -C "$top" --null -T - --ignore-failed-read -cf - 2>/dev/null |
		tar -C "$src" -xf -
else
	tar -C "$top" --exclude=./build --exclude="./${out#"$top"/}" -cf - . |
		tar -C "$src" -xf -
fi
# the copy is no git tree: rtbpf --version reads its revision here
git -C "$top" describe --always --dirty --abbrev=12 --exclude='*' \
	>"$src/.rtbpf-git-rev" 2>/dev/null || rm -f "$src/.rtbpf-git-rev"
echo "make deb: building rtbpf $version in $src"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck" \
	dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1) || {
	tail -n 30 "$out/build.log" >&2
	echo "make deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
mv "$out"/src/*.deb "$out"/src/*.buildinfo "$out"/src/*.changes "$out"/
rm -rf "$out/src"
ls "$out"/*.deb
if command -v lintian >/dev/null; then
	rc=0
	lintian --tag-display-limit 0 "$out"/*.changes >"$out/lintian.txt" 2>&1 || rc=$?
	cat "$out/lintian.txt"
	if grep -q '^E: ' "$out/lintian.txt"; then
		echo "make deb: lintian found errors" >&2
		exit 1
	fi
	[ "$rc" = 0 ] || [ -s "$out/lintian.txt" ] || {
		echo "make deb: lintian failed ($rc)" >&2
		exit 1
	}
	echo "make deb: lintian: $(grep -c '^E: ' "$out/lintian.txt") errors, $(grep -c '^W: ' "$out/lintian.txt") warnings"
else
	echo "make deb: lintian missing: packages not checked" >&2
fi
