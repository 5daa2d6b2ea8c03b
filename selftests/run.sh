#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM: every selftests/test-*.sh (or the ones named), numbered as
# one TAP stream, then "selftests: N passed, N failed, N skipped".
# TESTS="module dataplane" selects scripts by name.
cd "$(dirname "$0")" || exit 1
tests=${TESTS:-$(ls test-*.sh | sed 's/^test-//; s/\.sh$//')}
echo "TAP version 13"
n=0 pass=0 failed=0 skipped=0
for t in $tests; do
	echo "# === $t ($(date +%T))"
	while IFS= read -r line; do
		case "$line" in
		"ok - "*" # SKIP "*)
			n=$((n + 1)) skipped=$((skipped + 1)); echo "ok $n ${line#ok }" ;;
		"ok - "*)
			n=$((n + 1)) pass=$((pass + 1)); echo "ok $n ${line#ok }" ;;
		"not ok - "*)
			n=$((n + 1)) failed=$((failed + 1)); echo "not ok $n ${line#not ok }" ;;
		*)	echo "$line" ;;
		esac
	done < <(timeout "${TEST_TIMEOUT:-900}" bash "./test-$t.sh" 2>&1; rc=$?
		 [ $rc -ne 0 ] && echo "not ok - $t: script exited with status $rc")
done
echo "1..$n"
echo "selftests: $pass passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
