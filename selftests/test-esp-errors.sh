#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What must not get through, and is counted: NAT never touches VPN traffic,
# DF packets too big for the tunnel get frag-needed with the tunnel's MTU,
# replays, unknown SPIs, wrong keys, malformed ESP with a valid ICV, clear text
# spoofing a client address; lifetimes expire soft then hard.
source "$(dirname "$0")/lib.sh"

cap=/tmp/espgw-cap.$$
trap 'topo_destroy; rm -f $cap $cap.*' EXIT
mod_load
topo_create

# --- NAT: a plain masquerade for the inside net, no exemption rule at all -----
n_gw nft -f - <<NFT
table ip masq {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr $INSIDE_NET oifname "out" masquerade
	}
}
NFT
n_client nft -f - <<NFT
table ip seen {
	chain input {
		type filter hook input priority 0; policy accept;
		ip saddr $INSIDE ip daddr $CLIENT_VIP icmp type echo-request counter
	}
}
NFT
tunnel_up gcm128 || fail "tunnel set up"
check "inside host pings the VPN client" n_inside ping -c3 -i0.2 -W5 $CLIENT_VIP
check_match "the client sees the inside host's own address (masquerade did not touch it)" \
	'counter packets 3 ' n_client nft list table ip seen
check_match "gateway conntrack: the VPN flow is not translated" \
	"src=$INSIDE dst=$CLIENT_VIP .* src=$CLIENT_VIP dst=$INSIDE " n_gw conntrack -L -p icmp
n_inet timeout 15 tcpdump -i eth0 -n -l -c 1 icmp >$cap 2>/dev/null &
tpid=$!
sleep 2
check "inside host pings the internet host" n_inside ping -c4 -i0.5 -W5 $INET
wait $tpid
check_match "the internet host sees the gateway's address (masquerade still works)" \
	"IP $GW_OUT > $INET" cat $cap

# --- MTU: 1500 - 20 (IP) - 8 (ESP) - 8 (IV) - 16 (ICV), 4-aligned, - 2 = 1446 ----
check_match "ping -M do -s 1472 from inside gets frag-needed with the tunnel MTU" \
	'mtu = 1446' n_inside ping -M do -s 1472 -c1 -W3 $CLIENT_VIP
check "a DF packet that fits (1446 bytes) crosses" n_inside ping -M do -s 1418 -c1 -W5 $CLIENT_VIP
[ "$(sa_stat $SPI_OUT mtu)" -ge 1 ] && ok "too-big packets are counted (mtu)" ||
	fail "too-big packets are counted (mtu)" "mtu=$(sa_stat $SPI_OUT mtu)"

# --- replay: capture the client's ESP, send it again ---------------------------
n_gw timeout 20 tcpdump -i out -n -c 3 -w $cap "esp and dst $GW_OUT" 2>/dev/null &
tpid=$!
sleep 2
n_client ping -c6 -i0.3 -W5 -I $CLIENT_VIP $INSIDE >/dev/null	# tcpdump keeps the first 3
wait $tpid
before=$(sa_stat $SPI_IN packets)
sent=$(n_client "$ROOT/selftests/espcraft.py" replay $cap $GW_OUT)
sleep 1
r=$(sa_stat $SPI_IN replay) after=$(sa_stat $SPI_IN packets)
[ "$sent" = 3 ] && [ "$r" = 3 ] && [ "$after" = "$before" ] &&
	ok "3 replayed ESP packets are dropped and counted as replays" ||
	fail "replayed ESP packets are dropped" "sent=$sent replay=$r packets $before -> $after"

# --- unknown SPI, garbage for a known SPI ---------------------------------------
n_client "$ROOT/selftests/espcraft.py" junk $GW_OUT 0xdead >/dev/null
sleep 1
[ "$(ns_stat no_sa)" = 1 ] && ok "ESP for an unknown SPI is dropped and counted (no_sa)" ||
	fail "unknown SPI counted" "no_sa=$(ns_stat no_sa)"
n_client "$ROOT/selftests/espcraft.py" junk $GW_OUT $SPI_IN >/dev/null
sleep 1
[ "$(sa_stat $SPI_IN auth_fail)" = 1 ] && ok "garbage for a known SPI fails authentication" ||
	fail "garbage for a known SPI fails authentication" "auth_fail=$(sa_stat $SPI_IN auth_fail)"

# --- malformed ESP with a valid ICV (crafted with the SA's key) -----------------
craft() { n_client "$ROOT/selftests/espcraft.py" gcm $GW_OUT $SPI_IN "$@" >/dev/null; sleep 0.5; }
before=$(sa_stat $SPI_IN packets)
craft 1000 $KEY_IN $CLIENT_VIP $INSIDE
[ "$(sa_stat $SPI_IN packets)" = $((before + 1)) ] &&
	ok "a hand-made ESP packet with the right key is accepted (the crafting is sound)" ||
	fail "hand-made ESP packet accepted" "packets $before -> $(sa_stat $SPI_IN packets)"
