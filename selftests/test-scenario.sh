#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The source document's scenario, as far as espgw implements it so far. The
# same script is 'make demo' (DEMO=1: it also shows the commands and their
# output for a person to read) and a selftest (TAP).
#
# Today: the document's topology in namespaces, espgw.ko loaded and answering
# in the gateway's namespace, and the router's NAT (inside hosts reach the
# internet through a pool of outside addresses). The VPN client's tunnel, IKE
# and Mode-Config join this story as they land.
source "$(dirname "$0")/lib.sh"

# show DESC CMD...: in demo mode print the command and its output
show() {
	local desc=$1
	shift
	[ -n "${DEMO:-}" ] || return 0
	echo "#"
	echo "# --- $desc"
	echo "# \$ $*" | sed "s/-$SUF//g"
	"$@" 2>&1 | sed 's/^/#   /'
}

story() { [ -n "${DEMO:-}" ] && printf '#\n# %s\n' "$@"; return 0; }

trap topo_destroy EXIT
story "Building the document's network in namespaces:" \
      "  remote client $CLIENT --- ISP --- $GW_OUT gateway $GW_IN --- inside host $INSIDE" \
      "  and an internet host $INET behind the same ISP."
topo_create
nat_create
show "gateway interfaces" n_gw ip -br addr
show "gateway NAT rules (the document's 'ip nat inside source route-map nonat pool outsidepool')" \
	n_gw nft list table ip espgw_nat

check "espgw.ko loaded" mod_load
show "espgw info in the gateway's namespace" n_gw "$ESPGW" info
check_match "espgw answers in the gateway's namespace" '^version: ' n_gw "$ESPGW" info

check "client reaches the gateway's outside address" n_client ping -c1 -W5 $GW_OUT
check "inside host reaches the gateway" n_inside ping -c1 -W5 $GW_IN

# Inside -> internet is NATed to the outside pool: check what the internet
# host sees on the wire and what conntrack on the gateway recorded.
cap=$(mktemp)
n_inet timeout 20 tcpdump -i eth0 -n -l -c 1 'icmp[icmptype] == icmp-echo' >"$cap" 2>/dev/null &
tpid=$!
sleep 2
check "inside host pings the internet host" n_inside ping -c3 -W5 $INET
wait $tpid
show "what the internet host sees" cat "$cap"
if grep -Eq "IP 192\.0\.2\.(3[2-9]|[45][0-9]|6[0-3]) > $INET" "$cap"; then
	ok "internet host sees a NAT pool address, not $INSIDE"
else
	fail "internet host sees a NAT pool address, not $INSIDE" "$(cat "$cap")"
fi
show "gateway conntrack" n_gw conntrack -L -p icmp
check_match "gateway conntrack shows the inside host translated" \
	"src=$INSIDE dst=$INET .* src=$INET dst=192\.0\.2\." n_gw conntrack -L -p icmp
rm -f "$cap"

story "Not yet here: the VPN client's IKE, Mode-Config and ESP tunnel (issues 3-5)."
topo_destroy
trap - EXIT
check "rmmod espgw" mod_unload
exit 0
