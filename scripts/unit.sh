#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the userspace unit tests (cmocka binaries) and print their TAP, then a
# summary line "unit: N passed, N failed". Exit 1 if any test failed or crashed.
set -u
pass=0 fail=0
export CMOCKA_MESSAGE_OUTPUT=TAP
for t in "$@"; do
	echo "# unit: $(basename "$t")"
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p)) fail=$((fail + f))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $(basename "$t") exited with status $rc"
		fail=$((fail + 1))
	fi
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
