#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# espgwd's command line as an admin meets it (TAP, run by 'make unit'): 'espgwd -t'
# on the example configuration says it is ok and names the router commands it
# ignores in one warning; a broken file fails with its line; a bad option value
# or a stray argument is refused, naming it, before anything is read.
set -u
cd "$(dirname "$0")/.." || exit 1
D=build/bin/espgwd
T=$(mktemp -d /tmp/espgw-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
source scripts/tap.sh
# refused RC PATTERN DESC ARGS...: espgwd ARGS exits RC and says PATTERN on stderr
refused() {
	local rc=$1 pat=$2 desc=$3 out got
	shift 3
	out=$("$D" "$@" 2>&1 >/dev/null)
	got=$?
	if [ $got = "$rc" ] && grep -qF -- "$pat" <<<"$out"; then ok "$desc"; else
		fail "$desc" "espgwd $*: status $got, wanted $rc and '$pat'" "$out"; fi
}

install -m 600 docs/examples/cisco-14123.conf "$T/doc.conf"
out=$("$D" -t -f "$T/doc.conf" 2>&1)
rc=$?
[ $rc = 0 ] && grep -q 'configuration ok' <<<"$out" &&
	ok "espgwd -t accepts the document's configuration" ||
	fail "espgwd -t accepts the document's configuration" "status $rc" "$out"
# the example keeps the router's lines as comments: the same with them live
sed -E 's/^! (version|hostname|interface|ip nat|ip route|line) /\1 /' "$T/doc.conf" >"$T/live.conf"
chmod 600 "$T/live.conf"
out=$("$D" -t -f "$T/live.conf" 2>&1)
sum=$(grep -c 'warning: ignored [0-9]* router commands that espgwd does not read' <<<"$out")
per=$(grep -c 'warning: ignored: \(version\|hostname\|interface\|ip nat\|ip route\)' <<<"$out")
[ "$sum" = 1 ] && [ "$per" = 0 ] &&
	ok "the router's own commands are named in one warning, not one each" ||
	fail "the router's own commands are named in one warning, not one each" \
		"summary lines: $sum, single ones: $per" "$out"
grep -q 'interface [^;]*: configure with ip addr' <<<"$out" &&
	ok "the summary says what does an ignored interface's job on Linux" ||
	fail "the summary says what does an ignored interface's job on Linux" "$out"

printf 'crypto isakmp policy 1\n encr blowfish\n' >"$T/bad.conf"
chmod 600 "$T/bad.conf"
refused 1 'bad.conf:2:' "a broken configuration fails with its line" -t -f "$T/bad.conf"
refused 2 "unexpected argument '$T/doc.conf'" "a configuration given without -f is refused, named" \
	-t "$T/doc.conf"
refused 2 "-p 70000: not a UDP port" "-p 70000 is refused" -t -f "$T/doc.conf" -p 70000
refused 2 "-p 0: not a UDP port" "-p 0 is refused" -t -f "$T/doc.conf" -p 0
refused 2 "-P 45x: not a UDP port" "-P 45x is refused" -t -f "$T/doc.conf" -P 45x
refused 2 "unknown debug category in 'crypt'" "-d with an unknown category is refused" \
	-t -f "$T/doc.conf" -d crypt
out=$("$D" -t -f "$T/doc.conf" -P 0 2>&1)
[ $? = 0 ] && ok "-P 0 (no NAT traversal port) is accepted" ||
	fail "-P 0 (no NAT traversal port) is accepted" "$out"
echo "1..$n"
[ $failed = 0 ]
