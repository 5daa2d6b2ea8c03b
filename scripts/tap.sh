# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the host-side shell tests run by 'make unit' (sourced):
# ok DESC, fail DESC [DETAIL...], check DESC CMD...; $n counts checks, $failed failures.
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() {
	n=$((n + 1)) failed=$((failed + 1)); echo "not ok $n - $1"; shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	return 0
}
check() { local d=$1 out; shift; if out=$("$@" 2>&1); then ok "$d"; else fail "$d" "$*" "$out"; fi; }
