#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The address pool with several strongSwan 5.9.8 clients at once, each in its
# own namespace with its own charon: distinct addresses, a pool of 2 with 3
# clients (the third refused and told, the first two unharmed), leases
# returning to the pool, a client asking in Quick Mode for an address it was
# not leased, a group with its own pool, what Mode-Config gives besides the
# address (DNS, WINS, Unity split-include, domain, banner), the reverse route
# for each lease, and 'espgw pool show'.
source "$(dirname "$0")/lib.sh"

trap 'ss_stop_all KILL; espgwd_stop; topo_destroy; rm -rf $RUNDIR' EXIT
mod_load
topo_create
client_add 2
client_add 3
mkdir -p $RUNDIR
export SS_INSTALL_VIP=yes
GRACE=12

P1=" encryption aes 128
 hash sha
 authentication pre-share
 group 14"
TSET="crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac"
EXTRA="ip local pool ourpool 10.2.1.1 10.2.1.2
ip local pool salespool 10.2.3.1 10.2.3.9
crypto isakmp client configuration address-pool local ourpool
crypto map intmap client configuration address respond
crypto isakmp client configuration group default
 dns 10.2.2.53 10.2.2.54
 wins 10.2.2.55
 domain example.net
 acl 110
 banner Authorized users only
crypto isakmp client configuration group sales
 pool salespool
 dns 10.2.2.63
access-list 110 permit ip 10.2.2.0 0.0.0.255 any
espgw lease-grace $GRACE"
export DYNMAP_EXTRA=" reverse-route"
MC="		vips = 0.0.0.0
		pull = yes"

# pj EXPR: evaluate EXPR over 'espgw -j pool show' (d: the list of pools)
pj() { "$ESPGW" -j pool show | "$ROOT/selftests/pyj.py" "$1"; }
# lease_of N: the address espgwd leased to client N (by its outside address)
lease_of() {
	pj "[l['address'] for p in d for l in p['leases']
	     if l['peer'] == '$(client_addr "$1")' and l['state'] == 'active'][0]"
}
# up N: start client N and bring its tunnel up; 0 if it came up
up() {
	ss_use "$1"
	ss_start aes128-sha1-modp2048 aes128-sha1 "" "$MC"
	ss_up
}
routes() { n_gw ip -4 route show proto 245; }

CONF=$(gw_conf "$P1" "$TSET" "$EXTRA")
if ! espgwd_start "$CONF"; then
	fail "espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
	exit 0
fi

# a route the admin put there for client 2's future address: not espgwd's to replace
n_gw ip route add 10.2.1.2/32 via $ISP_GW dev out proto static

# ---- two clients at once ------------------------------------------------------
for i in 1 2; do
	if up $i; then
		ok "client $i: tunnel up"
	else
		fail "client $i: tunnel up" "$(tail -15 $SS_DIR/initiate.log)" \
			"--- espgwd:" "$(tail -15 $RUNDIR/espgwd.log)"
	fi
done
L1=$(lease_of 1) L2=$(lease_of 2)
if [[ $L1 =~ ^10\.2\.1\.[12]$ && $L2 =~ ^10\.2\.1\.[12]$ && $L1 != "$L2" ]]; then
	ok "two clients at once get distinct addresses ($L1, $L2)"
else
	fail "two clients at once get distinct addresses" "client 1: '$L1' client 2: '$L2'" \
		"$("$ESPGW" pool show)"
fi
[ "$(kernel_sas)" = 4 ] && ok "four SAs in the kernel" ||
	fail "four SAs in the kernel" "$(n_gw "$ESPGW" sa show)"
for i in 1 2; do
	ss_use $i
	eval "vip=\$L$i"
	check_match "client $i holds $vip" "inet $vip/" n_ss ip -4 addr show
	check "client $i pings the inside host from $vip" \
		n_ss ping -c3 -i0.3 -W5 -I "$vip" $INSIDE
	check "the inside host pings client $i at $vip" n_inside ping -c2 -i0.3 -W5 "$vip"
	[ $i = 1 ] && check_match "reverse route for $vip to espgw0" \
		"^$vip dev espgw0 scope link" routes
done
check_match "the admin's route to $L2 is not replaced" "^$L2 via $ISP_GW dev out" \
	n_gw ip -4 route show proto static $L2
check_match "... and espgwd says so" "reverse route to $L2/32 not added" cat $RUNDIR/espgwd.log

# what Mode-Config gave besides the address (strongSwan's log names each attribute)
ss_use 1
check_match "client got DNS, WINS and the Unity attributes in the REPLY" \
	'parsed TRANSACTION response .*CPRP\(ADDR MASK DNS DNS NBNS U_SPLITINC U_DEFDOM U_BANNER\)' \
	cat $SS_DIR/charon.log
check_match "client installed the DNS servers" 'nameserver 10\.2\.2\.53' cat $SS_DIR/resolv.conf
check_match "... both of them" 'nameserver 10\.2\.2\.54' cat $SS_DIR/resolv.conf

check_match "espgw pool show: 2 addresses, 2 in use, 0 free" \
	'^pool ourpool: 10\.2\.1\.1-10\.2\.1\.2, 2 addresses, 2 in use, 0 in grace, 0 free$' \
	"$ESPGW" pool show
check_match "espgw pool show lists client 1's lease" \
	"^  $L1 +active +$CLIENT:500 id $CLIENT\$" "$ESPGW" pool show

