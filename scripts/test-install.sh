#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make install', 'make uninstall' and 'make install-dkms' into throw-away
# roots, checked as an admin or a packager would look at them (TAP, run by
# 'make unit'): the files and their modes under PREFIX and DESTDIR, the unit's
# ExecStart naming the installed daemon, 'systemd-analyze verify' clean on it,
# an admin's configuration never replaced, uninstall leaving only that, and the
# DKMS source tree building espgw.ko with dkms.conf's own MAKE line.
set -u
cd "$(dirname "$0")/.." || exit 1
# run from make (debian/rules passes PREFIX=/usr): each make below says its own variables
unset MAKEFLAGS MFLAGS MAKELEVEL PREFIX SBINDIR MANDIR SYSCONFDIR UNITDIR DESTDIR DKMS_VERSION DKMSDIR
T=$(mktemp -d /tmp/espgw-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
source scripts/tap.sh
# mode_is MODE FILE
mode_is() { [ "$(stat -c %a "$2" 2>&1)" = "$1" ]; }
lists_exactly() {	# lists_exactly DIR FILE...: the regular files under DIR are these
	local want got
	want=$(printf '%s\n' "${@:2}" | sort)
	got=$(cd "$1" && find . -type f -printf '%P\n' | sort)
	[ "$want" = "$got" ] || { echo "expected:"; echo "$want"; echo "got:"; echo "$got"; return 1; }
}
echo "# install: make install DESTDIR=$T/d PREFIX=/usr"

D=$T/d
make -s install DESTDIR="$D" PREFIX=/usr UNITDIR=/lib/systemd/system >"$T/log" 2>&1 ||
	fail "make install DESTDIR PREFIX=/usr" "$(cat "$T/log")"
check "DESTDIR + PREFIX=/usr lays out programs, man pages, unit, configuration" \
	lists_exactly "$D" usr/sbin/espgwd usr/sbin/espgw usr/share/man/man8/espgw.8 \
	usr/share/man/man8/espgwd.8 usr/share/man/man5/espgwd.conf.5 \
	lib/systemd/system/espgwd.service etc/espgw/espgwd.conf
check "the programs are executable (0755)" \
	sh -c "[ \$(stat -c %a $D/usr/sbin/espgwd) = 755 ] && [ \$(stat -c %a $D/usr/sbin/espgw) = 755 ]"
check "the installed espgwd runs and knows its default configuration path" \
	sh -c "$D/usr/sbin/espgwd -h | grep -q 'default /etc/espgw/espgwd.conf'"
check "the configuration (it holds the key) is mode 0600" mode_is 600 "$D/etc/espgw/espgwd.conf"
check "the configuration is the document's example" cmp docs/examples/cisco-14123.conf "$D/etc/espgw/espgwd.conf"
check "the unit's ExecStart is the installed daemon on /etc/espgw/espgwd.conf" \
	grep -qx 'ExecStart=/usr/sbin/espgwd -f /etc/espgw/espgwd.conf' "$D/lib/systemd/system/espgwd.service"
check "the unit is Type=notify" grep -qx 'Type=notify' "$D/lib/systemd/system/espgwd.service"
check "the man pages format without warnings" \
	sh -c "for m in $D/usr/share/man/man*/*; do out=\$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l \"\$m\" 2>&1 >/dev/null); [ -z \"\$out\" ] || { echo \"\$m: \$out\"; exit 1; }; done"

echo "# an admin's configuration survives a reinstall"
echo '! mine' >"$D/etc/espgw/espgwd.conf"
make -s install DESTDIR="$D" PREFIX=/usr UNITDIR=/lib/systemd/system >"$T/log" 2>&1
check "make install again says it keeps the configuration" grep -q "keeping $D/etc/espgw/espgwd.conf" "$T/log"
check "and leaves it as it was" grep -qx '! mine' "$D/etc/espgw/espgwd.conf"
make -s uninstall DESTDIR="$D" PREFIX=/usr UNITDIR=/lib/systemd/system >"$T/log" 2>&1
check "make uninstall leaves only the configuration" lists_exactly "$D" etc/espgw/espgwd.conf

echo "# default PREFIX, and systemd-analyze verify on the installed unit"
P=$T/p
make -s install DESTDIR="$P" >"$T/log" 2>&1 || fail "make install with the default PREFIX" "$(cat "$T/log")"
check "the default PREFIX is /usr/local (sbin, share/man, lib/systemd/system)" \
	sh -c "[ -x $P/usr/local/sbin/espgwd ] && [ -x $P/usr/local/sbin/espgw ] &&
	       [ -f $P/usr/local/share/man/man8/espgwd.8 ] &&
	       grep -qx 'ExecStart=/usr/local/sbin/espgwd -f /etc/espgw/espgwd.conf' \
			$P/usr/local/lib/systemd/system/espgwd.service"
# installed for real under a prefix, so that the binary ExecStart names exists
R=$T/r
make -s install PREFIX="$R/usr" SYSCONFDIR="$R/etc" >"$T/log" 2>&1
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify is clean on the installed unit (binary and man pages found)" \
		sh -c "out=\$(MANPATH=$R/usr/share/man systemd-analyze verify \
			$R/usr/lib/systemd/system/espgwd.service 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
else
	ok "systemd-analyze verify # SKIP systemd-analyze not installed"
fi

echo "# make install-dkms: the source DKMS builds the module from"
K=$T/k
make -s install-dkms DESTDIR="$K" DKMS_VERSION=9.9 >"$T/log" 2>&1 ||
	fail "make install-dkms" "$(cat "$T/log")"
S=$K/usr/src/espgw-9.9
check "the DKMS tree has kmod/, the uapi header and dkms.conf" \
	sh -c "[ -f $S/dkms.conf ] && [ -f $S/kmod/Kbuild ] && [ -f $S/kmod/netlink-gen.c ] &&
	       [ -f $S/uapi/linux/espgw.h ] && [ \$(ls $S/kmod/*.c | wc -l) = \$(ls kmod/*.c | wc -l) ]"
check "dkms.conf has the version, AUTOINSTALL and the module" bash -c \
	". $S/dkms.conf && [ \"\$PACKAGE_NAME/\$PACKAGE_VERSION\" = espgw/9.9 ] &&
	 [ \"\$AUTOINSTALL\" = yes ] && [ \"\${BUILT_MODULE_NAME[0]}\" = espgw ]"
kver=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1 | cut -d/ -f4)
if [ -n "$kver" ] && [ "${INSTALL_TEST_DKMS_BUILD:-1}" = 1 ]; then
	# as dkms does: the tree copied to $dkms_tree/NAME/VERSION/build, MAKE[0] run there
	dkms_tree=$T/dkms kernel_source_dir=/lib/modules/$kver/build
	mkdir -p "$dkms_tree/espgw/9.9" && cp -r "$S" "$dkms_tree/espgw/9.9/build"
	( . "$S/dkms.conf"; cd "$dkms_tree/espgw/9.9/build" && eval "${MAKE[0]}" ) >"$T/log" 2>&1
	ko=$dkms_tree/espgw/9.9/build/kmod/espgw.ko
	if [ -f "$ko" ] && modinfo -F version "$ko" | grep -qx 9.9 &&
	   modinfo -F alias "$ko" | grep -qx 'net-pf-16-proto-16-family-espgw'; then
		ok "dkms.conf's MAKE builds espgw.ko for $kver from the DKMS tree alone (version 9.9, genl alias)"
	else
		fail "dkms.conf's MAKE builds espgw.ko for $kver from the DKMS tree alone" "$(tail -20 "$T/log")"
	fi
else
	ok "DKMS tree builds # SKIP $([ -n "$kver" ] && echo INSTALL_TEST_DKMS_BUILD=0 ||
		echo no kernel headers under /lib/modules/\*/build)"
fi
echo "1..$n"
[ $failed -eq 0 ]
