#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An unauthenticated flood of Main Mode first messages (MM1) must not lock
# legitimate clients out. espgw-ikeflood (userspace/bench/ikeflood.c), in a
# namespace of its own behind the ISP, sends MM1s with fresh cookies and a
# stock client's SA offer at $FLOOD_RATE a second: first from its own address
# ($FLOOD_ADDR, 16 source ports), then from random sources of $SPOOF_NET
# (routed back to the flood namespace, where the gateway's answers die). Under
# each flood a strongSwan client brings up $FLOOD_CLIENTS tunnels one after the
# other (Main Mode, Mode-Config pull, Quick Mode; each terminated before the
# next): each must come up within 15 s and reach the inside host, and espgwd's
# memory must stay bounded. The figures (MM1/s sent, clients up, time per
# client, VmRSS) are printed as TAP comments.
#
# FLOOD_GIVEUP clients failing in a row end a flood early (0: never), so that a
# gateway that is locked out costs a minute, not ten.
source "$(dirname "$0")/lib.sh"

FLOODER=${FLOODER:-$ROOT/build/bin/espgw-ikeflood}
NS_FLOOD=flood-$SUF
FLOOD_ADDR=203.0.113.66		# "the internet", on its own link to the ISP
SPOOF_NET=10.99.0.0/16		# routed by the ISP to the flood namespace
FLOOD_RATE=${FLOOD_RATE:-5100}	# the generator's target
FLOOD_MIN=${FLOOD_MIN:-5000}	# what it must achieve for the test to mean anything
FLOOD_CLIENTS=${FLOOD_CLIENTS:-20}
FLOOD_GIVEUP=${FLOOD_GIVEUP:-3}
UP_WITHIN=15			# seconds for one client's tunnel
RSS_MAX_KB=$((64 * 1024))
FLOOD_PID=

RMEM=$(sysctl -n net.core.rmem_default) RMEM_MAX=$(sysctl -n net.core.rmem_max)
trap 'flood_stop >/dev/null; ss_stop_all KILL; espgwd_stop; ip netns del $NS_FLOOD 2>/dev/null;
      topo_destroy; sysctl -qw net.core.rmem_default=$RMEM net.core.rmem_max=$RMEM_MAX;
      rm -rf $RUNDIR' EXIT

if [ ! -x "$FLOODER" ]; then
	skip "MM1 flood" "no $FLOODER (make userspace)"
	exit 0
fi
mod_load
topo_create
mkdir -p $RUNDIR
# IKE bursts: room in the gateway's socket queue (the default drops them first)
sysctl -qw net.core.rmem_default=${FLOOD_RMEM:-4194304} net.core.rmem_max=8388608

ip netns add $NS_FLOOD
n $NS_FLOOD ip link set lo up
veth $NS_ISP f0 $NS_FLOOD eth0
n $NS_FLOOD ip addr add $FLOOD_ADDR/24 dev eth0
n $NS_FLOOD ip route add default via 203.0.113.254
n $NS_FLOOD ip route add blackhole $SPOOF_NET	# the answers to spoofed sources end here
n_isp ip route add $FLOOD_ADDR/32 dev f0
n_isp ip route add $SPOOF_NET via $FLOOD_ADDR dev f0
# the spoofed sources must pass the reverse-path checks of the ISP and the gateway
for dev in all default f0 g0; do n_isp sysctl -qw net.ipv4.conf.$dev.rp_filter=0; done
for dev in all default out; do n_gw sysctl -qw net.ipv4.conf.$dev.rp_filter=0; done

# before any clock runs: neighbours resolved, and the kernel's crypto for ESP
# aes128-sha1 loaded (the first SA with it waits seconds for modprobe under emulation)
n_client ping -c1 -W5 $GW_OUT >/dev/null
n $NS_FLOOD ping -c1 -W5 $GW_OUT >/dev/null
printf '%s\n' "$(hexkey 16)" "$(hexkey 20)" | n_gw "$ESPGW" sa add src $CLIENT dst $GW_OUT \
	spi 0x100 dir in enc aes-cbc @- auth hmac-sha1-96 @- sel src $INSIDE_NET dst 10.2.1.1/32 >/dev/null &&
	n_gw "$ESPGW" flush

