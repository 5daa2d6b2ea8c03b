#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The reverse-path filter on the gateway. Decrypted packets arrive on espgw0;
# without an address there the kernel's loose filter (rp_filter 2, the default
# systemd gives Fedora and Arch, and Ubuntu's) refuses every one of them. espgwd
# gives espgw0 the gateway's inside address as a /32 (unnumbered), and its
# reverse routes point to espgw0, so that the strict filter (1) passes them too.
# A strongSwan 5.9.8 client pulls an address and pings the inside host with the
# gateway at rp_filter 0 and 2, then, with reverse routes, at 1; the kernel's
# counter of refused packets (TcpExt IPReversePathFilter) must not move. The
# gateway's own packets to the client (ping from its inside address, in process
# context) go through the tunnel as well.
source "$(dirname "$0")/lib.sh"

trap 'ss_stop_all KILL; espgwd_stop; topo_destroy; rm -rf $RUNDIR' EXIT
mod_load
topo_create
mkdir -p $RUNDIR
export SS_INSTALL_VIP=yes

P1=" encryption aes 128
 hash sha
 authentication pre-share
 group 14"
TSET="crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac"
POOL="ip local pool ourpool 10.2.1.1 10.2.1.254
crypto isakmp client configuration address-pool local ourpool
crypto map intmap client configuration address respond"

rpf() { n_gw sysctl -qw net.ipv4.conf.all.rp_filter=$1 net.ipv4.conf.default.rp_filter=$1; }
# refused: the gateway's count of packets the reverse-path filter refused
refused() {
	n_gw awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) k[i] = $i; h = 1 }
		else for (i = 1; i <= NF; i++) if (k[i] == "IPReversePathFilter") print $i }' \
		/proc/net/netstat
}

# connect NAME: espgwd with the pool (and $DYNMAP_EXTRA), one client up; sets VIP
connect() {
	if ! espgwd_start "$(gw_conf "$P1" "$TSET" "$POOL")"; then
		fail "$1: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
		return 1
	fi
	ss_start aes128-sha1-modp2048 aes128-sha1 "" "		vips = 0.0.0.0
		pull = yes"
	if ! ss_up; then
		fail "$1: the tunnel comes up" "$(tail -15 $RUNDIR/ss/initiate.log)" \
			"--- espgwd:" "$(tail -15 $RUNDIR/espgwd.log)"
		return 1
	fi
	VIP=$(lease)
	ok "$1: the tunnel comes up, the client has $VIP"
}

# traffic NAME: the client and the inside host ping each other, nothing refused
traffic() {
	local before after
	before=$(refused)
	check "$1: the client pings the inside host" n_client ping -c3 -i0.3 -W5 -I "$VIP" $INSIDE
	check "$1: the inside host pings the client" n_inside ping -c3 -i0.3 -W5 "$VIP"
	after=$(refused)
	if [ "$after" = "$before" ]; then
		ok "$1: the reverse-path filter refused nothing ($after)"
	else
		fail "$1: the reverse-path filter refused nothing" "IPReversePathFilter $before -> $after"
	fi
}

rpf 0
if connect "rp_filter 0"; then
	check_match "espgw0 has the gateway's inside address, unnumbered" \
		"inet $GW_IN/32 .*espgw0" n_gw ip -4 addr show dev espgw0
	check_match "espgwd says so" "espgw0 has address $GW_IN/32" cat $RUNDIR/espgwd.log
	check_match "espgw info names the device" "^device: espgw0\$" n_gw "$ESPGW" info
	traffic "rp_filter 0"
	rpf 2
	traffic "rp_filter 2 (loose)"
	# strict, and no reverse route: the route back to the client leaves by 'out'
	rpf 1
	before=$(refused)
	n_client ping -c2 -i0.3 -W2 -I "$VIP" $INSIDE >/dev/null 2>&1
	after=$(refused)
	if [ "$after" -gt "$before" ]; then
		ok "rp_filter 1 without reverse routes: refused and counted ($before -> $after)"
	else
		fail "rp_filter 1 without reverse routes: refused and counted" \
			"IPReversePathFilter $before -> $after"
	fi
fi
ss_stop
espgwd_stop

# strict, with reverse routes: the client's address is routed to espgw0
rpf 1
export DYNMAP_EXTRA=" reverse-route"
if connect "rp_filter 1, reverse-route"; then
	check_match "the reverse route goes to espgw0" "^$VIP dev espgw0 scope link" \
		n_gw ip -4 route show proto 245
	traffic "rp_filter 1 (strict), reverse-route"
	out=$(ns_stat out_packets)
	check "the gateway pings the client from its inside address" \
		n_gw ping -c3 -i0.3 -W5 -I $GW_IN "$VIP"
	now=$(ns_stat out_packets)
	if [ $((now - out)) -ge 3 ]; then
		ok "... through the tunnel (out packets $out -> $now)"
	else
		fail "... through the tunnel" "out packets $out -> $now"
	fi
fi
ss_stop
espgwd_stop
rpf 0
exit 0
