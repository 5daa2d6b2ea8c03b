#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one virtme-ng VM with the chosen kernel and run a command in it (by
# default the whole selftest suite). The guest sees this tree; its TAP and
# dmesg come back in $OUT. The run fails when the command fails or when the
# guest's dmesg shows a kernel bug, whatever the TAP said.
#
#   selftests/vm/run.sh [-k KVER] [-o OUTDIR] [-m MEM] [--] [COMMAND...]
#
# KVM is used when it works here, tried with a short boot; otherwise software
# emulation (TCG).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${KVER:-}
OUT=${OUT:-$ROOT/build/vm}
MEM=${MEM:-2G}
while [ $# -gt 0 ]; do
	case "$1" in
	-k) KVER=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	-m) MEM=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[ -n "$KVER" ] || KVER=$(ls -d /lib/modules/6.1.*/build 2>/dev/null | sort -V | tail -n1 | cut -d/ -f4)
KERNEL=/boot/vmlinuz-$KVER
[ -r "$KERNEL" ] || { echo "vm: no kernel image $KERNEL (run 'make deps')"; exit 1; }
command -v vng >/dev/null || { echo "vm: vng not installed (run 'make deps')"; exit 1; }

cmd="$*"
[ -n "$cmd" ] || cmd="KVER=$KVER selftests/run.sh"

mkdir -p "$OUT"
rm -f "$OUT"/{rc,dmesg,log}

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
echo "vm: booting $KVER with $mode, $MEM, 2 CPUs"

guest_out=/tmp/espgw-vm-out
start=$(date +%s)
# shellcheck disable=SC2016
vng --run "$KERNEL" $accel --memory "$MEM" --cpus 2 --cwd "$ROOT" \
	--rwdir "$guest_out=$OUT" \
	--exec "sysctl -qw kernel.printk='4 4 1 7'; cd '$ROOT' && ( $cmd ); echo \$? > $guest_out/rc; dmesg > $guest_out/dmesg" \
	2>&1 | tee "$OUT/log"
echo "vm: finished in $(( $(date +%s) - start )) s"

rc=$(cat "$OUT/rc" 2>/dev/null || echo 255)
if [ ! -s "$OUT/dmesg" ]; then
	echo "vm: no dmesg came back from the guest"
	rc=1
else
	bad=$(grep -E 'BUG:|WARNING:|Oops|general protection|KASAN|refcount_t:|list_add corruption|list_del corruption|UBSAN|kernel BUG|RCU stall|stack-protector|leaked' "$OUT/dmesg")
	if [ -n "$bad" ]; then
		echo "vm: kernel reported problems in dmesg ($OUT/dmesg):"
		printf '%s\n' "$bad" | head -20
		echo "not ok - guest dmesg is clean"
		rc=1
	else
		echo "ok - guest dmesg is clean ($(wc -l <"$OUT/dmesg") lines)"
	fi
fi
exit "$rc"