# the gateway: what test-modecfg.sh does, phase 1 with the flood's first offer
export ESPGWD_DEBUG=""	# no debug line for each MM1
CONF=$(gw_conf " encryption aes 128
 hash sha
 authentication pre-share
 group 2" "crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac" \
"ip local pool ourpool 10.2.1.1 10.2.1.254
crypto isakmp client configuration address-pool local ourpool
crypto map intmap client configuration address respond")

# the client: Mode-Config pull; retransmissions at 0, 1, 2.4, 4.4, 7.1 and 10.9 s
export SS_INSTALL_VIP=yes SS_RETRANSMIT_TRIES=5 SS_RETRANSMIT_TIMEOUT=1 SS_RETRANSMIT_BASE=1.4
ss_use 1
if ! ss_start aes128-sha1-modp1024 aes128-sha1 "" "		vips = 0.0.0.0
		pull = yes"; then
	fail "strongSwan client loads its configuration" "$(cat $SS_DIR/load.log)"
	exit 0
fi

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$1/status 2>/dev/null; }
mb() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }
ts() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
udp_stat() {	# udp_stat FIELD: the gateway's UDP counter
	n_gw awk -v f="$1" '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
		else print $c[f] }' /proc/net/snmp
}

# attempt: the client brings its tunnel up (bounded), then pings the inside
# host from its address; sets UP (0/1), PING (0/1), T (seconds to come up)
attempt() {
	local t0 vip
	UP=0 PING=0
	rm -f $SS_DIR/ping.log
	t0=$(ts)
	# stdbuf: the log swanctl streams survives its being stopped at the bound
	n_ss timeout $UP_WITHIN stdbuf -oL swanctl --initiate --child gw --timeout $UP_WITHIN \
		--uri unix://$SS_DIR/charon.vici >$SS_DIR/initiate.log 2>&1 && UP=1
	T=$(secs "$t0" "$(ts)")
	if [ $UP = 1 ] && awk -v t="$T" -v m=$UP_WITHIN 'BEGIN { exit !(t > m) }'; then
		UP=0	# came up, but too late
	fi
	vip=$(n_ss ip -4 -o addr show | sed -n 's/.* inet \(10\.2\.1\.[0-9]*\)\/.*/\1/p' | head -n1)
	if [ $UP = 1 ] && [ -n "$vip" ] &&
	   n_ss ping -c3 -i0.3 -W3 -I "$vip" $INSIDE >$SS_DIR/ping.log 2>&1; then
		PING=1
	fi
	# leave (a DELETE when it is up), or give the attempt up; bounded either way
	{ [ $UP = 1 ] && n_ss timeout 15 swanctl --terminate --ike gw --timeout 10 \
		--uri unix://$SS_DIR/charon.vici >/dev/null 2>&1; } ||
		n_ss timeout 10 swanctl --terminate --ike gw --force --timeout 5 \
			--uri unix://$SS_DIR/charon.vici >/dev/null 2>&1
	return 0
}

flood_stop() {
	[ -n "$FLOOD_PID" ] || return 0
	kill -TERM $FLOOD_PID 2>/dev/null
	for _ in $(seq 50); do
		kill -0 $FLOOD_PID 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL $FLOOD_PID 2>/dev/null
	wait $FLOOD_PID 2>/dev/null
	FLOOD_PID=
}

# run NAME FLOODER-ARGS...: espgwd afresh, a client without a flood, then the
# flood and FLOOD_CLIENTS clients under it
# run NAME COUNTER ARGS: a flood with the generator's ARGS; COUNTER of 'espgw ike stats'
# is what the refused MM1s are counted in
run() {
	local name=$1 counter=$2 up=0 ping=0 tried=0 row=0 i r0 r1 r2 peak out rate rx0 rx1 udp0 udp1
	local drop0 drop1 stats n
	shift 2
	if ! espgwd_start "$CONF"; then
		fail "$name: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
		return
	fi
	attempt
	if [ $UP = 1 ] && [ $PING = 1 ]; then
		ok "$name: without a flood, a client comes up ($T s) and reaches the inside host"
	else
		fail "$name: without a flood, a client comes up and reaches the inside host" \
			"$(tail -10 $SS_DIR/initiate.log)" "--- espgwd:" "$(tail -10 $RUNDIR/espgwd.log)"
		espgwd_stop
		return
	fi

	r0=$(rss $ESPGWD_PID) peak=$r0
	rx0=$(n $NS_FLOOD cat /sys/class/net/eth0/statistics/rx_packets)
	udp0=$(udp_stat InDatagrams) drop0=$(udp_stat RcvbufErrors)
	# not through n: $! must be the generator itself (SIGTERM: it prints its figures)
	ip netns exec $NS_FLOOD "$FLOODER" -g $GW_OUT -r $FLOOD_RATE -t 600 "$@" \
		>$RUNDIR/flood-$name.out 2>&1 &
	FLOOD_PID=$!
	sleep 3
	if ! kill -0 $FLOOD_PID 2>/dev/null; then
		fail "$name: the flood runs" "$(cat $RUNDIR/flood-$name.out)"
		FLOOD_PID=
		espgwd_stop
		return
	fi
	for i in $(seq $FLOOD_CLIENTS); do
		attempt
		tried=$i
		up=$((up + UP)) ping=$((ping + PING))
		r1=$(rss $ESPGWD_PID)
		[ "${r1:-0}" -gt "$peak" ] && peak=$r1
		if [ $UP = 1 ]; then
			row=0
			diag "$name: client $i up in $T s, ping $([ $PING = 1 ] && echo ok || echo FAILED)"
		else
			row=$((row + 1))
			diag "$name: client $i NOT up within $UP_WITHIN s (stopped after $T s):" \
			     "  $(grep -F '[IKE]' $SS_DIR/initiate.log | tail -n2 | tr '\n' ' ')"
		fi
		kill -0 $ESPGWD_PID 2>/dev/null || break
		if [ "$FLOOD_GIVEUP" -gt 0 ] && [ $row -ge "$FLOOD_GIVEUP" ] && [ $i -lt $FLOOD_CLIENTS ]; then
			diag "$name: $row clients in a row failed: the other $((FLOOD_CLIENTS - i)) not tried"
			break
		fi
	done
	rx1=$(n $NS_FLOOD cat /sys/class/net/eth0/statistics/rx_packets)
	udp1=$(udp_stat InDatagrams) drop1=$(udp_stat RcvbufErrors)
	flood_stop
	out=$(grep '^ikeflood:' $RUNDIR/flood-$name.out)
	rate=$(sed -n 's/.* s: \([0-9]*\)\/s .*/\1/p' <<<"$out")
	r2=$(rss $ESPGWD_PID)

	diag "$name: $out" \
	     "$name: the flood namespace received $((rx1 - rx0)) packets (the gateway's answers)" \
	     "$name: gateway UDP: $((udp1 - udp0)) datagrams in, $((drop1 - drop0)) dropped at the socket" \
	     "$name: $up of $FLOOD_CLIENTS clients up within $UP_WITHIN s ($tried tried), $ping reached the inside host" \
	     "$name: espgwd VmRSS $(mb $r0) MB before the flood, $(mb $peak) MB peak, $(mb $r2) MB after"
	grep -m1 'MM1 from .* dropped' $RUNDIR/espgwd.log | sed "s/^/# $name: espgwd: /"
	stats=$(n_gw "$ESPGW" ike stats)
	diag "$name: espgw ike stats: $(tr '\n' ' ' <<<"$stats")"
	n=$(sed -n "s/^$counter: //p" <<<"$stats")
	if [ "${n:-0}" -ge $(((udp1 - udp0) / 2)) ]; then
		ok "$name: espgw ike stats counts the refused MM1s ($counter $n)"
	else
		fail "$name: espgw ike stats counts the refused MM1s in $counter" "$stats"
	fi
	if [ "${rate:-0}" -ge "$FLOOD_MIN" ]; then
		ok "$name: the flood runs at ${rate} MM1/s (at least $FLOOD_MIN)"
	else
		fail "$name: the flood runs at at least $FLOOD_MIN MM1/s" "$(cat $RUNDIR/flood-$name.out)"
	fi
	if [ $up = "$FLOOD_CLIENTS" ]; then
		ok "$name: $up of $FLOOD_CLIENTS clients up within $UP_WITHIN s each under the flood"
	else
		fail "$name: $FLOOD_CLIENTS clients up within $UP_WITHIN s each under the flood" \
			"$up of $FLOOD_CLIENTS came up ($tried tried); the last one's swanctl:" \
			"$(tail -8 $SS_DIR/initiate.log)" "--- espgwd:" "$(tail -5 $RUNDIR/espgwd.log)"
	fi
	if [ $ping = "$FLOOD_CLIENTS" ]; then
		ok "$name: every client reaches the inside host through its tunnel"
	else
		fail "$name: every client reaches the inside host through its tunnel" \
			"$ping of $FLOOD_CLIENTS did" "$(tail -3 $SS_DIR/ping.log 2>/dev/null)"
	fi
	if ! kill -0 $ESPGWD_PID 2>/dev/null; then
		fail "$name: espgwd survives the flood" "$(tail -5 $RUNDIR/espgwd.log)"
	elif [ "$peak" -lt $RSS_MAX_KB ]; then
		ok "$name: espgwd survives, VmRSS stays below $((RSS_MAX_KB / 1024)) MB ($(mb $r0) -> $(mb $peak) MB)"
	else
		fail "$name: espgwd's VmRSS stays below $((RSS_MAX_KB / 1024)) MB" \
			"$(mb $r0) MB before the flood, $(mb $peak) MB peak"
	fi
	cp $RUNDIR/espgwd.log $RUNDIR/espgwd-$name.log
	espgwd_stop
}

run one-address mm1_peer_quota -p 16
run spoofed half_open_evicted -S $SPOOF_NET
exit 0
