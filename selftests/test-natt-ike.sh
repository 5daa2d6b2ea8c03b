#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT traversal with real IKEv1 clients: espgwd (RFC 3947 NAT-D, the float to UDP
# 4500, UDP-encapsulated Quick Mode, keepalives, following a new mapping) and
# espgw.ko's ESP in UDP, against strongSwan 5.9.8 and libreswan 4.10 behind a home
# router that masquerades 192.168.1.0/24 (home_add: client 3's namespace, outside
# 198.51.100.12), and against a client outside while the gateway sits behind its
# provider's port-forwarding NAT.
#
#   1. pull from the pool: the public mapping and nat "peer" in 'ike show', encap udp
#      on both SAs, ping and TCP both ways, the inside host sees the pool address, the
#      router's WAN carries only UDP 500/4500 for the client (no ESP, no clear text),
#      the gateway's 1-byte keepalives every 5 s ('crypto isakmp nat keepalive 5'),
#      then the client's DELETE over 4500 leaves nothing
#   2. push (SET/ACK), then 'espgw ike clear' leaves nothing and tells the client
#   3. libreswan (pluto, modecfgpull) behind the router
#   4. two strongSwan clients behind the one public address at once; one leaves, the
#      other keeps working
#   5. the router rebinds (conntrack -F, new port range): the client's next packet
#      moves its SAs to the new port, no new Main Mode
#   6. the gateway behind a provider router that forwards UDP 500/4500 to it: nat
#      "local", ping both ways
#
# SELFTESTS_LOGS=DIR keeps espgwd's, charon's and pluto's logs of each part in
# DIR/natt-ike.
source "$(dirname "$0")/lib.sh"

