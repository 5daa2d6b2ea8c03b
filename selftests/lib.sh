#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for espgw selftests (sourced). Every test script prints TAP
# result lines ("ok - ...", "not ok - ...", "ok - ... # SKIP why") without
# numbers; selftests/run.sh numbers them and prints the plan and the summary.
#
# The topology of the source document, in network namespaces (RFC 5737 outside,
# 10.x inside):
#
#                       +----------- isp ------------+
#   client  eth0 -- c0  |  198.51.100.254  203.0.113.254 | i0 -- eth0  inet
#   198.51.100.10       |        192.0.2.254         |          203.0.113.10
#                       +------------ g0 ------------+
#                                      |
#                                  out 192.0.2.1
#                                    gw  (espgw.ko, nftables NAT)
#                                  in  10.2.2.1
#                                      |
#                                  eth0 10.2.2.5  inside
#
# Names carry a per-run suffix: $NS_CLIENT, $NS_GW, $NS_INSIDE, $NS_INET, $NS_ISP.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
KVER=${KVER:-$(uname -r)}
ESPGW_KO=${ESPGW_KO:-$ROOT/build/kmod-$KVER/kmod/espgw.ko}
ESPGW=${ESPGW:-$ROOT/build/bin/espgw}
SUF=${SUF:-$$}
NS_CLIENT=client-$SUF NS_GW=gw-$SUF NS_INSIDE=inside-$SUF NS_INET=inet-$SUF NS_ISP=isp-$SUF

# Addresses of the document's roles.
GW_OUT=192.0.2.1 GW_IN=10.2.2.1 ISP_GW=192.0.2.254
CLIENT=198.51.100.10 INET=203.0.113.10 INSIDE=10.2.2.5
INSIDE_NET=10.2.2.0/24 POOL_NET=10.2.1.0/24 NAT_POOL=192.0.2.32/27

# ---- TAP -----------------------------------------------------------------

ok() { echo "ok - $*"; }
fail() {
	echo "not ok - $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	return 0
}
skip() { echo "ok - $1 # SKIP $2"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# check DESC CMD...: ok if CMD succeeds; on failure show its output.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else fail "$desc" "command: $*" "$out"; fi
}

# check_fail DESC CMD...: ok if CMD fails.
check_fail() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then fail "$desc" "command unexpectedly succeeded: $*" "$out"; else ok "$desc"; fi
}

# check_match DESC REGEX CMD...: ok if CMD's output (stdout+stderr) matches REGEX.
check_match() {
	local desc=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1)
	if grep -Eq -- "$re" <<<"$out"; then ok "$desc"; else fail "$desc" "command: $*" "expected /$re/, got:" "$out"; fi
}

# ---- namespaces ----------------------------------------------------------

n() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
n_gw() { n "$NS_GW" "$@"; }
n_client() { n "$NS_CLIENT" "$@"; }
n_inside() { n "$NS_INSIDE" "$@"; }
n_inet() { n "$NS_INET" "$@"; }
n_isp() { n "$NS_ISP" "$@"; }

# veth NS1 IF1 NS2 IF2: a link between two namespaces
veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	n "$1" ip link set "$2" up
	n "$3" ip link set "$4" up
}

topo_create() {
	local ns
	for ns in $NS_CLIENT $NS_GW $NS_INSIDE $NS_INET $NS_ISP; do
		ip netns add "$ns"
		n "$ns" ip link set lo up
	done
	veth "$NS_ISP" c0 "$NS_CLIENT" eth0
	veth "$NS_ISP" i0 "$NS_INET" eth0
	veth "$NS_ISP" g0 "$NS_GW" out
	veth "$NS_GW" in "$NS_INSIDE" eth0

	n_isp sysctl -qw net.ipv4.ip_forward=1
	n_isp ip addr add 198.51.100.254/24 dev c0
	n_isp ip addr add 203.0.113.254/24 dev i0
	n_isp ip addr add $ISP_GW/24 dev g0

	n_client ip addr add $CLIENT/24 dev eth0
	n_client ip route add default via 198.51.100.254
	n_inet ip addr add $INET/24 dev eth0
	n_inet ip route add default via 203.0.113.254

	n_gw sysctl -qw net.ipv4.ip_forward=1
	n_gw ip addr add $GW_OUT/24 dev out
	n_gw ip addr add $GW_IN/24 dev in
	n_gw ip route add default via $ISP_GW

	n_inside ip addr add $INSIDE/24 dev eth0
	n_inside ip route add default via $GW_IN
}

# nat_create: what the document's 'ip nat pool outsidepool' + 'ip nat inside
# source route-map nonat pool outsidepool' + access-list 101 do: inside hosts
# going to the internet are NATed to a pool of outside addresses, traffic to
# the VPN pool is not.
nat_create() {
	local i
	for i in $(seq 32 63); do
		n_gw ip addr add 192.0.2.$i/32 dev out
	done
	n_gw nft -f - <<NFT
table ip espgw_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr $INSIDE_NET ip daddr $POOL_NET accept
		ip saddr $INSIDE_NET oifname "out" snat to 192.0.2.32-192.0.2.63
	}
}
NFT
}

topo_destroy() {
	local ns
	for ns in $NS_CLIENT $NS_GW $NS_INSIDE $NS_INET $NS_ISP; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# ---- module --------------------------------------------------------------

mod_loaded() { grep -q '^espgw ' /proc/modules; }
mod_load() { mod_loaded || insmod "$ESPGW_KO"; }
mod_unload() { ! mod_loaded || rmmod espgw; }
