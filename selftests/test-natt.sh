#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ESP in UDP (RFC 3948), the data-plane half of NAT traversal, against Linux XFRM
# as the client: states with 'encap espinudp 4500 4500 0.0.0.0' on the client, espgw
# SAs with 'encap espinudp' on the gateway, and on each side a UDP 4500 socket with
# UDP_ENCAP_ESPINUDP held by selftests/natt.py (as charon and, later, espgwd hold
# theirs). Traffic both ways, only UDP 4500 on the wire, keepalives dropped, IKE to
# the socket, encapsulation mismatches refused, the MTU with the UDP header, the
# new-mapping notification (and none for a forged or replayed packet), an SPI XFRM
# owns on the gateway next to espgw's, a client behind a masquerading home router
# whose NAT rebinds, and teardown under ESP-in-UDP traffic.
source "$(dirname "$0")/lib.sh"

IPERF_SECS=${IPERF_SECS:-5}
cap=/tmp/espgw-natt.$$
NATT_TOOL=$ROOT/selftests/natt.py
trap 'natt_stop; topo_destroy; pkill -x iperf3; rm -f $cap $cap.*' EXIT
mod_load
topo_create
nat_create
natt_hold "$NS_GW" $cap.gw || fail "UDP_ENCAP socket on the gateway"
natt_hold "$NS_CLIENT" $cap.cl || fail "UDP_ENCAP socket on the client"
export NATT=1

# gw_stats KEY...: "key=value ..." of the gateway's namespace totals
gw_stats() {
	local j k out=
	j=$(n_gw "$ESPGW" -j stats)
	for k in "$@"; do
		out+="$k=$("$ROOT/selftests/pyj.py" "d['$k']" <<<"$j") "
	done
	echo "${out% }"
}

# --- what an SA's encap may be: the policy's bounds and the module's checks --------
# an outbound AES-GCM sa-new, raw (nlprobe.py), with HEX as its encap nest (18 | NLA_F_NESTED)
probe() {
	n_gw "$ROOT/selftests/nlprobe.py" send sa-new 2=00000500 3=c633640a 4=c0000201 \
		5=01000000 6=04000000 7=$(hexkey 20) ${1:+0x8012=$1}
}
E_UDP=0800010001000000 E_NONE=0800010000000000 E_BAD=0800010002000000
L4500=0600020011940000 L500=0600020001f40000 L0=0600020000000000 P4500=0600030011940000
check_match "encap: local-port 0 refused by the policy" '^ERANGE integer out of range' \
	probe $E_UDP$L0$P4500
check_match "encap: an unknown type refused by the policy" '^ERANGE integer out of range' \
	probe $E_BAD$L4500$P4500
check_match "encap espinudp without peer-port refused" '^EINVAL .*needs local-port and peer-port' \
	probe $E_UDP$L4500
check_match "encap none with a port refused" '^EINVAL .*encap none takes no ports' probe $E_NONE$L4500
check_match "encap without a type refused" '^EINVAL .*encap needs a type' probe $L4500$P4500
check_match "local-port 500 (IKE's, no non-ESP marker) refused" "^EINVAL .*local-port 500 is IKE's" \
	probe $E_UDP$L500$P4500
check_match "espgw sa add says the module's reason" "local-port 500 is IKE's" \
	n_gw "$ESPGW" sa add src $GW_OUT dst $CLIENT spi 0x600 dir out enc aes-gcm $(hexkey 20) \
		encap espinudp sport 500 dport 4500
check_match "encap none alone is plain ESP" '^0$' probe $E_NONE
check_fail "which shows no encap" bash -c "ip netns exec $NS_GW $ESPGW sa show | grep -q encap"
n_gw "$ESPGW" flush
check_match "encap espinudp with both ports accepted" '^0$' probe $E_UDP$L4500$P4500
n_gw "$ESPGW" flush

# --- traffic both ways, counters, the wire ----------------------------------------
if ! tunnel_up gcm128 >$cap.up 2>&1; then
	fail "NAT-T tunnel set up" "$(cat $cap.up)"
	exit 0
fi
cap_start $cap.wire "$NS_GW" out "host $CLIENT" || fail "tcpdump on the gateway's outside"
check "client pings the inside host through ESP in UDP" \
	n_client ping -c5 -i0.2 -W5 -I $CLIENT_VIP $INSIDE