cap=$RUNDIR/cap
KEEP=$RUNDIR/keep
# keep NAME: this part's logs (espgwd, every charon, pluto) into $KEEP/NAME
keep() {
	local d=$KEEP/$1 s
	mkdir -p "$d"
	cp $RUNDIR/espgwd.log "$d/" 2>/dev/null
	for s in $RUNDIR/ss*; do
		[ -f "$s/charon.log" ] && cp "$s/charon.log" "$d/charon-$(basename "$s").log"
	done
	cp $LS_DIR/pluto.log $LS_DIR/*.out "$d/" 2>/dev/null
	return 0
}
keep_logs() {
	[ -n "${SELFTESTS_LOGS:-}" ] && [ -d "$KEEP" ] || return 0
	mkdir -p "$SELFTESTS_LOGS/natt-ike"
	cp -r "$KEEP"/. "$SELFTESTS_LOGS/natt-ike/"
	cp $cap.* "$SELFTESTS_LOGS/natt-ike/" 2>/dev/null
	return 0
}
trap 'cap_stop; ss_stop_all KILL; ls_stop KILL; espgwd_stop; keep_logs; topo_destroy; rm -rf $RUNDIR' EXIT
mod_load
topo_create
mkdir -p $RUNDIR
export SS_INSTALL_VIP=yes
# the home router (client 3, $HOME_NS at $HOME_OUT) with hosts 192.168.1.10 and .11
home_add 3 10 11

P1=" encryption aes 128
 hash sha
 authentication pre-share
 group 14"
TSET="crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac"
POOL="ip local pool ourpool 10.2.1.1 10.2.1.254
crypto isakmp client configuration address-pool local ourpool
crypto isakmp nat keepalive 5"
PULL="crypto map intmap client configuration address respond"
PUSH="crypto map intmap client configuration address initiate"
IKE=aes128-sha1-modp2048 ESP=aes128-sha1
GW_LOCAL=$GW_OUT	# the gateway's own address (its provider's NAT changes it in part 6)

# ---- helpers -------------------------------------------------------------------------
pyj() { "$ROOT/selftests/pyj.py" "$@"; }
ikej() { "$ESPGW" -j ike show | pyj "$1"; }
policies() { n_gw "$ESPGW" -j policy show | pyj "len(d)"; }
isakmp_sas() { ikej "len(d)"; }
# mapping VIP: "ADDR:PORT NAT" of the ISAKMP SA that leased VIP
mapping() {
	ikej "' '.join('%s:%d %s' % (s['src'], s['src_port'], s['nat']) for s in d if s['lease'] == '$1')"
}
# sa_lines: the kernel's SAs, one line each: "DIR SRC>DST ENCAP LOCAL-PORT PEER-PORT"
sa_lines() {
	n_gw "$ESPGW" -j sa show | pyj "'\n'.join('%s %s>%s %s %s %s' % (s['dir'], s['src'], s['dst'],
		s.get('encap', {}).get('type'), s.get('encap', {}).get('local_port'),
		s.get('encap', {}).get('peer_port')) for s in d)" | sort
}
# sa_expect ADDR:PORT...: the lines sa_lines should print for ESP in UDP with each
sa_expect() {
	local pp
	for pp; do
		echo "in ${pp%:*}>$GW_LOCAL espinudp 4500 ${pp#*:}"
		echo "out $GW_LOCAL>${pp%:*} espinudp 4500 ${pp#*:}"
	done | sort
}
# gone: no SA, policy or ISAKMP SA left (waited for up to 5 s)
gone() {
	for _ in $(seq 25); do
		[ "$(kernel_sas)" = 0 ] && [ "$(policies)" = 0 ] && [ "$(isakmp_sas)" = 0 ] && return 0
		sleep 0.2
	done
	n_gw "$ESPGW" sa show
	n_gw "$ESPGW" policy show
	"$ESPGW" ike show
	return 1
}
established() { grep -c 'ISAKMP SA [0-9]* established' $RUNDIR/espgwd.log; }
why() {
	printf '%s\n' "--- client:" "$(tail -12 "$1")" "--- espgwd:" "$(tail -15 $RUNDIR/espgwd.log)"
}

KEEPALIVE="udp and src $GW_OUT and src port 4500 and udp[4:2] = 9 and udp[8] = 0xff"

# traffic NAME VIP: pings both ways between the client ($SS_NS or LS_NS) and the inside host
traffic() {
	local name=$1 vip=$2 ns=${3:-$SS_NS}
	check "$name: the client pings the inside host from $vip" \
		n "$ns" ping -c3 -i0.3 -W5 -I "$vip" $INSIDE
	check "$name: the inside host pings $vip" n_inside ping -c3 -i0.3 -W5 "$vip"
}

# nat_up NAME VIP: what 'espgw -j ike show' says of the ISAKMP SA of VIP, a client
# behind the home router: the router's address, a port not 500, nat peer; the port
# in PORT
nat_up() {
	local name=$1 vip=$2 m
	m=$(mapping "$vip")
	if [[ $m =~ ^$HOME_OUT:([0-9]+)\ peer$ ]] && [ "${BASH_REMATCH[1]}" != 500 ]; then
		PORT=${BASH_REMATCH[1]}
		ok "$name: espgw -j ike show: the public mapping $HOME_OUT:$PORT, nat peer"
	else
		fail "$name: espgw -j ike show: the router's address, a port not 500, nat peer" \
			"got '$m'" "$("$ESPGW" -j ike show)"
		PORT=4500
	fi
}

# ---- 1. strongSwan behind the home router, Mode-Config pull ---------------------------
diag "1. pull, behind the home router, at $(date +%T)"
if ! espgwd_start "$(gw_conf "$P1" "$TSET" "$POOL
$PULL")"; then
	fail "espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
	exit 0
fi
cap_start $cap.wan1 "$HOME_NS" eth0 || fail "tcpdump on the router's WAN"
ss_use lan10
ss_start $IKE $ESP "" "		vips = 0.0.0.0
		pull = yes"
if ss_up; then
	ok "pull: strongSwan at $SS_ADDR behind the home router brings the tunnel up"
else
	fail "pull: strongSwan at $SS_ADDR behind the home router brings the tunnel up" \
		"$(why $SS_DIR/initiate.log)"
fi
t_up=$SECONDS
VIP=$(ikej "d[0]['lease']" 2>/dev/null)
[[ $VIP =~ ^10\.2\.1\.[0-9]+$ ]] && ok "pull: espgwd leased $VIP from the pool" ||
	{ fail "pull: espgwd leased an address from the pool" "$("$ESPGW" ike show)"; VIP=10.2.1.1; }
check_match "pull: the client pulled it (REQUEST, REPLY $VIP)" \
	"Mode-Config REQUEST from $HOME_OUT: REPLY $VIP\$" cat $RUNDIR/espgwd.log
check_match "pull: the client holds $VIP" "inet $VIP/" n_ss ip -4 addr show
nat_up pull "$VIP"
P10=$PORT
check_match "pull: espgw ike show prints the mapping" "^$GW_OUT +$HOME_OUT:$P10 +QM_IDLE .* $VIP\$" \
	"$ESPGW" ike show
check_match "pull: espgwd saw the client's NAT in Main Mode (NAT-D)" \
	"NAT-T with $HOME_OUT: NAT peer, ESP in UDP" cat $RUNDIR/espgwd.log
check_match "pull: espgwd followed the client's float to 4500 (MM5)" \
	"$HOME_OUT:500 is now $HOME_OUT:$P10 \\(to our port 4500\\)" cat $RUNDIR/espgwd.log
sas=$(sa_lines) exp=$(sa_expect "$HOME_OUT:$P10")
[ "$sas" = "$exp" ] && ok "pull: espgw -j sa show: encap espinudp 4500 <-> $HOME_OUT:$P10 on both SAs" ||
	fail "pull: espgw -j sa show: encap espinudp on both SAs" "expected:" "$exp" "got:" "$sas"
check_match "pull: espgw sa show: encap udp $HOME_OUT:$P10" \
	"^\s+encap udp $HOME_OUT:$P10 local-port 4500$" n_gw "$ESPGW" sa show

n_inside timeout 20 tcpdump -i eth0 -n -l -c 1 "icmp[icmptype] == icmp-echo" >$cap.inside 2>/dev/null &
tpid=$!
sleep 2
traffic pull "$VIP"
wait $tpid
check_match "pull: the inside host sees the pool address $VIP as the source" \
	"IP $VIP > $INSIDE: ICMP echo request" cat $cap.inside
n_inside iperf3 -s -D -1 >/dev/null 2>&1
sleep 0.5
check "pull: TCP client -> inside (iperf3, 3 s)" n_ss timeout 30 iperf3 -c $INSIDE -B "$VIP" -t 3
n_ss iperf3 -s -D -1 -B "$VIP" >/dev/null 2>&1
sleep 0.5
check "pull: TCP inside -> client (iperf3, 3 s)" n_inside timeout 30 iperf3 -c "$VIP" -t 3
# two keepalive periods and a bit since the tunnel came up
while [ $((SECONDS - t_up)) -lt 12 ]; do sleep 1; done
cap_stop
n=$(cap_n $cap.wan1 "$KEEPALIVE and dst $HOME_OUT")
gaps=$(tcpdump -r $cap.wan1 -n -tt "$KEEPALIVE" 2>/dev/null |
	awk '{ if (p) printf "%.1f ", $1 - p; p = $1 }')
diag "keepalives: $n, seconds apart: $gaps"
[ "$n" -ge 2 ] && ok "pull: the router's WAN sees the gateway's 1-byte keepalives from 4500 every 5 s ($n)" ||
	fail "pull: the gateway's keepalives on the router's WAN" "$n in $((SECONDS - t_up)) s" \
		"$(tcpdump -r $cap.wan1 -n 'udp and src '$GW_OUT 2>/dev/null | tail -5)"
esp=$(cap_n $cap.wan1 "ip proto 50")
other=$(cap_n $cap.wan1 "ip and not (udp port 500 or udp port 4500)")
clear=$(cap_n $cap.wan1 "net 10.2.0.0/16")
u500=$(cap_n $cap.wan1 "udp and host $GW_OUT and port 500")
in4500=$(cap_n $cap.wan1 "udp and src $HOME_OUT and src port $P10 and dst $GW_OUT and dst port 4500 and udp[4:2] > 9")
out4500=$(cap_n $cap.wan1 "udp and src $GW_OUT and src port 4500 and dst $HOME_OUT and dst port $P10 and udp[4:2] > 9")
[ "$esp" = 0 ] && [ "$other" = 0 ] && [ "$clear" = 0 ] && [ "$u500" -ge 4 ] &&
	[ "$in4500" -ge 100 ] && [ "$out4500" -ge 100 ] &&
	ok "pull: the router's WAN carries only UDP 500 (Main Mode) and 4500 for the client" ||
	fail "pull: only UDP 500/4500 on the router's WAN" "ESP $esp, other IP $other," \
		"clear text to/from 10.2/16 $clear, UDP 500 $u500, 4500 in $in4500 out $out4500" \
		"$(tcpdump -r $cap.wan1 -n 'ip and not (udp port 500 or udp port 4500)' 2>/dev/null | head -5)"

# the client disconnects: its DELETEs come over 4500 and remove everything
cap_start $cap.wan1del "$HOME_NS" eth0 "udp and dst $GW_OUT" || fail "tcpdump on the router's WAN"
check "pull: the client disconnects (swanctl --terminate)" ss_down
check "pull: no SA, policy or ISAKMP SA left in the kernel and espgwd" gone
cap_stop
check_match "pull: espgwd took the client's DELETE" "ISAKMP SA [0-9]+: $HOME_OUT deleted it" \
	cat $RUNDIR/espgwd.log
n=$(cap_n $cap.wan1del "dst port 4500 and udp[4:2] > 9") n500=$(cap_n $cap.wan1del "port 500")
[ "$n" -ge 2 ] && [ "$n500" = 0 ] && ok "pull: the DELETEs came in UDP 4500 ($n), none to 500" ||
	fail "pull: the DELETEs came in UDP 4500" "to 4500: $n, to 500: $n500"
ss_stop
keep 1-pull
espgwd_stop

# ---- 2. push, then espgw ike clear ----------------------------------------------------
diag "2. push at $(date +%T)"
if espgwd_start "$(gw_conf "$P1" "$TSET" "$POOL
$PUSH")"; then
	ss_start $IKE $ESP "" "		vips = 0.0.0.0
		pull = no"
	if ss_up; then
		ok "push: strongSwan behind the home router brings the tunnel up"
	else
		fail "push: strongSwan behind the home router brings the tunnel up" \
			"$(why $SS_DIR/initiate.log)"
	fi
	VIP=$(ikej "d[0]['lease']" 2>/dev/null)
	[[ $VIP =~ ^10\.2\.1\.[0-9]+$ ]] && ok "push: espgwd leased $VIP from the pool" ||
		{ fail "push: espgwd leased an address" "$("$ESPGW" ike show)"; VIP=10.2.1.1; }
	check_match "push: espgwd sent SET" "Mode-Config SET $VIP sent" cat $RUNDIR/espgwd.log
	check_match "push: the client's ACK came" "Mode-Config ACK from $HOME_OUT" cat $RUNDIR/espgwd.log
	check_match "push: the client holds $VIP" "inet $VIP/" n_ss ip -4 addr show
	nat_up push "$VIP"
	port=$PORT
	sas=$(sa_lines) exp=$(sa_expect "$HOME_OUT:$port")
	[ "$sas" = "$exp" ] && ok "push: encap espinudp on both SAs" ||
		fail "push: encap espinudp on both SAs" "expected:" "$exp" "got:" "$sas"
	traffic push "$VIP"
	check_match "push: espgw ike clear clears one ISAKMP SA" "^cleared 1 ISAKMP SAs$" "$ESPGW" ike clear
	check "push: after ike clear no SA, policy or ISAKMP SA is left" gone
	sleep 1
	check_match "push: the client was told (DELETE for its IKE_SA, through the NAT)" \
		'received DELETE for IKE_SA gw' cat $SS_DIR/charon.log
	ss_stop
	keep 2-push
	espgwd_stop
else
	fail "push: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
fi

# ---- 3. libreswan behind the home router ---------------------------------------------
diag "3. libreswan at $(date +%T)"
LS_NS=$(home_ns 10) LS_ADDR=$(home_addr 10)
export LS_NS LS_ADDR
if ! espgwd_start "$(gw_conf "$P1" "$TSET" "$POOL
$PULL")"; then
	fail "libreswan: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
elif ! ls_start "aes128-sha1;modp2048" aes128-sha1 >$RUNDIR/ls_start.out 2>&1; then
	fail "libreswan: pluto starts behind the home router" "$(cat $RUNDIR/ls_start.out)"
	espgwd_stop
else
	if ls_up; then
		ok "libreswan: pluto at $LS_ADDR behind the home router brings the tunnel up"
	else
		fail "libreswan: pluto behind the home router brings the tunnel up" \
			"$(grep -v ': | ' $LS_DIR/pluto.log | tail -12)" "--- espgwd:" \
			"$(tail -15 $RUNDIR/espgwd.log)"
	fi
	VIP=$(ikej "d[0]['lease']" 2>/dev/null)
	[[ $VIP =~ ^10\.2\.1\.[0-9]+$ ]] && ok "libreswan: espgwd leased $VIP" ||
		{ fail "libreswan: espgwd leased an address" "$("$ESPGW" ike show)"; VIP=10.2.1.1; }
	check_match "libreswan: pluto pulled it" "Mode-Config REQUEST from $HOME_OUT: REPLY $VIP\$" \
		cat $RUNDIR/espgwd.log
	check_match "libreswan: pluto saw its NAT" 'NAT-Traversal: Result using .*: I am behind NAT' \
		cat $LS_DIR/pluto.log
	nat_up libreswan "$VIP"
	port=$PORT
	sas=$(sa_lines) exp=$(sa_expect "$HOME_OUT:$port")
	[ "$sas" = "$exp" ] && ok "libreswan: encap espinudp on both SAs" ||
		fail "libreswan: encap espinudp on both SAs" "expected:" "$exp" "got:" "$sas"
	traffic libreswan "$VIP" "$LS_NS"
	check "libreswan: pluto disconnects (ipsec auto --down)" ls_down
	check "libreswan: no SA, policy or ISAKMP SA left" gone
	ls_stop
	keep 3-libreswan
	espgwd_stop
fi

# ---- 4. two strongSwan clients behind one public address ------------------------------
diag "4. two clients at $(date +%T)"
if ! espgwd_start "$(gw_conf "$P1" "$TSET" "$POOL
$PULL")"; then
	fail "two clients: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
	exit 0
fi
for h in 10 11; do
	ss_use lan$h
	ss_start $IKE $ESP "" "		vips = 0.0.0.0
		pull = yes"
	if ss_up; then
		ok "two clients: 192.168.1.$h brings its tunnel up"
	else
		fail "two clients: 192.168.1.$h brings its tunnel up" "$(why $SS_DIR/initiate.log)"
	fi
done
leases=$(ikej "' '.join(sorted(s['lease'] or '-' for s in d))")
# each client's lease: the address it holds
ss_use lan10
V10=$(n_ss ip -4 -o addr show | sed -n 's/.* inet \(10\.2\.1\.[0-9]*\)\/.*/\1/p' | head -n1)
ss_use lan11
V11=$(n_ss ip -4 -o addr show | sed -n 's/.* inet \(10\.2\.1\.[0-9]*\)\/.*/\1/p' | head -n1)
if [ -n "$V10" ] && [ -n "$V11" ] && [ "$V10" != "$V11" ] &&
   [ "$leases" = "$(printf '%s\n' "$V10" "$V11" | sort | tr '\n' ' ' | sed 's/ $//')" ]; then
	ok "two clients: two leases ($V10, $V11), each client holds its own"
else
	fail "two clients: two leases" "espgwd: '$leases', .10 holds '$V10', .11 '$V11'" \
		"$("$ESPGW" ike show)"
fi
nat_up ".10" "$V10"
P10=$PORT
nat_up ".11" "$V11"
P11=$PORT
[ "$P10" != "$P11" ] && ok "two clients: two public ports of one address ($P10, $P11)" ||
	fail "two clients: two public ports" "$P10 and $P11"
sas=$(sa_lines) exp=$(sa_expect "$HOME_OUT:$P10" "$HOME_OUT:$P11")
[ "$sas" = "$exp" ] && ok "two clients: four SAs, each pair to its client's port" ||
	fail "two clients: four SAs, each pair to its client's port" "expected:" "$exp" "got:" "$sas"
ss_use lan10
traffic ".10" "$V10"
ss_use lan11
traffic ".11" "$V11"
check ".11 disconnects (swanctl --terminate)" ss_down
sleep 1
[ "$(kernel_sas)" = 2 ] && [ "$(policies)" = 1 ] && [ "$(isakmp_sas)" = 1 ] &&
	ok "two clients: .11's SAs, policy and ISAKMP SA are gone, .10's stay" ||
	fail "two clients: only .11's SAs go" "$(n_gw "$ESPGW" sa show)" "$("$ESPGW" ike show)"
sas=$(sa_lines) exp=$(sa_expect "$HOME_OUT:$P10")
[ "$sas" = "$exp" ] && ok "two clients: the SAs left are .10's" ||
	fail "two clients: the SAs left are .10's" "expected:" "$exp" "got:" "$sas"
ss_use lan10
traffic ".10 after .11 left" "$V10"
ss_use lan11
ss_stop

# ---- 5. the home router's NAT rebinds ---------------------------------------------------
diag "5. rebinding at $(date +%T)"
ss_use lan10
mm=$(established) maps=$(ns_stat mapping)
check "rebinding: the router forgets its mappings and maps UDP to 40000-40999" home_rebind
# the first echo request from the new port tells the gateway; its reply may still
# go to the old one
n_ss ping -c2 -i0.5 -W2 -I "$V10" $INSIDE >$cap.nudge 2>&1
diag "first pings after the rebinding: $(grep -o '[0-9]* received' $cap.nudge)"
sleep 1
check "rebinding: the client pings the inside host again" n_ss ping -c3 -i0.3 -W5 -I "$V10" $INSIDE
check "rebinding: the inside host pings the client again" n_inside ping -c3 -i0.3 -W5 "$V10"
m=$(mapping "$V10")
if [[ $m =~ ^$HOME_OUT:([0-9]+)\ peer$ ]] && [ "${BASH_REMATCH[1]}" -ge 40000 ] &&
   [ "${BASH_REMATCH[1]}" -le 40999 ]; then
	NP=${BASH_REMATCH[1]}
	ok "rebinding: espgw ike show has the new port ($HOME_OUT:$NP)"
else
	fail "rebinding: espgw ike show has the new port" "got '$m'" "$(tail -8 $RUNDIR/espgwd.log)"
	NP=$P10
fi
sas=$(sa_lines) exp=$(sa_expect "$HOME_OUT:$NP")
[ "$sas" = "$exp" ] && ok "rebinding: both SAs moved to $HOME_OUT:$NP" ||
	fail "rebinding: both SAs moved to the new port" "expected:" "$exp" "got:" "$sas"
[ "$(established)" = "$mm" ] && ok "rebinding: no new Main Mode ($mm ISAKMP SAs established in all)" ||
	fail "rebinding: no new Main Mode" "established before $mm, now $(established)"
check_match "rebinding: espgwd says it followed the client" \
	"$HOME_OUT:$P10 is now $HOME_OUT:$NP" cat $RUNDIR/espgwd.log
[ "$(ns_stat mapping)" -gt "$maps" ] && ok "rebinding: the kernel told it (new mappings $maps -> $(ns_stat mapping))" ||
	fail "rebinding: the kernel's new-mapping event" "mapping $maps -> $(ns_stat mapping)"
check "rebinding: the client disconnects from its new port" ss_down
check "rebinding: no SA, policy or ISAKMP SA left" gone
ss_stop
keep 4-5-two-clients-rebinding
espgwd_stop

# ---- 6. the gateway behind its provider's port-forwarding NAT ----------------------------
# prov-$SUF takes $GW_OUT on the ISP's link and forwards UDP 500 and 4500 to the
# gateway, now 192.168.2.1 behind it; what the gateway sends leaves as $GW_OUT
diag "6. the gateway behind a NAT at $(date +%T)"
PROV=prov-$SUF GW_PRIV=192.168.2.1
ip netns add $PROV
n $PROV ip link set lo up
n_gw ip link del out	# and the ISP's g0 with it
veth "$NS_ISP" g0 $PROV wan
veth $PROV lan "$NS_GW" out
n_isp ip addr add $ISP_GW/24 dev g0
n $PROV ip addr add $GW_OUT/24 dev wan
n $PROV ip addr add 192.168.2.254/24 dev lan
n $PROV ip route add default via $ISP_GW
n $PROV sysctl -qw net.ipv4.ip_forward=1
n_gw ip addr add $GW_PRIV/24 dev out
n_gw ip route add default via 192.168.2.254
n $PROV nft -f - <<NFT
table ip prov {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" udp dport { 500, 4500 } dnat to $GW_PRIV
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" ip saddr $GW_PRIV snat to $GW_OUT
	}
}
NFT
GW_LOCAL=$GW_PRIV
if ! espgwd_start "$(gw_conf "$P1" "$TSET" "$POOL
$PULL")"; then
	fail "gateway behind NAT: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
	exit 0
