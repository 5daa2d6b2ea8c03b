#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# espgwd against a real IKEv1 client: strongSwan 5.9.8 (Debian) in the client
# namespace, Main Mode with the wildcard pre-shared key, Quick Mode with the
# client's own address as its proxy ID (no Mode-Config yet). The tunnel comes
# up through espgwd + espgw.ko, and traffic crosses it.
source "$(dirname "$0")/lib.sh"

trap 'ss_stop_all KILL; espgwd_stop; topo_destroy; rm -rf $RUNDIR' EXIT
mod_load
topo_create
mkdir -p $RUNDIR

MODERN_P1=" encryption aes 128
 hash sha
 authentication pre-share
 group 14"
LEGACY_P1=" hash md5
 authentication pre-share"

# espgwd_privs: espgwd, serving a tunnel, is the user espgw (real, effective, saved and
# filesystem uid) with CAP_NET_ADMIN alone, effective and in its bounding set
espgwd_privs() {
	local uid want got
	uid=$(id -u espgw) || return 1
	want="Uid: $uid $uid $uid $uid CapEff: 0000000000001000 CapBnd: 0000000000001000"
	got=$(awk '$1 == "Uid:" || $1 == "CapEff:" || $1 == "CapBnd:"' /proc/$ESPGWD_PID/status |
		tr -s ' \t\n' '   ')
	got=${got% }
	[ "$got" = "$want" ] || { echo "want: $want"; echo "got:  $got"; return 1; }
}

# profile NAME IKE ESP GW-P1 GW-TSET [GW-EXTRA]: one tunnel up, traffic, down
profile() {
	local name=$1
	if ! espgwd_start "$(gw_conf "$4" "$5" "${6:-}")"; then
		fail "$name: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
		return
	fi
	ss_start "$2" "$3"
	if ss_up; then
		ok "$name: strongSwan brings the tunnel up"
		check "$name: espgwd runs as espgw with CAP_NET_ADMIN alone" espgwd_privs
		check_match "$name: espgw ike show lists the ISAKMP SA (QM_IDLE)" \
			"$GW_OUT +$CLIENT +QM_IDLE" n_gw "$ESPGW" ike show
		[ "$(kernel_sas)" = 2 ] && ok "$name: two SAs in the kernel" ||
			fail "$name: two SAs in the kernel" "$(n_gw "$ESPGW" sa show)"
		check "$name: client pings the inside host" n_client ping -c3 -i0.3 -W5 $INSIDE
		check "$name: inside host pings the client" n_inside ping -c3 -i0.3 -W5 $CLIENT
		n_inside iperf3 -s -D -1 >/dev/null 2>&1
		sleep 0.5
		check "$name: TCP through the tunnel" n_client iperf3 -c $INSIDE -t 3
	else
		fail "$name: strongSwan brings the tunnel up" "$(tail -15 $RUNDIR/ss/initiate.log)" \
			"--- espgwd:" "$(tail -15 $RUNDIR/espgwd.log)"
	fi
	ss_stop
	espgwd_stop
	[ "$(kernel_sas)" = 0 ] && ok "$name: espgwd leaves no SA behind when it stops" ||
		fail "$name: no SA left after espgwd stops" "$(n_gw "$ESPGW" sa show)"
}

profile modern-gcm aes128-sha1-modp2048 aes128gcm16 "$MODERN_P1" \
	"crypto ipsec transform-set ts1 esp-gcm 128"
profile modern-cbc aes128-sha1-modp2048 aes128-sha1 "$MODERN_P1" \
	"crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac"
profile modern-pfs aes128-sha1-modp2048 aes128-sha1-modp2048 "$MODERN_P1" \
	"crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac"
profile document des-md5-modp768 des-md5 "$LEGACY_P1" \
	"crypto ipsec transform-set ts1 esp-des esp-md5-hmac" "espgw legacy"

# The document's profile against a gateway without 'espgw legacy': refused.
espgwd_start "$(gw_conf "$MODERN_P1" "crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac")"
ss_start des-md5-modp768 des-md5
check_fail "legacy off: the document's DES/MD5/group 1 client is refused" ss_up
check_match "legacy off: espgwd says why" 'no proposal matches' cat $RUNDIR/espgwd.log
[ "$(kernel_sas)" = 0 ] && ok "legacy off: nothing installed" || fail "legacy off: nothing installed"
ss_stop

