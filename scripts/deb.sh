#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make deb': the Debian packages espgw and espgw-dkms, built with
# dpkg-buildpackage -us -uc -b in a copy of the tree (the files git tracks or
# would track: no build/), so the checkout stays clean. The .debs land in
# build/deb/; lintian checks them when it is installed (errors fail the build).
# DEB_BUILD_OPTIONS=nocheck leaves out the unit tests of the package build.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'deb: %s\n' "$*"; }
for t in dpkg-buildpackage dh dh_dkms; do
	command -v $t >/dev/null || { say "$t missing: apt-get install debhelper dh-dkms dpkg-dev"; exit 1; }
done
version=$(dpkg-parsechangelog -S Version)
out=build/deb
src=$out/src/espgw-$version
rm -rf "$out" && mkdir -p "$src"
git ls-files -z -c -o --exclude-standard | grep -zv '^build/' |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	tar -c --null -T - | tar -x -C "$src"
say "building espgw $version in $src"
start=$SECONDS
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log"; say "failed: $out/build.log"; exit 1
fi
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out/"
say "built in $((SECONDS - start)) s:"
ls -1 "$out"/*.deb
if command -v lintian >/dev/null; then
	lintian "$out"/*.changes >"$out/lintian.log" 2>&1 || true
	cat "$out/lintian.log"
	if grep -q '^E:' "$out/lintian.log"; then say "lintian reports errors"; exit 1; fi
fi
