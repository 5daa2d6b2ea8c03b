#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Mode-Config and the address pool: a strongSwan 5.9.8 client with
# 'vips = 0.0.0.0' gets an address of 'ip local pool ourpool' from espgwd,
# by pull (the client's REQUEST, gateway 'respond'), by push (the gateway's
# SET, 'initiate'), and by pull against a gateway that pushes (a REQUEST is
# always answered). The client then reaches the inside host from that
# address, the inside host reaches it back, and a client that reconnects gets
# its address again.
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
# the document's profile (its router's defaults: encryption des, group 1)
P1_DOC=" hash md5
 authentication pre-share"
TSET_DOC="espgw legacy
crypto ipsec transform-set ts1 esp-des esp-md5-hmac"
POOL="ip local pool ourpool 10.2.1.1 10.2.1.254
crypto isakmp client configuration address-pool local ourpool"

# run NAME GW-MODECFG-LINES CLIENT-PULL: one client gets its address and uses it
# (the modern profile; DOC=1: the document's DES/MD5/group 1 with 'espgw legacy')
run() {
	local name=$1 vip p1=$P1 tset=$TSET ike=aes128-sha1-modp2048 esp=aes128-sha1
	if [ -n "${DOC:-}" ]; then
		p1=$P1_DOC tset=$TSET_DOC ike=des-md5-modp768 esp=des-md5
	fi
	if ! espgwd_start "$(gw_conf "$p1" "$tset" "$POOL
$2")"; then
		fail "$name: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
		return
	fi
	ss_start $ike $esp "" "		vips = 0.0.0.0
		pull = $3"
	if ! ss_up; then
		fail "$name: strongSwan brings the tunnel up" "$(tail -15 $RUNDIR/ss/initiate.log)" \
			"--- espgwd:" "$(tail -15 $RUNDIR/espgwd.log)"
		ss_stop
		espgwd_stop
		return
	fi
	ok "$name: strongSwan brings the tunnel up"
	vip=$(lease)
	if [[ $vip =~ ^10\.2\.1\.[0-9]+$ ]]; then
		ok "$name: espgwd leased $vip from the pool"
	else
		fail "$name: espgwd leased an address from the pool" "$(n_gw "$ESPGW" ike show)"
	fi
	check_match "$name: espgw ike show has the lease" "$GW_OUT +$CLIENT +QM_IDLE .* $vip\$" \
		"$ESPGW" ike show
	check_match "$name: the client got $vip" "inet $vip/" n_client ip -4 addr show
	check_match "$name: the client's proxy ID is $vip" "$vip/32" sh -c \
		"ip netns exec $NS_GW $ESPGW policy show"
	[ "$(kernel_sas)" = 2 ] && ok "$name: two SAs in the kernel" ||
		fail "$name: two SAs in the kernel" "$(n_gw "$ESPGW" sa show)"
	check "$name: client pings the inside host from $vip" \
		n_client ping -c3 -i0.3 -W5 -I "$vip" $INSIDE
	check "$name: the inside host pings $vip back" n_inside ping -c3 -i0.3 -W5 "$vip"

	# the same client reconnecting gets the same address
	ss_stop
	ss_start $ike $esp "" "		vips = 0.0.0.0
		pull = $3"
	if ss_up; then
		check_match "$name: the reconnecting client gets $vip again" "^$vip\$" lease
		check "$name: traffic after reconnecting" n_client ping -c2 -i0.3 -W5 -I "$vip" $INSIDE
	else
		fail "$name: the client reconnects" "$(tail -15 $RUNDIR/ss/initiate.log)"
	fi
	ss_stop
	espgwd_stop
	[ "$(kernel_sas)" = 0 ] && ok "$name: no SA left" ||
		fail "$name: no SA left" "$(n_gw "$ESPGW" sa show)"
}

run pull "crypto map intmap client configuration address respond" yes
: >$RUNDIR/espgwd.log
run push "crypto map intmap client configuration address initiate" no
check_match "push: espgwd sent SET" 'Mode-Config SET 10\.2\.1\.[0-9]+ sent' cat $RUNDIR/espgwd.log
check_match "push: the client's ACK verifies" 'Mode-Config ACK from' cat $RUNDIR/espgwd.log
: >$RUNDIR/espgwd.log
run "pull, gateway pushes" "crypto map intmap client configuration address initiate" yes
check_match "espgwd answered a REQUEST while pushing" 'REQUEST from .*: REPLY 10\.2\.1\.' \
	cat $RUNDIR/espgwd.log
# the document's profile, by pull (make demo / test-scenario does it by push)
: >$RUNDIR/espgwd.log
DOC=1 run "pull, document profile" "crypto map intmap client configuration address respond" yes
check_match "pull, document profile: it was DES/MD5/group 1" \
	'ISAKMP SA [0-9]+ established .*\(des md5 group 1, ' cat $RUNDIR/espgwd.log
exit 0