check "inside host pings the client through ESP in UDP" \
	n_inside ping -c5 -i0.2 -W5 $CLIENT_VIP
cap_stop $cap.wire udp 20
in=$(sa_stat $SPI_IN packets) out=$(sa_stat $SPI_OUT packets)
xin=$(xfrm_packets "$NS_CLIENT" $SPI_IN) xout=$(xfrm_packets "$NS_CLIENT" $SPI_OUT)
[ "$in" = 10 ] && [ "$out" = 10 ] && [ "$xin" = 10 ] && [ "$xout" = 10 ] &&
	ok "counters agree: 10 packets each way on espgw and on XFRM" ||
	fail "counters agree" "espgw in=$in out=$out, xfrm sent=$xin received=$xout"
esp=$(cap_n $cap.wire 'ip proto 50')
udp_in=$(cap_n $cap.wire "udp and src $CLIENT and src port 4500 and dst $GW_OUT and dst port 4500")
udp_out=$(cap_n $cap.wire "udp and src $GW_OUT and src port 4500 and dst $CLIENT and dst port 4500")
[ "$esp" = 0 ] && [ "$udp_in" -ge 10 ] && [ "$udp_out" -ge 10 ] &&
	ok "the outside wire carries UDP 4500 both ways and no bare ESP" ||
	fail "only UDP 4500 on the wire" "bare ESP $esp, udp client->gw $udp_in, gw->client $udp_out"
check_match "the gateway's UDP header has checksum 0 (RFC 3948 3.1.2)" '\[no cksum\]' \
	tcpdump -r $cap.wire -n -vv -c1 "udp and src $GW_OUT"
n_inside iperf3 -s -D -1 >/dev/null 2>&1
sleep 0.5
check "${IPERF_SECS}s TCP client -> inside" n_client iperf3 -c $INSIDE -B $CLIENT_VIP -t $IPERF_SECS
n_client iperf3 -s -D -1 -B $CLIENT_VIP >/dev/null 2>&1
sleep 0.5
check "${IPERF_SECS}s TCP inside -> client" n_inside iperf3 -c $CLIENT_VIP -t $IPERF_SECS
auth=$(sa_stat $SPI_IN auth_fail) errs=$(sa_stat $SPI_OUT errors) st=$(gw_stats encap errors mapping)
[ "$auth" = 0 ] && [ "$errs" = 0 ] && [ "$st" = "encap=0 errors=0 mapping=0" ] &&
	ok "no auth failures, errors, encapsulation mismatches or new mappings under TCP" ||
	fail "clean counters under TCP" "auth_fail=$auth out errors=$errs, $st"

show=$(n_gw "$ESPGW" -o sa show | tr '\n' ' ')
grep -Eq "dir in .*encap udp $CLIENT:4500 local-port 4500 .*dir out .*encap udp $CLIENT:4500 local-port 4500 " <<<"$show" &&
	ok "espgw sa show: encap udp PEER:PORT on both SAs" || fail "espgw sa show: encap udp PEER:PORT" "$show"
show=$(n_gw "$ESPGW" -j sa show | "$ROOT/selftests/pyj.py" \
	"' '.join('%s %d %d' % (s['encap']['type'], s['encap']['local_port'], s['encap']['peer_port']) for s in d)")
[ "$show" = "espinudp 4500 4500 espinudp 4500 4500" ] && ok "espgw -j sa show: the encap object" ||
	fail "espgw -j sa show: the encap object" "$show"

# --- what the UDP_ENCAP socket does with what is not ESP --------------------------
before=$(gw_stats no_sa auth_fail trailer errors encap)
n_client timeout 5 tcpdump -i eth0 -n -l "src $GW_OUT and (udp port 4600 or icmp)" >$cap.ka 2>/dev/null &
tpid=$!
sleep 2
n_client "$NATT_TOOL" send 4600 $GW_OUT 4500 ff >/dev/null
wait $tpid
after=$(gw_stats no_sa auth_fail trailer errors encap)
[ "$before" = "$after" ] && ! grep -q "IP " $cap.ka && ! grep -q ":4600 1 ff" $cap.gw &&
	ok "a NAT keepalive (one 0xFF byte) is dropped silently: no counter, no reply, not to the socket" ||
	fail "NAT keepalive dropped silently" "counters $before -> $after" "replies: $(cat $cap.ka)" \
		"socket: $(cat $cap.gw)"
