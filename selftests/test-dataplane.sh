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
tunnel_down
exit 0