fi
cap_start $cap.prov "$PROV" wan "host $CLIENT" || fail "tcpdump on the provider's WAN"
ss_use 1
# a gateway behind a NAT says its own address in Main Mode
SS_REMOTE_ID=$GW_PRIV ss_start $IKE $ESP "" "		vips = 0.0.0.0
		pull = yes"
if ss_up; then
	ok "gateway behind NAT: strongSwan at $CLIENT brings the tunnel up to $GW_OUT"
else
	fail "gateway behind NAT: strongSwan brings the tunnel up" "$(why $SS_DIR/initiate.log)"
fi
VIP=$(ikej "d[0]['lease']" 2>/dev/null)
[[ $VIP =~ ^10\.2\.1\.[0-9]+$ ]] && ok "gateway behind NAT: espgwd leased $VIP" ||
	{ fail "gateway behind NAT: espgwd leased an address" "$("$ESPGW" ike show)"; VIP=10.2.1.1; }
m=$(ikej "' '.join('%s %s:%d %s' % (s['dst'], s['src'], s['src_port'], s['nat']) for s in d)")
[ "$m" = "$GW_PRIV $CLIENT:4500 local" ] &&
	ok "gateway behind NAT: espgw -j ike show says nat local ($m)" ||
	fail "gateway behind NAT: espgw -j ike show says nat local" "expected '$GW_PRIV $CLIENT:4500 local', got '$m'"
sas=$(sa_lines) exp=$(sa_expect "$CLIENT:4500")
[ "$sas" = "$exp" ] && ok "gateway behind NAT: encap espinudp on both SAs" ||
	fail "gateway behind NAT: encap espinudp on both SAs" "expected:" "$exp" "got:" "$sas"
traffic "gateway behind NAT" "$VIP"
cap_stop
esp=$(cap_n $cap.prov "ip proto 50") other=$(cap_n $cap.prov "ip and not (udp port 500 or udp port 4500)")
u4500=$(cap_n $cap.prov "udp and src $GW_OUT and src port 4500 and dst port 4500")
[ "$esp" = 0 ] && [ "$other" = 0 ] && [ "$u4500" -ge 6 ] &&
	ok "gateway behind NAT: the provider's WAN carries UDP 500/4500 only, ESP in UDP from $GW_OUT:4500" ||
	fail "gateway behind NAT: only UDP 500/4500 on the provider's WAN" "ESP $esp, other $other, from 4500: $u4500"
check "gateway behind NAT: the client disconnects" ss_down
check "gateway behind NAT: no SA, policy or ISAKMP SA left" gone
ss_stop
keep 6-gateway-behind-nat
espgwd_stop
exit 0