ike=00000000$(printf 'espgw-ike-test' | od -An -tx1 | tr -d ' \n')
n_client "$NATT_TOOL" send 4600 $GW_OUT 4500 $ike >/dev/null
sleep 0.5
check_match "IKE with the non-ESP marker reaches the gateway's socket" "^$CLIENT:4600 18 $ike\$" cat $cap.gw

# --- encapsulation mismatches, unknown SPIs ---------------------------------------
# on a tunnel of their own: a crafted packet moves the replay window past the client
tunnel_down
tunnel_up gcm128 >$cap.up 2>&1 || fail "NAT-T tunnel set up again" "$(cat $cap.up)"
before=$(sa_stat $SPI_IN packets)
n_client "$ROOT/selftests/espcraft.py" gcm $GW_OUT $SPI_IN 2000 $KEY_IN $CLIENT_VIP $INSIDE >/dev/null
sleep 0.5
[ "$(sa_stat $SPI_IN encap)" = 1 ] && [ "$(sa_stat $SPI_IN packets)" = "$before" ] &&
	ok "plain ESP for an SA with encap espinudp is dropped and counted (encap), as XFRM does" ||
	fail "plain ESP for a NAT-T SA dropped" "encap=$(sa_stat $SPI_IN encap) packets $before -> $(sa_stat $SPI_IN packets)"
natt_hold "$NS_GW" $cap.gw2 4501 || fail "a second UDP_ENCAP socket on the gateway, on 4501"
n_client "$NATT_TOOL" gcm 4500 $GW_OUT:4501 $SPI_IN 2001 $KEY_IN $CLIENT_VIP $INSIDE >/dev/null
sleep 0.5
[ "$(sa_stat $SPI_IN encap)" = 2 ] && [ "$(sa_stat $SPI_IN packets)" = "$before" ] &&
	ok "ESP in UDP to another port than the SA's local one is dropped (encap)" ||
	fail "ESP in UDP to port 4501 dropped" "encap=$(sa_stat $SPI_IN encap) packets $before -> $(sa_stat $SPI_IN packets)"
n_client "$NATT_TOOL" gcm 4500 $GW_OUT $SPI_IN 2002 $KEY_IN $CLIENT_VIP $INSIDE >/dev/null
sleep 0.5
[ "$(sa_stat $SPI_IN packets)" = $((before + 1)) ] &&
	ok "the same packet in UDP to 4500 is accepted (the crafting is sound)" ||
	fail "crafted ESP in UDP accepted" "packets $before -> $(sa_stat $SPI_IN packets)"
n_client "$NATT_TOOL" junk 4500 $GW_OUT 0xdead >/dev/null
sleep 0.5
[ "$(ns_stat no_sa)" = 1 ] && ok "ESP in UDP for an unknown SPI is dropped and counted (no_sa)" ||
	fail "unknown SPI in UDP counted" "no_sa=$(ns_stat no_sa)"

tunnel_down
tunnel_up gcm128 >$cap.up 2>&1 || fail "NAT-T tunnel set up again" "$(cat $cap.up)"

# --- MTU: 1500 - 20 (IP) - 8 (UDP) - 8 (ESP) - 8 (IV) - 16 (ICV), 4-aligned, - 2 = 1438 --
n_inside ip route flush cache	# what TCP taught the inside host above
check_match "ping -M do -s 1472 from inside gets frag-needed with the NAT-T tunnel MTU" \
	'mtu = 1438' n_inside ping -M do -s 1472 -c1 -W3 $CLIENT_VIP
check "a DF packet that fits (1438 bytes) crosses" n_inside ping -M do -s 1410 -c1 -W5 $CLIENT_VIP
n_inside ip route flush cache	# so that the next one reaches the gateway too
check_fail "one of 1439 bytes does not" n_inside ping -M do -s 1411 -c1 -W2 $CLIENT_VIP
[ "$(sa_stat $SPI_OUT mtu)" -ge 2 ] && ok "too-big packets are counted (mtu)" ||
	fail "too-big packets are counted (mtu)" "mtu=$(sa_stat $SPI_OUT mtu)"