# Wrong pre-shared key: phase 1 fails cleanly, the client is told, nothing installed.
ss_start aes128-sha1-modp2048 aes128-sha1 not-the-key
check_fail "wrong PSK: the tunnel does not come up" ss_up
check_match "wrong PSK: espgwd logs the authentication failure" 'wrong pre-shared key' \
	cat $RUNDIR/espgwd.log
# Unprotected (the keys differ, so it cannot be protected); strongSwan parses it and,
# rightly, does not act on an unauthenticated notification.
check_match "wrong PSK: the client is told (it receives N(INVALID-HASH-INFORMATION))" \
	'parsed INFORMATIONAL_V1 request 0 \[ N\(INVAL_HASH\) \]' cat $RUNDIR/ss/initiate.log
[ "$(kernel_sas)" = 0 ] && ok "wrong PSK: nothing installed" || fail "wrong PSK: nothing installed"
ss_stop

# INITIAL-CONTACT: the client restarts without telling us; its new SAs replace the old.
ss_start aes128-sha1-modp2048 aes128-sha1
check "initial contact: first tunnel" ss_up
ss_stop KILL
ss_start aes128-sha1-modp2048 aes128-sha1
check "initial contact: the restarted client connects again" ss_up
sleep 1
# (the wrong-PSK client's exchange may still wait for its MM5 in MM_KEY_EXCH: a bad MM5
# is dropped, not fatal, so the genuine one could still come)
check_match "initial contact: one ISAKMP SA left" '^1$' sh -c \
	"$ESPGW -j ike show | $ROOT/selftests/pyj.py 'len([s for s in d if s[\"state\"] == \"QM_IDLE\"])'"
[ "$(kernel_sas)" = 2 ] && ok "initial contact: the old SAs are gone from the kernel" ||
	fail "initial contact: old SAs gone" "$(n_gw "$ESPGW" sa show)"
check "initial contact: traffic crosses the new tunnel" n_client ping -c2 -i0.3 -W5 $INSIDE

# espgw ike clear removes everything from the kernel.
check_match "espgw ike clear" 'cleared [0-9]+ ISAKMP SAs' n_gw "$ESPGW" ike clear
[ "$(kernel_sas)" = 0 ] && ok "ike clear: no SA left in the kernel" || fail "ike clear: no SA left"
check_match "ike clear: no policy left" '^0$' sh -c \
	"ip netns exec $NS_GW $ESPGW -j policy show | $ROOT/selftests/pyj.py 'len(d)'"
ss_stop

# A daemon killed without cleaning up: the next one starts from a clean kernel.
ss_start aes128-sha1-modp2048 aes128-sha1
check "restart: tunnel up" ss_up
espgwd_stop -KILL
[ "$(kernel_sas)" = 2 ] && ok "restart: SAs left by the killed daemon" || fail "restart: SAs left"
espgwd_start "$(gw_conf "$MODERN_P1" "crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac")"
[ "$(kernel_sas)" = 0 ] && ok "restart: the new daemon removed the stale SAs" ||
	fail "restart: stale SAs removed" "$(n_gw "$ESPGW" sa show)"
ss_stop
espgwd_stop

# Without an address pool a client is its own address: a client claiming another
# one (here the internet host's) as its proxy ID would pull its traffic into the tunnel.
espgwd_start "$(gw_conf "$MODERN_P1" "crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac")"
SS_LOCAL_TS=$INET/32 ss_start aes128-sha1-modp2048 aes128-sha1
check_fail "a proxy ID of another's address is refused" ss_up
check_match "espgwd says why" "asks in Quick Mode for $INET: without an address pool" \
	cat $RUNDIR/espgwd.log
[ "$(kernel_sas)" = 0 ] && ok "nothing installed for it" ||
	fail "nothing installed for it" "$(n_gw "$ESPGW" sa show)"
ss_stop
espgwd_stop
exit 0