# ---- a third client: the pool is exhausted --------------------------------------
if up 3; then
	fail "client 3 is refused (pool of 2 exhausted)" "$("$ESPGW" pool show)"
else
	ok "client 3 is refused (pool of 2 exhausted)"
fi
check_match "espgwd says why" 'pool ourpool is exhausted, refusing the client' \
	cat $RUNDIR/espgwd.log
check_match "client 3 is told: it gets the ISAKMP DELETE" 'received DELETE for IKE_SA gw' \
	cat $SS_DIR/charon.log
[ "$(kernel_sas)" = 4 ] && ok "nothing installed for client 3" ||
	fail "nothing installed for client 3" "$(n_gw "$ESPGW" sa show)"
ss_stop
for i in 1 2; do
	ss_use $i
	eval "vip=\$L$i"
	check "client $i still reaches the inside host" n_ss ping -c2 -i0.3 -W5 -I "$vip" $INSIDE
done

# ---- a group with its own pool ------------------------------------------------------
ss_use 3
SS_ID=keyid:sales up 3 && ok "client 3 as group 'sales' comes up from salespool" ||
	fail "client 3 as group 'sales' comes up from salespool" "$(tail -15 $SS_DIR/initiate.log)"
check_match "client 3 holds 10.2.3.1" "inet 10\.2\.3\.1/" n_ss ip -4 addr show
check "client 3 pings the inside host from 10.2.3.1" n_ss ping -c2 -i0.3 -W5 -I 10.2.3.1 $INSIDE
check_match "group sales gets its own DNS server" \
	'parsed TRANSACTION response .*CPRP\(ADDR MASK DNS\)' cat $SS_DIR/charon.log
ss_stop

# ---- leases return to the pool ----------------------------------------------------
# client 3's charon is ready before client 1 leaves, so that its attempt comes
# well within the grace period (charon takes seconds to start under emulation)
ss_use 3
ss_start aes128-sha1-modp2048 aes128-sha1 "" "$MC"
ss_use 1
ss_stop
ss_use 3
if ss_up; then
	fail "while in grace, the lease is not given to client 3" "$("$ESPGW" pool show)"
else
	ok "while in grace, the lease is not given to client 3"
fi
ss_stop
check_match "client 1 left: its lease $L1 waits in grace" "^  $L1 +grace " "$ESPGW" pool show
if routes | grep -q "^$L1 "; then
	fail "client 1's reverse route is removed" "$(routes)"
else
	ok "client 1's reverse route is removed"
fi
[ "$(kernel_sas)" = 2 ] && ok "client 1's SAs are removed" ||
	fail "client 1's SAs are removed" "$(n_gw "$ESPGW" sa show)"
sleep $((GRACE + 1))
check_match "after the grace period it is free again" '1 in use, 0 in grace, 1 free' \
	"$ESPGW" pool show
if up 3; then
	ok "client 3 now comes up"
	check_match "client 3 gets $L1, client 1's old address" "^$L1\$" lease_of 3
	check "client 3 pings the inside host from $L1" n_ss ping -c2 -i0.3 -W5 -I "$L1" $INSIDE
else
	fail "client 3 now comes up" "$(tail -15 $SS_DIR/initiate.log)"
fi
ss_stop

# ---- Quick Mode for an address that was not leased -------------------------------------
# client 1 skips Mode-Config and proposes a free pool address as its proxy ID
# (client 3's lease $L1 is free again after the grace period)
ss_use 1
sleep $((GRACE + 1))
SS_LOCAL_TS=$L1/32 ss_start aes128-sha1-modp2048 aes128-sha1 ""
if ss_up; then
	fail "a proxy ID of an address not leased to the client is refused" \
		"$(n_gw "$ESPGW" sa show)"
else
	ok "a proxy ID of an address not leased to the client is refused"
fi
check_match "espgwd says why" "asks in Quick Mode for $L1, which is not its lease" \
	cat $RUNDIR/espgwd.log
[ "$(kernel_sas)" = 2 ] && ok "nothing installed for it" ||
	fail "nothing installed for it" "$(n_gw "$ESPGW" sa show)"
ss_stop

# ---- everyone leaves ------------------------------------------------------------------
ss_stop_all
ss_use 2
[ "$(kernel_sas)" = 0 ] && ok "all clients gone: no SA left" ||
	fail "all clients gone: no SA left" "$(n_gw "$ESPGW" sa show)"
check_match "all clients gone: no reverse route left" '^$' routes
check_match "the admin's route is still there" "^$L2 via $ISP_GW" n_gw ip -4 route show $L2/32
sleep $((GRACE + 1))
check_match "all clients gone: every lease back in the pool" \
	'^pool ourpool: .* 0 in use, 0 in grace, 2 free$' "$ESPGW" pool show

# ---- a killed espgwd leaves its reverse routes: the next one removes them ---------------
ss_use 1
up 1 || fail "client 1 comes back" "$(tail -15 $SS_DIR/initiate.log)"
espgwd_stop -KILL
check_match "a killed espgwd leaves its reverse route" "^10\.2\.1\.1 dev espgw0" routes
espgwd_start "$CONF"
check_match "the next espgwd removes it" '^$' routes
check_match "... and says so" 'reverse routes of an earlier run removed' cat $RUNDIR/espgwd.log
ss_stop KILL
espgwd_stop
exit 0