craft 1001 $KEY_IN $CLIENT_VIP $INSIDE --bad-pad
craft 1002 $KEY_IN $CLIENT_VIP $INSIDE --bad-nh
craft 1003 $KEY_IN $CLIENT_VIP $INSIDE --short
[ "$(sa_stat $SPI_IN trailer)" = 3 ] &&
	ok "bad padding, wrong next header, truncated payload: dropped and counted (trailer)" ||
	fail "malformed ESP counted" "trailer=$(sa_stat $SPI_IN trailer)"
craft 1004 $KEY_IN 10.2.1.99 $INSIDE
[ "$(sa_stat $SPI_IN selector)" = 1 ] &&
	ok "a client using another address inside its tunnel is dropped (selector)" ||
	fail "selector mismatch counted" "selector=$(sa_stat $SPI_IN selector)"

# --- clear text from a protected address, from the outside ----------------------
n_isp ip route add $INSIDE_NET via $GW_OUT
n_inet ip addr add $CLIENT_VIP/32 dev eth0
n_inside nft -f - <<NFT
table ip spoof {
	chain input {
		type filter hook input priority 0; policy accept;
		ip saddr $CLIENT_VIP icmp type echo-request counter
	}
}
NFT
before=$(n_inside nft list table ip spoof | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
n_inet ping -c3 -i0.2 -W1 -I $CLIENT_VIP $INSIDE >/dev/null 2>&1
after=$(n_inside nft list table ip spoof | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
[ "$before" = "$after" ] && [ "$(ns_stat plaintext)" = 3 ] &&
	ok "spoofed clear text from the client's address never reaches the inside host" ||
	fail "spoofed clear text dropped" "inside saw $before -> $after, plaintext=$(ns_stat plaintext)"
n_inet ip addr del $CLIENT_VIP/32 dev eth0
n_isp ip route del $INSIDE_NET via $GW_OUT

# --- IKE and ESP look-alikes from an inside host to a client: encrypted, not exempt
# Only the gateway's own IKE and ESP pass the outbound policy in clear: an inside
# host's UDP to port 500 or 4500, or its ESP, toward a client's address is policy
# traffic like any other, and leaves in the tunnel.
cap=/tmp/espgw-leak.$$
n_gw timeout 6 tcpdump -i out -n -l "host $CLIENT_VIP" >$cap 2>/dev/null &
tpid=$!
sleep 2
out_before=$(sa_stat $SPI_OUT packets)
n_inside python3 - "$CLIENT_VIP" <<'PY'
import socket, sys
vip = sys.argv[1]
for port in (500, 4500):
    for src in (port, 40000):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", src))
        s.sendto(b"inside-clear-text", (vip, port))
        s.close()
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
s.sendto(b"\x00\x00\x10\x01\x00\x00\x00\x01inside-clear-text", (vip, 0))
PY
wait $tpid	# tcpdump's timeout: what it printed is all there
out_after=$(sa_stat $SPI_OUT packets)
check_fail "no clear text toward the client's address on the outside (UDP 500/4500, ESP)" \
	grep -q . $cap
[ $((out_after - out_before)) = 5 ] &&
	ok "the five packets went through the outbound SA" ||
	fail "the five packets went through the outbound SA" "packets $out_before -> $out_after"
rm -f $cap
tunnel_down

# --- wrong key on the client ----------------------------------------------------
tunnel_up gcm128 1 || fail "tunnel set up (wrong key)"
check_fail "with the wrong key nothing gets through" \
	n_client ping -c3 -i0.2 -W2 -I $CLIENT_VIP $INSIDE
[ "$(sa_stat $SPI_IN auth_fail)" = 3 ] && ok "every packet with the wrong key counted (auth_fail 3)" ||
	fail "wrong key counted" "auth_fail=$(sa_stat $SPI_IN auth_fail)"
tunnel_down

# --- lifetimes: soft then hard on the outbound SA, then no more traffic ---------
LIMITS="soft-bytes 300 hard-bytes 700" tunnel_up gcm128 || fail "tunnel set up (limits)"
n_gw "$ESPGW" -j monitor >$cap.ev 2>&1 &
mpid=$!
sleep 1
n_inside ping -c12 -i0.2 -W1 $CLIENT_VIP >$cap.ping 2>&1
sleep 1
kill $mpid
wait $mpid 2>/dev/null
kinds=$("$ROOT/selftests/pyj.py" -l "' '.join(e['sa']['expire_kind'] for e in d if e['event'] == 'expire' and e['sa']['spi'] == $SPI_OUT)" <$cap.ev 2>&1)
[ "$kinds" = "soft hard" ] && ok "espgw monitor -j shows soft then hard expiry" ||
	fail "soft then hard expiry events" "got: $kinds" "$(cat $cap.ev)"
rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $cap.ping)
[ -n "$rx" ] && [ "$rx" -ge 1 ] && [ "$rx" -lt 12 ] && ok "pings cross until the hard limit, then stop ($rx of 12)" ||
	fail "pings cross until the hard limit, then stop" "$(tail -2 $cap.ping)"
left=$(n_gw "$ESPGW" -j sa show | "$ROOT/selftests/pyj.py" "len([s for s in d if s['spi'] == $SPI_OUT])")
[ "$left" = 0 ] && ok "the hard-expired SA is removed" || fail "the hard-expired SA is removed" "left=$left"
tunnel_down
exit 0
