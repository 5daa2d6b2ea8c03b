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
#   peers     : strongswan (with xauth-generic), nftables, iperf3, tcpdump, iproute2, vpnc,
#               ethtool (GRO on the test devices)
#   bench     : linux-perf (bench/cost -p)
#   packaging : debhelper, dh-dkms, dkms, dpkg-dev, fakeroot, lintian, man-db ('make deb';
#               the VM's install test runs the host's dkms)
#   libreswan : 4.10 (bookworm's libreswan_4.10-2+deb12u1), NOT installed: Debian's package
#               conflicts with strongSwan's. Its .deb is fetched with 'apt-get download' into
#               $LIBRESWAN_CACHE and unpacked with dpkg-deb -x into $LIBRESWAN_DIR (default
#               /opt/espgw-libreswan); only its libraries and certutil (libnss3-tools) are
#               installed with apt. The selftests run pluto from there (selftests/lib.sh ls_*).
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
	python3-cryptography strongswan strongswan-swanctl libcharon-extra-plugins libcharon-extauth-plugins libstrongswan-standard-plugins nftables iperf3 tcpdump iproute2 vpnc ethtool linux-perf
	kmod procps util-linux iputils-ping conntrack
	debhelper dh-dkms dkms dpkg-dev fakeroot lintian man-db"
# what libreswan 4.10's programs link against (its Depends less the tools it does not need
# here), and certutil for its NSS database; none of these conflicts with strongSwan
LIBRESWAN_LIBS="libnss3 libnss3-tools libnspr4 libaudit1 libcap-ng0 libcrypt1 libcurl3-nss
	libevent-core-2.1-7 libevent-pthreads-2.1-7 libldap-2.5-0 libldns3 libpam0g
	libselinux1 libsystemd0 libunbound8"
LIBRESWAN_VERSION=4.10-2+deb12u1
LIBRESWAN_DIR=${LIBRESWAN_DIR:-/opt/espgw-libreswan}
LIBRESWAN_CACHE=${LIBRESWAN_CACHE:-/var/cache/espgw}
LIBRESWAN_DEB=$LIBRESWAN_CACHE/libreswan_${LIBRESWAN_VERSION//:/%3a}_amd64.deb

missing=""
for p in $BASE_PKGS $LIBRESWAN_LIBS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done

trixie_src=/etc/apt/sources.list.d/espgw-trixie.sources
trixie_pin=/etc/apt/preferences.d/espgw-trixie-pin
need_vng=0
command -v vng >/dev/null 2>&1 || need_vng=1

# libreswan_ok: the unpacked tree is this version and its pluto finds all its libraries
libreswan_ok() {
	[ "$(cat "$LIBRESWAN_DIR/.espgw-version" 2>/dev/null)" = "$LIBRESWAN_VERSION" ] &&
		[ -x "$LIBRESWAN_DIR/usr/libexec/ipsec/pluto" ] &&
		! ldd "$LIBRESWAN_DIR/usr/libexec/ipsec/pluto" | grep -q 'not found'
}
need_ls=0
libreswan_ok || need_ls=1

if [ -z "$missing" ] && [ $need_vng = 0 ] && [ $need_ls = 0 ]; then
	say "all packages present (libreswan $LIBRESWAN_VERSION in $LIBRESWAN_DIR)"
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
if [ -n "$missing" ] || [ $need_vng = 1 ] || [ ! -s "$LIBRESWAN_DEB" ]; then
	say "apt-get update"
	run apt-get update
fi

if [ -n "$missing" ]; then
	say "installing:$missing"
	# shellcheck disable=SC2086
	run apt-get install -y --no-install-recommends $missing
fi
if [ $need_vng = 1 ]; then
	say "installing virtme-ng/trixie (alone; its dependencies come from bookworm)"
	run apt-get install -y --no-install-recommends virtme-ng/trixie
fi
if [ $need_ls = 1 ]; then
	mkdir -p "$LIBRESWAN_CACHE"
	if [ ! -s "$LIBRESWAN_DEB" ]; then
		say "downloading libreswan=$LIBRESWAN_VERSION into $LIBRESWAN_CACHE (apt-get download: not installed)"
		# apt's sandbox user may not write there; the download is checked below
		run sh -c "cd '$LIBRESWAN_CACHE' && apt-get -o APT::Sandbox::User=root download libreswan=$LIBRESWAN_VERSION"
	fi
	if [ "$(dpkg-deb -f "$LIBRESWAN_DEB" Package)/$(dpkg-deb -f "$LIBRESWAN_DEB" Version)" != \
	     "libreswan/$LIBRESWAN_VERSION" ]; then
		say "$LIBRESWAN_DEB is not libreswan $LIBRESWAN_VERSION"; exit 1
	fi
	say "unpacking it into $LIBRESWAN_DIR (dpkg-deb -x; nothing goes to /etc or /usr)"
	rm -rf "$LIBRESWAN_DIR.new"
	run dpkg-deb -x "$LIBRESWAN_DEB" "$LIBRESWAN_DIR.new"
	echo "$LIBRESWAN_VERSION" >"$LIBRESWAN_DIR.new/.espgw-version"
	rm -rf "$LIBRESWAN_DIR"
	mv "$LIBRESWAN_DIR.new" "$LIBRESWAN_DIR"
	if ! libreswan_ok; then
		say "libreswan's pluto lacks libraries:"
		ldd "$LIBRESWAN_DIR/usr/libexec/ipsec/pluto" | grep 'not found'
		exit 1
	fi
fi
say "done"
