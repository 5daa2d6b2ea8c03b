#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the selftests under a debug kernel (KASAN, lockdep, PROVE_RCU,
# DEBUG_ATOMIC_SLEEP, DEBUG_PREEMPT, DEBUG_LIST, UBSAN bounds, kmemleak, debug
# objects, net refcount trackers) built from Debian's linux-source-6.12 with
# virtme-ng's minimal configuration plus scripts/debug-kernel.config.
#
#   scripts/check-debug.sh [kernel|run|all]     (default: all)
#
# 'kernel' builds the kernel once into build/debug-kernel/ (cached: rebuilt only
# when the fragment or the source package changes). 'run' builds espgw.ko and the
# userspace against it and boots it once: the whole suite, then the data-plane,
# ESP-error and teardown tests again with every SA's AEAD behind cryptd
# (espgw.ko force_async=1: the asynchronous completion paths), then a kmemleak
# scan. It fails on any test failure and on any report in the guest's dmesg.
# DEBUG_TESTS, DEBUG_ASYNC_TESTS pick the scripts; DEBUG_TIMEOUT (s) bounds each;
# DEBUG_ENV passes variables to the tests (e.g. "DATAPLANE_ALGS='gcm128 chacha'").
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
DK=$ROOT/build/debug-kernel
SRC=$DK/linux-source-6.12
TARBALL=/usr/src/linux-source-6.12.tar.xz
FRAG=$ROOT/scripts/debug-kernel.config
what=${1:-all}

step() { printf '\n=== check-debug: %s\n' "$*"; }
die() { echo "check-debug: $*" >&2; exit 1; }

# what the kernel build needs, beyond the lab (make deps)
kernel_deps() {
	local missing=
	for p in linux-source-6.12 flex bison libelf-dev bc libssl-dev; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "check-debug: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing ||
		die "could not install$missing"
}

# what the kernel is built from: the source package, the fragment, this script
stamp_want() {
	{ dpkg-query -W -f='${Version}' linux-source-6.12; sha256sum "$FRAG" "$0" | cut -d' ' -f1; } |
		sha256sum | cut -d' ' -f1
}

build_kernel() {
	kernel_deps
	command -v vng >/dev/null || die "vng not installed (run 'make deps')"
	local want
	want=$(stamp_want)
	if [ -f "$DK/stamp" ] && [ "$(cat "$DK/stamp")" = "$want" ] &&
	   [ -r "$SRC/arch/x86/boot/bzImage" ]; then
		echo "check-debug: kernel up to date ($(make -s -C "$SRC" kernelrelease))"
		return 0
	fi
	step "building the debug kernel in $SRC (about 40 min on 2 cores)"
	local t0=$(date +%s)
	if [ ! -f "$SRC/Makefile" ] || [ "$TARBALL" -nt "$SRC/Makefile" ]; then
		rm -rf "$SRC"
		mkdir -p "$DK"
		tar -xJf "$TARBALL" -C "$DK" || die "cannot unpack $TARBALL"
	fi
	# virtme-ng's minimal configuration, the fragment; then what vng forces on and
	# the tests never use: debug info (kallsyms names the functions in reports),
	# graphics (x86_64's defconfig has i915) and sound
	(cd "$SRC" && vng --kconfig --config "$FRAG" >"$DK/kconfig.log" 2>&1) ||
		die "vng --kconfig failed ($DK/kconfig.log)"
	"$SRC/scripts/config" --file "$SRC/.config" --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
		--enable DEBUG_INFO_NONE --disable DRM --disable SOUND --disable AGP
	make -s -C "$SRC" olddefconfig >>"$DK/kconfig.log" 2>&1 || die "olddefconfig failed"
	local o
	for o in KASAN PROVE_LOCKING PROVE_RCU DEBUG_ATOMIC_SLEEP DEBUG_PREEMPT DEBUG_KMEMLEAK \
		 DEBUG_LIST UBSAN_BOUNDS DEBUG_OBJECTS NF_TABLES XFRM_USER INET_ESP CRYPTO_CRYPTD; do
		grep -q "^CONFIG_$o=y" "$SRC/.config" || die "CONFIG_$o did not stay on in $SRC/.config"
	done
	make -C "$SRC" -j"$(nproc)" bzImage modules >"$DK/build.log" 2>&1 ||
		{ tail -30 "$DK/build.log"; die "kernel build failed ($DK/build.log)"; }
	echo "$want" >"$DK/stamp"
	echo "check-debug: built $(make -s -C "$SRC" kernelrelease) in $(( $(date +%s) - t0 )) s"
}

run() {
	[ -r "$SRC/arch/x86/boot/bzImage" ] || die "no debug kernel yet: scripts/check-debug.sh kernel"
	local rel t0 rc
	rel=$(make -s -C "$SRC" kernelrelease)
	step "espgw.ko for $rel (W=1), userspace"
	make -s module KVER="$rel" KDIR="$SRC" || die "module build failed against $SRC"
	make -s -j"$(nproc)" userspace tests || die "userspace build failed"
	local tests=${DEBUG_TESTS:-$(cd selftests && ls test-*.sh | sed 's/^test-//; s/\.sh$//' | xargs)}
	local async=${DEBUG_ASYNC_TESTS:-dataplane esp-errors teardown}
	local tmo=${DEBUG_TIMEOUT:-2700}
	step "selftests under $rel, then again with cryptd (force_async=1): $async"
	# the guest's commands in a file: a long --exec does not fit the kernel command line
	local g=$ROOT/build/check-debug-guest.sh
	{
		echo '#!/bin/bash'
		echo "KVER=$rel TEST_TIMEOUT=$tmo ${DEBUG_ENV:-} TESTS='$tests' selftests/run.sh"
		echo 'a=$?'
		echo 'rmmod espgw 2>/dev/null'
		echo "echo '# --- force_async=1: the AEAD behind cryptd'"
		echo "KVER=$rel TEST_TIMEOUT=$tmo ${DEBUG_ENV:-} ESPGW_MOD_PARAMS=force_async=1 TESTS='$async' selftests/run.sh || a=1"
		echo 'rmmod espgw 2>/dev/null'
		echo 'exit $a'
	} >"$g"
	chmod +x "$g"
	t0=$(date +%s)
	selftests/vm/run.sh -K "$SRC" -L -m 3G -o "$ROOT/build/vm-debug" -- "$g" |
		tee "$ROOT/build/vm-debug.tap"
	rc=${PIPESTATUS[0]}
	echo "check-debug: suite took $(( $(date +%s) - t0 )) s"
	grep -E '^selftests: ' "$ROOT/build/vm-debug.tap"
	[ "$rc" -eq 0 ] && echo "check-debug: ok" || echo "check-debug: FAILED (status $rc)"
	return "$rc"
}

case "$what" in
kernel) build_kernel ;;
run) run ;;
all) build_kernel && run ;;
*) die "usage: $0 [kernel|run|all]" ;;
esac