# the path toward the client narrows: the ISP's frag-needed for our ESP in UDP goes to
# the UDP socket, which learns the path MTU; espgw's tunnel MTU follows it
n_isp ip link set c0 mtu 1400
n_inside ping -M do -s 1410 -c1 -W2 $CLIENT_VIP >/dev/null 2>&1	# too big on the ISP's link
check_match "the path MTU learnt through the UDP socket lowers the tunnel MTU (1400 -> 1338)" \
	'mtu = 1338' n_inside ping -M do -s 1410 -c1 -W3 $CLIENT_VIP
check "a DF packet of 1338 bytes crosses the narrower path" \
	n_inside ping -M do -s 1310 -c1 -W5 $CLIENT_VIP
n_isp ip link set c0 mtu 1500
n_gw ip route flush cache
n_inside ip route flush cache

# --- new mapping: never for a forged or replayed packet, once for a real move -----
n_gw "$ESPGW" -j monitor >$cap.ev 2>&1 &
mpid=$!
n_gw "$ESPGW" monitor >$cap.evt 2>&1 &
mtpid=$!
sleep 1
n_gw timeout 20 tcpdump -i out -n -c 3 -w $cap.rp "udp and src $CLIENT and dst port 4500" 2>/dev/null &
tpid=$!
sleep 2
n_client ping -c6 -i0.3 -W5 -I $CLIENT_VIP $INSIDE >/dev/null	# tcpdump keeps the first 3
wait $tpid
auth=$(sa_stat $SPI_IN auth_fail)
n_client "$NATT_TOOL" junk 4502 $GW_OUT $SPI_IN >/dev/null
sleep 1.5	# past the rate limit: a wrong notification here could not hide the next one
replay=$(sa_stat $SPI_IN replay)
sent=$(n_client "$NATT_TOOL" replay $cap.rp $GW_OUT 4503)
sleep 1.5
[ "$(sa_stat $SPI_IN auth_fail)" = $((auth + 1)) ] && [ "$sent" = 3 ] &&
	[ "$(sa_stat $SPI_IN replay)" = $((replay + 3)) ] &&
	ok "from new ports: a packet with a bad ICV fails, 3 replayed ones are replays" ||
	fail "bad ICV and replays from new ports dropped" \
		"auth_fail $auth -> $(sa_stat $SPI_IN auth_fail), sent $sent, replay $replay -> $(sa_stat $SPI_IN replay)"
# the client's NAT moves it to port 4501: its outbound state's encap changes, its
# sequence numbers go on
alg_params gcm128
XFRM_VERB=update XFRM_ENCAP="encap espinudp 4501 4500 0.0.0.0" \
	xfrm_state "$NS_CLIENT" $CLIENT $GW_OUT $SPI_IN "$KEY_IN" "" ||
	fail "client's state moved to source port 4501"
check "the client pings from port 4501 (the gateway still answers to 4500)" \
	n_client ping -c5 -i0.2 -W5 -I $CLIENT_VIP $INSIDE
sleep 1
kill $mpid $mtpid
wait $mpid $mtpid 2>/dev/null
maps=$("$ROOT/selftests/pyj.py" -l "' '.join('%s:%d>%s:%d' % (e['sa']['src'], e['sa']['encap']['peer_port'], e['sa']['mapping_addr'], e['sa']['mapping_port']) for e in d if e['event'] == 'new-mapping')" <$cap.ev 2>&1)
[ "$maps" = "$CLIENT:4500>$CLIENT:4501" ] &&
	ok "one new-mapping notification ($CLIENT:4500 -> 4501), none for the forged or replayed packets" ||
	fail "one new-mapping notification" "got: $maps" "$(cat $cap.ev)"
[ "$(ns_stat mapping)" = 1 ] && ok "espgw stats counts it (mapping 1)" ||
	fail "espgw stats counts the new mapping" "mapping=$(ns_stat mapping)"
check_match "espgw monitor prints it in text" \
	"^new-mapping sa src $CLIENT dst $GW_OUT spi 0x00001001 dir in encap udp $CLIENT:4500 local-port 4500 from $CLIENT:4501\$" \
	cat $cap.evt
tunnel_down

