#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one virtme-ng VM with the chosen kernel and run a command in it (by
# default the whole selftest suite). The guest sees this tree; its TAP and
# dmesg come back in $OUT. The run fails when the command fails or when the
# guest's dmesg shows a kernel bug, whatever the TAP said.
#
#   selftests/vm/run.sh [-k KVER | -K KDIR] [-o OUTDIR] [-m MEM] [-c CPUS] [-Q QEMUOPTS]
#                       [-L] [--] [COMMAND...]
#
# -c sets the guest's CPUs (2); -Q passes options to QEMU (bench/cost: one CPU and
# '-icount shift=2,sleep=off', guest time counted in instructions).
# -K boots the kernel built in the tree KDIR (make check-debug's) instead of an
# installed one; -L clears kmemleak before COMMAND, scans after it and fails on
# any unreferenced object it reports.
#
# KVM is used when it works here, tried with a short boot; otherwise software
# emulation (TCG).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${KVER:-}
OUT=${OUT:-$ROOT/build/vm}
MEM=${MEM:-2G}
KDIR= LEAKS=0 CPUS=2 QOPTS=
while [ $# -gt 0 ]; do
	case "$1" in
	-k) KVER=$2; shift 2 ;;
	-K) KDIR=$2; shift 2 ;;
	-L) LEAKS=1; shift ;;
	-c) CPUS=$2; shift 2 ;;
	-Q) QOPTS=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	-m) MEM=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
if [ -n "$KDIR" ]; then
	KERNEL=$KDIR
	KVER=$(make -s -C "$KDIR" kernelrelease) || exit 1
	[ -r "$KDIR/arch/x86/boot/bzImage" ] || { echo "vm: no kernel built in $KDIR"; exit 1; }
else
	[ -n "$KVER" ] || KVER=$(ls -d /lib/modules/6.1.*/build 2>/dev/null | sort -V | tail -n1 | cut -d/ -f4)
	KERNEL=/boot/vmlinuz-$KVER
	[ -r "$KERNEL" ] || { echo "vm: no kernel image $KERNEL (run 'make deps')"; exit 1; }
fi
command -v vng >/dev/null || { echo "vm: vng not installed (run 'make deps')"; exit 1; }

cmd="$*"
[ -n "$cmd" ] || cmd="KVER=$KVER selftests/run.sh"

mkdir -p "$OUT"
rm -f "$OUT"/{rc,dmesg,log,kmemleak}

# KVM: try a short boot once per host boot (cached), fall back to TCG.
accel=--disable-kvm
kvm_cache=/tmp/espgw-kvm-probe.$(cut -d' ' -f1 /proc/sys/kernel/random/boot_id 2>/dev/null)
if [ -e /dev/kvm ]; then
	if [ ! -f "$kvm_cache" ]; then
		if timeout 90 vng --run "$KERNEL" --memory 512M --exec true >/dev/null 2>&1; then
			echo kvm >"$kvm_cache"
		else
			echo tcg >"$kvm_cache"
		fi
	fi
	[ "$(cat "$kvm_cache")" = kvm ] && accel=
fi
mode="software emulation (KVM does not work here)"
[ -z "$accel" ] && mode=KVM
echo "vm: booting $KVER with $mode, $MEM, $CPUS CPUs${QOPTS:+, qemu $QOPTS}"

guest_out=/tmp/espgw-vm-out
pre= post=
if [ "$LEAKS" = 1 ]; then
	# what boot left is not ours: clear it; after the command, two scans (an object
	# must be unreferenced for 5 s before kmemleak reports it)
	kl=/sys/kernel/debug/kmemleak
	pre="mount -t debugfs none /sys/kernel/debug 2>/dev/null; echo clear > $kl;"
	post="echo scan > $kl; sleep 6; echo scan > $kl; cat $kl > $guest_out/kmemleak;"
fi
start=$(date +%s)
# shellcheck disable=SC2016
vng --run "$KERNEL" $accel --memory "$MEM" --cpus "$CPUS" ${QOPTS:+--qemu-opts="$QOPTS"} --cwd "$ROOT" \
	--rwdir "$guest_out=$OUT" \
	--exec "sysctl -qw kernel.printk='4 4 1 7'; export ESPGW_VM_OUT=$guest_out; $pre cd '$ROOT' && ( $cmd ); echo \$? > $guest_out/rc; $post dmesg > $guest_out/dmesg" \
	2>&1 | tee "$OUT/log"
echo "vm: finished in $(( $(date +%s) - start )) s"

rc=$(cat "$OUT/rc" 2>/dev/null || echo 255)
if [ ! -s "$OUT/dmesg" ]; then
	echo "vm: no dmesg came back from the guest"
	rc=1
else
	bad=$(grep -E 'BUG:|WARNING:|Oops|general protection|KASAN|refcount_t:|list_add corruption|list_del corruption|UBSAN|kernel BUG|RCU stall|stack-protector|leaked|possible circular locking|suspicious RCU usage|inconsistent lock state|sleeping function called|ODEBUG|ref_tracker|unregister_netdevice: waiting' "$OUT/dmesg")
	if [ -n "$bad" ]; then
		echo "vm: kernel reported problems in dmesg ($OUT/dmesg):"
		printf '%s\n' "$bad" | head -20
		echo "not ok - guest dmesg is clean"
		rc=1
	else
		echo "ok - guest dmesg is clean ($(wc -l <"$OUT/dmesg") lines)"
	fi
fi
if [ "$LEAKS" = 1 ]; then
	if [ ! -e "$OUT/kmemleak" ]; then
		echo "not ok - kmemleak scanned (no report came back: is CONFIG_DEBUG_KMEMLEAK on?)"
		rc=1
	elif grep -q 'unreferenced object' "$OUT/kmemleak"; then
		echo "not ok - no kernel memory leaked ($OUT/kmemleak):"
		head -40 "$OUT/kmemleak"
		rc=1
	else
		echo "ok - no kernel memory leaked (kmemleak scanned after the run)"
	fi
fi
exit "$rc"
