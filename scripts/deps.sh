#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install everything espgw needs to build and test on Debian 12 (bookworm), as root.
# Idempotent: packages already installed cost nothing; it says what it does.
#
#   kernels   : 6.1 (linux-image-amd64 + headers) and 6.12 (linux-image-6.12-amd64 + headers,
#               from bookworm-security; no backports source is needed)
#   VM        : qemu-system-x86, busybox-static, virtme-ng from trixie (pinned to priority 100,
#               installed alone so nothing else is taken from trixie)
#   build     : gcc, make, libnl-genl-3-dev, libnl-route-3-dev, libssl-dev, sparse, python3-yaml
#   peers     : strongswan, nftables, iperf3, tcpdump, iproute2, vpnc
set -euo pipefail

say() { printf 'deps: %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
	say "must run as root (apt-get install)"; exit 1
fi
. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
	say "warning: written for Debian 12 (bookworm), this is ${PRETTY_NAME:-unknown}"
fi

export DEBIAN_FRONTEND=noninteractive

BASE_PKGS="build-essential make gcc clang pkg-config sparse python3 python3-yaml git
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	qemu-system-x86 busybox-static
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libssl-dev libcmocka-dev
	python3-cryptography strongswan strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins nftables iperf3 tcpdump iproute2 vpnc
	kmod procps util-linux iputils-ping conntrack"

missing=""
for p in $BASE_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done

trixie_src=/etc/apt/sources.list.d/espgw-trixie.sources
trixie_pin=/etc/apt/preferences.d/espgw-trixie-pin
need_vng=0
command -v vng >/dev/null 2>&1 || need_vng=1

if [ -z "$missing" ] && [ $need_vng = 0 ]; then
	say "all packages present"
	exit 0
fi

if [ ! -f "$trixie_src" ]; then
	say "adding trixie source $trixie_src (for virtme-ng only)"
	cat >"$trixie_src" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
if [ ! -f "$trixie_pin" ]; then
	say "pinning trixie to priority 100 ($trixie_pin)"
	cat >"$trixie_pin" <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi

log=$(mktemp /tmp/espgw-deps.XXXXXX)
trap 'rm -f "$log"' EXIT
# apt's own output goes to a log, shown only when a step fails
run() {
	if ! "$@" >"$log" 2>&1; then
		say "failed: $*"; tail -n 30 "$log"; exit 1
	fi
}
say "apt-get update"
run apt-get update

if [ -n "$missing" ]; then
	say "installing:$missing"
	# shellcheck disable=SC2086
	run apt-get install -y --no-install-recommends $missing
fi
if [ $need_vng = 1 ]; then
	say "installing virtme-ng/trixie (alone; its dependencies come from bookworm)"
	run apt-get install -y --no-install-recommends virtme-ng/trixie
fi
say "done"