diag "XFRM next to espgw at $(date +%T)"
# --- an SPI XFRM owns on the gateway, next to espgw's ------------------------------
client_add 2
CL2=$(client_addr 2) NS2=$(client_ns 2) VIP2=10.2.1.2
natt_hold "$NS2" $cap.cl2 || fail "UDP_ENCAP socket on client 2"
tunnel_up gcm128 >$cap.up 2>&1 || fail "espgw NAT-T tunnel set up" "$(cat $cap.up)"
k1=$(hexkey 20) k2=$(hexkey 20)
xs() {	# NS SRC DST SPI KEY: an XFRM NAT-T state with AES-GCM
	n "$1" ip xfrm state add src "$2" dst "$3" proto esp spi "$4" mode tunnel reqid 2 \
		replay-window 64 aead 'rfc4106(gcm(aes))' 0x"$5" 128 encap espinudp 4500 4500 0.0.0.0
}
xp() {	# NS SRC DST DIR TSRC TDST
	n "$1" ip xfrm policy add src "$2" dst "$3" dir "$4" \
		tmpl src "$5" dst "$6" proto esp mode tunnel reqid 2
}
if xs "$NS_GW" $CL2 $GW_OUT 0x3001 $k1 && xs "$NS_GW" $GW_OUT $CL2 0x4001 $k2 &&
   xp "$NS_GW" $INSIDE_NET $VIP2/32 out $GW_OUT $CL2 &&
   xp "$NS_GW" $VIP2/32 $INSIDE_NET fwd $CL2 $GW_OUT &&
   xs "$NS2" $CL2 $GW_OUT 0x3001 $k1 && xs "$NS2" $GW_OUT $CL2 0x4001 $k2 &&
   n "$NS2" ip addr add $VIP2/32 dev lo &&
   n "$NS2" ip route add $INSIDE_NET via 198.51.100.254 src $VIP2 &&
   xp "$NS2" $VIP2/32 $INSIDE_NET out $CL2 $GW_OUT &&
   xp "$NS2" $INSIDE_NET $VIP2/32 in $GW_OUT $CL2; then
	ok "XFRM NAT-T SAs on the gateway for client 2"
else
	fail "XFRM NAT-T SAs on the gateway for client 2"
fi
nosa=$(ns_stat no_sa)
check "client 2 (XFRM on the gateway, SPI 0x3001) pings the inside host" \
	n "$NS2" ping -c3 -i0.2 -W5 -I $VIP2 $INSIDE
check "client 1 (espgw, SPI 0x1001) pings it at the same time" \
	n_client ping -c3 -i0.2 -W5 -I $CLIENT_VIP $INSIDE
gx=$(xfrm_packets "$NS_GW" 0x3001) ein=$(sa_stat $SPI_IN packets)
[ "$gx" = 3 ] && [ "$ein" = 3 ] && [ "$(ns_stat no_sa)" = "$nosa" ] &&
	ok "each took its own: XFRM 3 packets on 0x3001, espgw 3 on 0x1001, no no_sa" ||
	fail "XFRM and espgw each take their SPIs" "xfrm 0x3001=$gx, espgw=$ein, no_sa $nosa -> $(ns_stat no_sa)"
n_gw ip xfrm policy flush
n_gw ip xfrm state flush
tunnel_down

# --- a client behind a masquerading home router, whose NAT rebinds ------------------
# client 3's namespace is the router (home_add: 198.51.100.12 outside, 192.168.1.1
# inside), the laptop behind it 192.168.1.10
home_add 3 10
LAPTOP=$(home_ns 10)
natt_hold $LAPTOP $cap.lap || fail "UDP_ENCAP socket on the laptop"
if TUN_NS=$LAPTOP TUN_ADDR=192.168.1.10 TUN_PEER=$HOME_OUT tunnel_up gcm128 >$cap.up 2>&1; then
	ok "NAT-T tunnel to the laptop behind the home router (peer $HOME_OUT:4500)"
else
	fail "NAT-T tunnel to the laptop behind the home router" "$(cat $cap.up)"
fi
check "the laptop pings the inside host through its router's masquerade" \
	n $LAPTOP ping -c3 -i0.2 -W5 -I $CLIENT_VIP $INSIDE
check "the inside host pings the laptop" n_inside ping -c3 -i0.2 -W5 $CLIENT_VIP
check_match "the router translated the laptop's UDP 4500 (conntrack)" \
	"src=192.168.1.10 dst=$GW_OUT sport=4500 dport=4500 .*src=$GW_OUT dst=$HOME_OUT sport=4500 dport=4500" \
	n "$HOME_NS" conntrack -L -p udp
