#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make check': install what is missing, build, check the netlink spec, run the
# userspace unit tests on the host, then boot ONE VM with the chosen kernel
# (KVER=, default the installed 6.1) that runs every selftest. Prints TAP and
# ends with "N passed, N failed, N skipped"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.." || exit 1
KVER=${KVER:-$(ls -d /lib/modules/6.1.*/build 2>/dev/null | sort -V | tail -n1 | cut -d/ -f4)}
LOG=build/check-$KVER
mkdir -p "$LOG"
pass=0 failed=0 skipped=0

step() { echo; echo "=== check ($KVER): $*"; }
# result DESC RC: count one check of the build stages
result() {
	if [ "$2" -eq 0 ]; then echo "ok - $1"; pass=$((pass + 1));
	else echo "not ok - $1"; failed=$((failed + 1)); fi
}
# count_tap FILE: add a TAP stream's ok / not ok / skip lines to the totals
count_tap() {
	local p f s
	p=$(grep -cE '^ok [0-9]* ?-' "$1" | head -1)
	s=$(grep -cE '^ok .*# SKIP' "$1")
	f=$(grep -cE '^not ok' "$1")
	pass=$((pass + p - s)) skipped=$((skipped + s)) failed=$((failed + f))
}

step "dependencies"
if [ "$(id -u)" = 0 ]; then scripts/deps.sh; result "dependencies installed" $?
else echo "not root: skipping 'make deps'"; fi
[ -d "/lib/modules/$KVER/build" ] || { echo "no headers for $KVER"; echo "0 passed, 1 failed"; exit 1; }

step "netlink spec and generated files agree"
/usr/bin/python3 uapi/gen.py --check; result "uapi/espgw.yaml matches header, kernel policies, docs" $?

step "build module for $KVER (W=1, sparse)"
make -s sparse KVER="$KVER"; result "espgw.ko builds W=1 + sparse clean against $KVER" $?

step "build userspace (-Wall -Wextra -Werror)"
make -s userspace tests; result "userspace builds warning-free" $?

step "userspace unit tests (host)"
make -s unit KVER="$KVER" | tee "$LOG/unit.tap"
count_tap "$LOG/unit.tap"

FUZZ_CHECK_TIME=${FUZZ_CHECK_TIME:-60}
if [ "$FUZZ_CHECK_TIME" -gt 0 ]; then
step "fuzzing, $FUZZ_CHECK_TIME s per target (ASan + UBSan)"
make -s build/fuzz/fuzz_isakmp build/fuzz/fuzz_engine
for t in isakmp engine; do
	rm -rf "$LOG/fuzz-$t" && mkdir -p "$LOG/fuzz-$t"
	build/fuzz/fuzz_$t -max_total_time="$FUZZ_CHECK_TIME" -max_len=8192 \
		-artifact_prefix="$LOG/fuzz-$t/" "$LOG/fuzz-$t" userspace/fuzz/corpus/$t \
		>"$LOG/fuzz-$t.log" 2>&1
	rc=$?
	tail -n 1 "$LOG/fuzz-$t.log"
	[ $rc -eq 0 ] || tail -n 40 "$LOG/fuzz-$t.log"
	result "fuzz_$t: no crash, leak or undefined behaviour in $FUZZ_CHECK_TIME s" $rc
done
fi

# the unit tests above ran already; built before the VM boots, which sees build/deb/
# (CHECK_DEB=0 leaves it out: CI builds the packages on its first kernel only)
if [ "${CHECK_DEB:-1}" != 0 ]; then
step "Debian packages (make deb)"
DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" make -s deb
result "make deb builds espgw and espgw-dkms (lintian: no errors)" $?
fi

# SELFTESTS_SKIP="flood ...": scripts not to run (CI runs the kernel-independent ones once);
# SELFTESTS_ENV="DATAPLANE_ALGS='...'": variables for the tests in the VM
tests=$(cd selftests && ls test-*.sh | sed 's/^test-//; s/\.sh$//')
for t in ${SELFTESTS_SKIP:-}; do tests=$(printf '%s\n' $tests | grep -vx "$t"); done
step "selftests in one VM${SELFTESTS_SKIP:+ (not: $SELFTESTS_SKIP)}"
selftests/vm/run.sh -k "$KVER" -o "$LOG/vm" -- "KVER=$KVER ${SELFTESTS_ENV:-} TESTS='$(echo $tests)' selftests/run.sh" |
	tee "$LOG/vm.tap"
vmrc=${PIPESTATUS[0]}
count_tap "$LOG/vm.tap"
if [ "$vmrc" -ne 0 ] && ! grep -q '^not ok' "$LOG/vm.tap"; then
	echo "not ok - VM run failed (status $vmrc) without a failing test"
	failed=$((failed + 1))
fi

echo
echo "check ($KVER): $pass passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
