#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# espgwd against a second IKEv1 implementation: libreswan 4.10 (Debian's pluto,
# unpacked by 'make deps', run by the ls_* helpers of lib.sh) as a remote-access
# client. Main Mode with the wildcard pre-shared key, Mode-Config pulled from
# 'ip local pool ourpool', Quick Mode for the pool address <-> the inside network
# with pluto's default PFS, kernel XFRM on the client. The tunnel comes up, the
# client gets and uses its pool address (ping both ways, TCP), 'espgw ike show'
# lists it; the client's disconnect leaves no SA, a second connect gets the same
# address. Then a gateway that pushes ('initiate'): pluto still pulls and gets its
# address. pluto's shutdown leaves no SA either.
#
# SELFTESTS_LOGS=DIR keeps espgwd's and pluto's logs in DIR/libreswan.
source "$(dirname "$0")/lib.sh"

# save_log: espgwd's log so far to espgwd-all.log, then a fresh one for the next checks
save_log() {
	cat $RUNDIR/espgwd.log >>$RUNDIR/espgwd-all.log 2>/dev/null
	: >$RUNDIR/espgwd.log
}
keep_logs() {
	[ -n "${SELFTESTS_LOGS:-}" ] || return 0
	mkdir -p "$SELFTESTS_LOGS/libreswan"
	save_log
	cp $RUNDIR/espgwd-all.log $RUNDIR/gw-state.log $RUNDIR/ls/*.log $RUNDIR/ls/*.out $RUNDIR/ls/ipsec.conf \
		"$SELFTESTS_LOGS/libreswan/" 2>/dev/null
	return 0
}
trap 'ls_stop KILL; espgwd_stop; keep_logs; topo_destroy; rm -rf $RUNDIR' EXIT
mod_load
topo_create
mkdir -p $RUNDIR

P1=" encryption aes 128
 hash sha
 authentication pre-share
 group 14"
TSET="crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac"
POOL="ip local pool ourpool 10.2.1.1 10.2.1.254
crypto isakmp client configuration address-pool local ourpool
"
PULL="crypto map intmap client configuration address respond"
PUSH="crypto map intmap client configuration address initiate"
IKE="aes128-sha1;modp2048" ESP=aes128-sha1

# isakmp_sas: how many ISAKMP SAs espgwd holds
isakmp_sas() {
	"$ESPGW" -j ike show | "$ROOT/selftests/pyj.py" "len(d)"
}
# gone: no SA, policy or ISAKMP SA left on the gateway (waited for up to 5 s)
gone() {
	for _ in $(seq 25); do
		[ "$(kernel_sas)" = 0 ] && [ "$(isakmp_sas)" = 0 ] && return 0
		sleep 0.2
	done
	n_gw "$ESPGW" sa show
	"$ESPGW" ike show
	return 1
}
why() {
	printf '%s\n' "--- whack:" "$(tail -8 $LS_DIR/up.out)" \
		"--- pluto:" "$(grep -v ': | ' $LS_DIR/pluto.log | tail -12)" \
		"--- espgwd:" "$(tail -12 $RUNDIR/espgwd.log)"
}

if ! espgwd_start "$(gw_conf "$P1" "$TSET" "$POOL
$PULL")"; then
	fail "espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
	exit 0
fi
if ! ls_start "$IKE" $ESP >$RUNDIR/ls_start.out 2>&1; then
	fail "pluto (libreswan 4.10) starts in the client namespace" "$(cat $RUNDIR/ls_start.out)"
	exit 0
fi
ok "pluto (libreswan 4.10) starts in the client namespace"

# connect NAME: one connection up and used; sets VIP
connect() {
	local name=$1
	VIP=
	if ! ls_up; then
		fail "$name: libreswan brings the tunnel up" "$(why)"
		return 1
	fi
	ok "$name: libreswan brings the tunnel up"
	VIP=$(lease)
	if [[ $VIP =~ ^10\.2\.1\.[0-9]+$ ]]; then
		ok "$name: espgwd leased $VIP from the pool"
	else
		fail "$name: espgwd leased an address from the pool" "$("$ESPGW" ike show)"
		return 1
	fi
	check_match "$name: libreswan pulled it (Mode-Config REQUEST, REPLY $VIP)" \
		"Mode-Config REQUEST from $CLIENT: REPLY $VIP\$" cat $RUNDIR/espgwd.log
	check_match "$name: pluto took $VIP as its address" "Received IPv4 address: $VIP/32" \
		cat $LS_DIR/up.out
	check_match "$name: espgw ike show lists it (QM_IDLE, the lease)" \
		"$GW_OUT +$CLIENT +QM_IDLE .* $VIP\$" "$ESPGW" ike show
	check_match "$name: the client's proxy ID is $VIP" "$VIP/32" n_gw "$ESPGW" policy show
	[ "$(kernel_sas)" = 2 ] && ok "$name: two SAs in the kernel" ||
		fail "$name: two SAs in the kernel" "$(n_gw "$ESPGW" sa show)"
	check_match "$name: the client has $VIP" "inet $VIP/32" n_client ip -4 addr show
	check_match "$name: the client routes the inside network from $VIP" "src $VIP" \
		n_client ip route get $INSIDE
	check "$name: client pings the inside host" n_client ping -c3 -i0.3 -W5 $INSIDE
	check "$name: the inside host pings $VIP back" n_inside ping -c3 -i0.3 -W5 "$VIP"
}

connect first
vip1=$VIP
{ "$ESPGW" ike show; n_gw "$ESPGW" -s sa show; "$ESPGW" ike stats; } >$RUNDIR/gw-state.log 2>&1
if [ -n "$vip1" ]; then
	n_inside iperf3 -s -D -1 >/dev/null 2>&1
	sleep 0.5
	check "first: TCP through the tunnel" n_client timeout 20 iperf3 -c $INSIDE -t 3
	n_inside pkill -x iperf3 2>/dev/null
fi

# disconnect NAME: the client disconnects: pluto deletes its IPsec and ISAKMP SAs and
# tells the gateway
disconnect() {
	local name=$1
	check "$name: libreswan disconnects (ipsec auto --down)" ls_down
	check "$name: no SA or ISAKMP SA left on the gateway" gone
	check_match "$name: no policy left on the gateway" '^0$' sh -c \
		"ip netns exec $NS_GW $ESPGW -j policy show | $ROOT/selftests/pyj.py 'len(d)'"
	check_match "$name: espgwd was told (the client deleted the ISAKMP SA)" \
		"ISAKMP SA [0-9]+: $CLIENT deleted it" cat $RUNDIR/espgwd.log
	check_match "$name: nothing left in the client's XFRM" '^$' n_client ip xfrm state
}
disconnect "first disconnect"

# a second connect of the same pluto: the same address again
save_log
connect second
[ -n "$VIP" ] && [ -n "$vip1" ] && { [ "$VIP" = "$vip1" ] &&
	ok "second: the same address again ($VIP)" ||
	fail "second: the same address again" "first $vip1, now $VIP"; }
disconnect "second disconnect"

# A gateway that pushes ('initiate'): its SET comes first and pluto, waiting for its
# REPLY, ignores it ("Expecting ISAKMP_CFG_ACK or ISAKMP_CFG_REPLY, got 3 instead");
# the REQUEST is answered all the same and the tunnel comes up.
espgwd_stop
save_log
if espgwd_start "$(gw_conf "$P1" "$TSET" "$POOL
$PUSH")"; then
	connect "pull, gateway pushes"
	check_match "pull, gateway pushes: espgwd sent its SET too" "Mode-Config SET $VIP sent" \
		cat $RUNDIR/espgwd.log
else
	fail "pull, gateway pushes: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
fi
# libreswan 4.10 as a client takes a SET only after XAUTH: without modecfgpull it waits
# for one, and the SET it then gets goes to modecfg_inR1, which wants a REPLY or an
# ACK and drops it. Testing it needs XAUTH set up on both sides (espgwd has it since issue 11 began).
skip "push to libreswan (modecfgpull=no)" \
	"libreswan 4.10 acknowledges a Mode-Config SET only after XAUTH, and this test does not yet configure XAUTH (issue 11: espgwd has it, host-tested)"

# pluto stops (TERM): it deletes everything and tells the gateway
ls_stop
check "pluto stopped: no SA or ISAKMP SA left on the gateway" gone
espgwd_stop
[ "$(kernel_sas)" = 0 ] && ok "espgwd stopped: no SA left" ||
	fail "espgwd stopped: no SA left" "$(n_gw "$ESPGW" sa show)"
exit 0
