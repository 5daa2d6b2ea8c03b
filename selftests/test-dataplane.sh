#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ESP data plane with static SAs, against Linux XFRM as the peer: a client
# namespace configured only with 'ip xfrm' talks to the gateway running espgw,
# for every algorithm; counters on both sides agree; NAT exemption.
source "$(dirname "$0")/lib.sh"

IPERF_SECS=${IPERF_SECS:-4}
trap 'topo_destroy; pkill -x iperf3' EXIT
mod_load
topo_create
nat_create

for alg in ${DATAPLANE_ALGS:-$ALGS}; do
	if ! tunnel_up $alg >/tmp/espgw-tunnel.$$ 2>&1; then
		fail "$alg: tunnel set up" "$(cat /tmp/espgw-tunnel.$$)"
		tunnel_down
		continue
	fi
	if [ "$(cat /sys/module/espgw/parameters/force_async 2>/dev/null)" = Y ]; then
		# the SAs' AEADs are cryptd instances (found by driver name): one in use now
		check_match "$alg: force_async: the SAs' transform is a cryptd instance" '^cryptd\(' \
			awk '/^driver/ { d = $3 } /^refcnt/ && d ~ /^cryptd\(/ && $3 > 1 { print d }' /proc/crypto
	fi
	check "$alg: client pings the inside host through the tunnel" \
		n_client ping -c5 -i0.2 -W5 -I $CLIENT_VIP $INSIDE
	check "$alg: inside host pings the client's address through the tunnel" \
		n_inside ping -c5 -i0.2 -W5 $CLIENT_VIP
	in=$(sa_stat $SPI_IN packets) out=$(sa_stat $SPI_OUT packets)
	xin=$(xfrm_packets "$NS_CLIENT" $SPI_IN) xout=$(xfrm_packets "$NS_CLIENT" $SPI_OUT)
	if [ "$in" = 10 ] && [ "$out" = 10 ] && [ "$xin" = 10 ] && [ "$xout" = 10 ]; then
		ok "$alg: counters agree: 10 packets each way on espgw and on XFRM"
	else
		fail "$alg: counters agree" "espgw in=$in out=$out, xfrm sent=$xin received=$xout"
	fi
	n_inside iperf3 -s -D -1 >/dev/null 2>&1
	sleep 0.5
	check "$alg: ${IPERF_SECS}s TCP client -> inside" \
		n_client iperf3 -c $INSIDE -B $CLIENT_VIP -t $IPERF_SECS
	n_client iperf3 -s -D -1 -B $CLIENT_VIP >/dev/null 2>&1
	sleep 0.5
	check "$alg: ${IPERF_SECS}s TCP inside -> client" \
		n_inside iperf3 -c $CLIENT_VIP -t $IPERF_SECS
	auth=$(sa_stat $SPI_IN auth_fail) errs=$(sa_stat $SPI_OUT errors)
	[ "$auth" = 0 ] && [ "$errs" = 0 ] && ok "$alg: no auth failures or errors under TCP" ||
		fail "$alg: no auth failures or errors under TCP" "auth_fail=$auth errors=$errs"
	tunnel_down
done

# The gateway's own traffic is covered too, and the inner DSCP shows outside.
cap=/tmp/espgw-dp.$$
tunnel_up gcm128 >/dev/null 2>&1 || fail "tunnel set up (local traffic)"
check "the gateway itself pings the client through the tunnel" \
	n_gw ping -c3 -i0.2 -W5 -I $GW_IN $CLIENT_VIP
n_gw timeout 15 tcpdump -i out -n -v -l -c 1 "esp and dst $CLIENT" >$cap 2>/dev/null &
tpid=$!
sleep 2
n_inside ping -c6 -i0.5 -W5 -Q 0xb8 $CLIENT_VIP >/dev/null	# a few: tcpdump may start late
wait $tpid
check_match "the ESP packet carries the inner DSCP (EF, tos 0xb8)" 'tos 0xb8' cat $cap
rm -f $cap

# GRO: as XFRM's, decrypted packets go through GRO (espgw0's cells) when the device
# the ESP arrived on does GRO; 'ethtool -K espgw0 gro off' turns it off. Aggregated,
# the client's TCP reaches the inside host in segments larger than the MTU.
# gro_big: how many TCP segments larger than the MTU reach the inside host in 2 s
gro_big() {
	cap_start $cap.gro "$NS_INSIDE" eth0 -s 96 "tcp and src $CLIENT_VIP and greater 1600" || return 1
	n_inside iperf3 -s -D -1 >/dev/null 2>&1
	sleep 0.5
	n_client iperf3 -c $INSIDE -B $CLIENT_VIP -t 2 >/dev/null 2>&1
	cap_stop
	cap_n $cap.gro tcp
	rm -f $cap.gro $cap.gro.err
}
big=$(gro_big)
[ "$big" = 0 ] && ok "GRO off on the outside device (the veth default): no aggregates" ||
	fail "GRO off on the outside device (the veth default): no aggregates" "$big segments > 1600 bytes"
n_gw ethtool -K out gro on >/dev/null
big=$(gro_big)
in0=$(sa_stat $SPI_IN packets)
[ "${big:-0}" -gt 0 ] && ok "GRO on the outside device: decrypted TCP aggregated ($big segments > 1600 bytes)" ||
	fail "GRO on the outside device: decrypted TCP aggregated" "no segment larger than 1600 bytes at the inside host"
n_gw ethtool -K espgw0 gro off >/dev/null
big=$(gro_big)
[ "$big" = 0 ] && ok "GRO off on espgw0: no aggregates" ||
	fail "GRO off on espgw0: no aggregates" "$big segments > 1600 bytes"
[ "$(sa_stat $SPI_IN packets)" -gt "$in0" ] && ok "GRO off on espgw0: the tunnel still carries TCP" ||
	fail "GRO off on espgw0: the tunnel still carries TCP" "SA packets stayed at $in0"
auth=$(sa_stat $SPI_IN auth_fail) errs=$(sa_stat $SPI_IN errors)
[ "$auth" = 0 ] && [ "$errs" = 0 ] && ok "GRO: no auth failures or errors" ||
	fail "GRO: no auth failures or errors" "auth_fail=$auth errors=$errs"
n_gw ethtool -K out gro off >/dev/null
n_gw ethtool -K espgw0 gro on >/dev/null
tunnel_down
exit 0