# the NAT rebinds: the router forgets its mappings and now maps to 40000-40999
home_rebind 40000-40999 || fail "the home router rebinds"
n_gw "$ESPGW" -j monitor >$cap.ev2 2>&1 &
mpid=$!
sleep 1
n $LAPTOP ping -c3 -i0.3 -W2 -I $CLIENT_VIP $INSIDE >/dev/null 2>&1	# answers go to the old port
sleep 1
kill $mpid
wait $mpid 2>/dev/null
port=$("$ROOT/selftests/pyj.py" -l "' '.join(str(e['sa']['mapping_port']) for e in d if e['event'] == 'new-mapping' and e['sa']['mapping_addr'] == '$HOME_OUT')" <$cap.ev2 2>&1)
if [ -n "$port" ] && [ "$port" -ge 40000 ] && [ "$port" -le 40999 ]; then
	ok "the rebinding shows as one new mapping, $HOME_OUT:4500 -> $port"
else
	fail "the rebinding shows as one new mapping" "got: '$port'" "$(cat $cap.ev2)"
	port=4500
fi
# what espgwd will do with it: the same keys, the SAs re-installed toward the new port
alg_params gcm128
n_gw "$ESPGW" sa delete dst $GW_OUT spi $SPI_IN
n_gw "$ESPGW" sa delete dst $HOME_OUT spi $SPI_OUT
printf '%s\n' $KEY_IN | n_gw "$ESPGW" sa add src $HOME_OUT dst $GW_OUT spi $SPI_IN dir in \
	enc $ENC @- sel src $INSIDE_NET dst $CLIENT_VIP/32 encap espinudp sport $port dport 4500
printf '%s\n' $KEY_OUT | n_gw "$ESPGW" sa add src $GW_OUT dst $HOME_OUT spi $SPI_OUT dir out \
	enc $ENC @- encap espinudp sport 4500 dport $port
# a new outbound SA starts its sequence numbers again: the laptop's inbound state
# must be new too (sa-set, which keeps them, is what espgwd does: test-natt-ike.sh)
n $LAPTOP ip xfrm state delete src $GW_OUT dst 192.168.1.10 proto esp spi $SPI_OUT
XFRM_ENCAP="encap espinudp 4500 4500 0.0.0.0" \
	xfrm_state $LAPTOP $GW_OUT 192.168.1.10 $SPI_OUT "$KEY_OUT" ""
check "after the SAs follow the mapping, the inside host pings the laptop again" \
	n_inside ping -c3 -i0.2 -W5 $CLIENT_VIP
check "and the laptop the inside host" n $LAPTOP ping -c3 -i0.2 -W5 -I $CLIENT_VIP $INSIDE
TUN_NS=$LAPTOP tunnel_down
ip netns del $LAPTOP

# --- teardown under ESP-in-UDP traffic (the VM runner checks dmesg) ----------------
flow() {
	tunnel_up "$1" >/dev/null 2>&1 || return 1
	n_client iperf3 -s -D -1 -B $CLIENT_VIP >/dev/null 2>&1
	sleep 0.5
	n_inside timeout 30 iperf3 -c $CLIENT_VIP -t 15 >/dev/null 2>&1 &
	sleep 3
	[ "$(sa_stat $SPI_OUT packets)" -gt 0 ]
}
# end flow's iperf3 (not a job of ours: check runs flow in a subshell); once its SAs
# are gone it would wait for its timeout
flow_end() {
	pkill -f "iperf3 -c $CLIENT_VIP"
	for _ in $(seq 40); do
		pgrep -f "iperf3 -c $CLIENT_VIP" >/dev/null || return 0
		sleep 0.5
	done
}
diag "teardown at $(date +%T)"
check "ESP-in-UDP traffic flows before the SA is deleted" flow gcm128
check "delete the outbound NAT-T SA under traffic" n_gw "$ESPGW" sa delete dst $CLIENT spi $SPI_OUT
check "delete the inbound one under traffic" n_gw "$ESPGW" sa delete dst $GW_OUT spi $SPI_IN
check "flush everything under traffic" n_gw "$ESPGW" flush
flow_end
tunnel_down
check "ESP-in-UDP traffic flows before rmmod" flow aes128-sha1
check "rmmod espgw under ESP-in-UDP traffic (the UDP_ENCAP socket stays open)" rmmod espgw
check_fail "module is gone" mod_loaded
flow_end
n_client ip xfrm policy flush
n_client ip xfrm state flush
check "insmod again" mod_load
check "a NAT-T tunnel works after the reload" flow chacha
flow_end
tunnel_down
exit 0
