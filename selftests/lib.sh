#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for espgw selftests (sourced). Every test script prints TAP
# result lines ("ok - ...", "not ok - ...", "ok - ... # SKIP why") without
# numbers; selftests/run.sh numbers them and prints the plan and the summary.
#
# The topology of the source document, in network namespaces (RFC 5737 outside,
# 10.x inside):
#
#                       +----------- isp ------------+
#   client  eth0 -- c0  |  198.51.100.254  203.0.113.254 | i0 -- eth0  inet
#   198.51.100.10       |        192.0.2.254         |          203.0.113.10
#                       +------------ g0 ------------+
#                                      |
#                                  out 192.0.2.1
#                                    gw  (espgw.ko, nftables NAT)
#                                  in  10.2.2.1
#                                      |
#                                  eth0 10.2.2.5  inside
#
# Names carry a per-run suffix: $NS_CLIENT, $NS_GW, $NS_INSIDE, $NS_INET, $NS_ISP.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
KVER=${KVER:-$(uname -r)}
ESPGW_KO=${ESPGW_KO:-$ROOT/build/kmod-$KVER/kmod/espgw.ko}
ESPGW=${ESPGW:-$ROOT/build/bin/espgw}
SUF=${SUF:-$$}
NS_CLIENT=client-$SUF NS_GW=gw-$SUF NS_INSIDE=inside-$SUF NS_INET=inet-$SUF NS_ISP=isp-$SUF

# Addresses of the document's roles.
GW_OUT=192.0.2.1 GW_IN=10.2.2.1 ISP_GW=192.0.2.254
CLIENT=198.51.100.10 INET=203.0.113.10 INSIDE=10.2.2.5
INSIDE_NET=10.2.2.0/24 POOL_NET=10.2.1.0/24 NAT_POOL=192.0.2.32/27

# ---- TAP -----------------------------------------------------------------

ok() { echo "ok - $*"; }
fail() {
	echo "not ok - $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	return 0
}
skip() { echo "ok - $1 # SKIP $2"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# check DESC CMD...: ok if CMD succeeds; on failure show its output.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else fail "$desc" "command: $*" "$out"; fi
}

# check_fail DESC CMD...: ok if CMD fails.
check_fail() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then fail "$desc" "command unexpectedly succeeded: $*" "$out"; else ok "$desc"; fi
}

# check_match DESC REGEX CMD...: ok if CMD's output (stdout+stderr) matches REGEX.
check_match() {
	local desc=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1)
	if grep -Eq -- "$re" <<<"$out"; then ok "$desc"; else fail "$desc" "command: $*" "expected /$re/, got:" "$out"; fi
}

# ---- namespaces ----------------------------------------------------------

n() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
n_gw() { n "$NS_GW" "$@"; }
n_client() { n "$NS_CLIENT" "$@"; }
n_inside() { n "$NS_INSIDE" "$@"; }
n_inet() { n "$NS_INET" "$@"; }
n_isp() { n "$NS_ISP" "$@"; }

# veth NS1 IF1 NS2 IF2: a link between two namespaces
veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	n "$1" ip link set "$2" up
	n "$3" ip link set "$4" up
}

topo_create() {
	local ns
	for ns in $NS_CLIENT $NS_GW $NS_INSIDE $NS_INET $NS_ISP; do
		ip netns add "$ns"
		n "$ns" ip link set lo up
	done
	veth "$NS_ISP" c0 "$NS_CLIENT" eth0
	veth "$NS_ISP" i0 "$NS_INET" eth0
	veth "$NS_ISP" g0 "$NS_GW" out
	veth "$NS_GW" in "$NS_INSIDE" eth0

	n_isp sysctl -qw net.ipv4.ip_forward=1
	n_isp ip addr add 198.51.100.254/24 dev c0
	n_isp ip addr add 203.0.113.254/24 dev i0
	n_isp ip addr add $ISP_GW/24 dev g0

	n_client ip addr add $CLIENT/24 dev eth0
	n_client ip route add default via 198.51.100.254
	n_inet ip addr add $INET/24 dev eth0
	n_inet ip route add default via 203.0.113.254

	n_gw sysctl -qw net.ipv4.ip_forward=1
	n_gw ip addr add $GW_OUT/24 dev out
	n_gw ip addr add $GW_IN/24 dev in
	n_gw ip route add default via $ISP_GW

	n_inside ip addr add $INSIDE/24 dev eth0
	n_inside ip route add default via $GW_IN
}

# nat_create: what the document's 'ip nat pool outsidepool' + 'ip nat inside
# source route-map nonat pool outsidepool' + access-list 101 do: inside hosts
# going to the internet are NATed to a pool of outside addresses, traffic to
# the VPN pool is not.
nat_create() {
	local i
	for i in $(seq 32 63); do
		n_gw ip addr add 192.0.2.$i/32 dev out
	done
	n_gw nft -f - <<NFT
table ip espgw_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr $INSIDE_NET ip daddr $POOL_NET accept
		ip saddr $INSIDE_NET oifname "out" snat to 192.0.2.32-192.0.2.63
	}
}
NFT
}

# More remote clients: client N (2-9) is namespace client$N-$SUF at
# 198.51.100.(9+N), on its own link to the ISP (which routes it by a /32).
client_ns() { if [ "$1" = 1 ]; then echo "$NS_CLIENT"; else echo "client$1-$SUF"; fi; }
client_addr() { echo "198.51.100.$((9 + $1))"; }
client_add() {
	local ns addr
	ns=$(client_ns "$1") addr=$(client_addr "$1")
	ip netns add "$ns"
	n "$ns" ip link set lo up
	veth "$NS_ISP" "c$1" "$ns" eth0
	n_isp ip route add "$addr/32" dev "c$1"
	n "$ns" ip addr add "$addr/24" dev eth0
	n "$ns" ip route add default via 198.51.100.254
}

# A home router: hosts on a private network behind one public address.
# home_add N [HOST...]: client N (client_add: 198.51.100.(9+N), on its own link to the
# ISP) becomes a home router, namespace $HOME_NS with the outside address $HOME_OUT on
# eth0: a bridge lan0 at 192.168.1.1/24 and nft masquerade of all that leaves eth0
# (table ip home, chain post). home_host_add HOST puts host HOST (a last octet: 10, 11,
# ...) behind it: namespace lanHOST-$SUF (home_ns HOST) at 192.168.1.HOST (home_addr
# HOST), its default route via the router. 'ss_use lanHOST' points the strongSwan
# helpers at it, LS_NS and LS_ADDR the libreswan ones.
HOME_LAN=192.168.1
home_ns() { echo "lan$1-$SUF"; }
home_addr() { echo "$HOME_LAN.$1"; }
home_add() {
	local h
	client_add "$1"
	HOME_NS=$(client_ns "$1") HOME_OUT=$(client_addr "$1")
	shift
	n "$HOME_NS" ip link add lan0 type bridge
	n "$HOME_NS" ip link set lan0 up
	n "$HOME_NS" ip addr add $HOME_LAN.1/24 dev lan0
	n "$HOME_NS" sysctl -qw net.ipv4.ip_forward=1
	n "$HOME_NS" nft -f - <<NFT
table ip home {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth0" masquerade
	}
}
NFT
	for h in "$@"; do
		home_host_add "$h"
	done
}
home_host_add() {
	local ns
	ns=$(home_ns "$1")
	ip netns add "$ns"
	n "$ns" ip link set lo up
	veth "$HOME_NS" "l$1" "$ns" eth0
	n "$HOME_NS" ip link set "l$1" master lan0
	n "$ns" ip addr add "$(home_addr "$1")/24" dev eth0
	n "$ns" ip route add default via $HOME_LAN.1
}
# home_rebind [PORTS]: the home router's NAT rebinds: it forgets every mapping
# (conntrack -F) and from now on maps UDP to the ports PORTS (40000-40999), so the
# hosts' next datagrams leave from new public ports
home_rebind() {
	n "$HOME_NS" nft flush chain ip home post &&
	n "$HOME_NS" nft add rule ip home post oifname eth0 meta l4proto udp \
		masquerade to :"${1:-40000-40999}" &&
	n "$HOME_NS" nft add rule ip home post oifname eth0 masquerade &&
	n "$HOME_NS" conntrack -F >/dev/null 2>&1
}

topo_destroy() {
	local ns
	for ns in $NS_CLIENT $NS_GW $NS_INSIDE $NS_INET $NS_ISP prov-$SUF \
		  $(ip netns list | sed -n "s/^\(client[0-9]-$SUF\|lan[0-9]*-$SUF\)\b.*/\1/p"); do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# ---- module --------------------------------------------------------------

mod_loaded() { grep -q '^espgw ' /proc/modules; }
# espgw.ko needs nf_conntrack (it confirms flows it steals)
# ESPGW_MOD_PARAMS: module parameters for insmod (force_async=1: make check-debug's cryptd run)
mod_load() {
	mod_loaded || { modprobe -a nf_conntrack esp4 && insmod "$ESPGW_KO" ${ESPGW_MOD_PARAMS:-}; }
}
mod_unload() { ! mod_loaded || rmmod espgw; }

# ---- tunnels between a Linux XFRM client and the espgw gateway --------------
#
# ALGS names the transforms both sides support; alg_params sets, for one:
#   ENC/ENC_LEN, AUTH/AUTH_LEN   espgw names and key bytes (AEAD keys with salt)
#   XFRM                         the same transform in 'ip xfrm state' words
#   LEGACY                       "legacy" when espgw must be told so
ALGS="des-md5 3des-sha1 aes128-sha1 aes192-sha256 aes256-sha256 gcm128 gcm256 chacha"
CLIENT_VIP=10.2.1.1
SPI_IN=0x1001	# client -> gateway
SPI_OUT=0x2001	# gateway -> client

hexkey() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

alg_params() {
	LEGACY= AUTH= AUTH_LEN=0
	case "$1" in
	des-md5)	ENC=des-cbc ENC_LEN=8 AUTH=hmac-md5-96 AUTH_LEN=16 LEGACY=legacy
			XFRM_E="enc cbc(des)" XFRM_A="auth-trunc hmac(md5)" TRUNC=96 ;;
	3des-sha1)	ENC=3des-cbc ENC_LEN=24 AUTH=hmac-sha1-96 AUTH_LEN=20 LEGACY=legacy
			XFRM_E="enc cbc(des3_ede)" XFRM_A="auth-trunc hmac(sha1)" TRUNC=96 ;;
	aes128-sha1)	ENC=aes-cbc ENC_LEN=16 AUTH=hmac-sha1-96 AUTH_LEN=20
			XFRM_E="enc cbc(aes)" XFRM_A="auth-trunc hmac(sha1)" TRUNC=96 ;;
	aes192-sha256)	ENC=aes-cbc ENC_LEN=24 AUTH=hmac-sha256-128 AUTH_LEN=32
			XFRM_E="enc cbc(aes)" XFRM_A="auth-trunc hmac(sha256)" TRUNC=128 ;;
	aes256-sha256)	ENC=aes-cbc ENC_LEN=32 AUTH=hmac-sha256-128 AUTH_LEN=32
			XFRM_E="enc cbc(aes)" XFRM_A="auth-trunc hmac(sha256)" TRUNC=128 ;;
	gcm128)		ENC=aes-gcm-16 ENC_LEN=20 XFRM_E="aead rfc4106(gcm(aes))" TRUNC=128 ;;
	gcm256)		ENC=aes-gcm-16 ENC_LEN=36 XFRM_E="aead rfc4106(gcm(aes))" TRUNC=128 ;;
	chacha)		ENC=chacha20-poly1305 ENC_LEN=36
			XFRM_E="aead rfc7539esp(chacha20,poly1305)" TRUNC=128 ;;
	*)		echo "unknown alg $1" >&2; return 1 ;;
	esac
}

# xfrm_state NS SRC DST SPI EKEY AKEY: one client-side state for the current alg;
# XFRM_ENCAP adds words ('encap espinudp 4500 4500 0.0.0.0'), XFRM_VERB=update
# changes an existing state instead (its counters and sequence numbers go on)
xfrm_state() {
	local ns=$1 src=$2 dst=$3 spi=$4 ek=$5 ak=$6
	if [ -n "$AUTH" ]; then
		# shellcheck disable=SC2086
		n "$ns" ip xfrm state ${XFRM_VERB:-add} src "$src" dst "$dst" proto esp spi "$spi" \
			mode tunnel reqid 1 replay-window ${REPLAY_WINDOW:-64} ${XFRM_E%% *} "${XFRM_E#* }" 0x"$ek" \
			${XFRM_A%% *} "${XFRM_A#* }" 0x"$ak" $TRUNC ${XFRM_ENCAP:-}
	else
		# shellcheck disable=SC2086
		n "$ns" ip xfrm state ${XFRM_VERB:-add} src "$src" dst "$dst" proto esp spi "$spi" \
			mode tunnel reqid 1 replay-window ${REPLAY_WINDOW:-64} ${XFRM_E%% *} "${XFRM_E#* }" 0x"$ek" \
			$TRUNC ${XFRM_ENCAP:-}
	fi
}

# tunnel_up ALG [WRONG]: the client (XFRM, virtual address $CLIENT_VIP) and the
# gateway (espgw) with the same fresh keys; WRONG=1 gives the client other keys.
#
# NAT-T: with NATT=1 the tunnel is ESP in UDP (RFC 3948): the client's XFRM states
# send from its 4500 to the gateway's 4500 ('encap espinudp 4500 4500 0.0.0.0'),
# the gateway's SAs have 'encap espinudp' with the client's port as the gateway
# sees it, NATT_PEER_PORT (4500). Both sides need a UDP_ENCAP socket on 4500
# (natt_hold). TUN_NS and TUN_ADDR name the client's namespace and its own
# address ($NS_CLIENT, $CLIENT), TUN_PEER its address as the gateway sees it
# (TUN_ADDR; a NAT's outside address behind one).
tunnel_up() {
	local ek_in ak_in ek_out ak_out auth_in=() auth_out=() encap_in=() encap_out=()
	local cns=${TUN_NS:-$NS_CLIENT} caddr=${TUN_ADDR:-$CLIENT} peer gw
	local XFRM_ENCAP=
	peer=${TUN_PEER:-$caddr}
	alg_params "$1" || return 1
	ek_in=$(hexkey $ENC_LEN) ek_out=$(hexkey $ENC_LEN)
	ak_in=$(hexkey $AUTH_LEN) ak_out=$(hexkey $AUTH_LEN)
	KEY_IN=$ek_in KEY_OUT=$ek_out	# for tests that craft packets or re-install SAs
	AKEY_IN=$ak_in AKEY_OUT=$ak_out
	LIMITS=${LIMITS:-}
	if [ -n "${NATT:-}" ]; then
		encap_in=(encap espinudp sport "${NATT_PEER_PORT:-4500}" dport 4500)
		encap_out=(encap espinudp sport 4500 dport "${NATT_PEER_PORT:-4500}")
		XFRM_ENCAP="encap espinudp 4500 4500 0.0.0.0"
	fi
	if [ -n "$AUTH" ]; then
		auth_in=(auth $AUTH @-) auth_out=(auth $AUTH @-)
	fi
	"$ESPGW" -V >/dev/null
	# the keys on standard input, not in the process list: enc's line, then auth's
	# shellcheck disable=SC2086
	printf '%s\n' $ek_in $ak_in | n_gw "$ESPGW" sa add src $peer dst $GW_OUT spi $SPI_IN \
		dir in enc $ENC @- "${auth_in[@]}" $LEGACY replay-window ${REPLAY_WINDOW:-64} \
		sel src $INSIDE_NET dst $CLIENT_VIP/32 \
		"${encap_in[@]}" || return 1
	# shellcheck disable=SC2086
	printf '%s\n' $ek_out $ak_out | n_gw "$ESPGW" sa add src $GW_OUT dst $peer spi $SPI_OUT \
		dir out enc $ENC @- "${auth_out[@]}" $LEGACY $LIMITS "${encap_out[@]}" || return 1
	n_gw "$ESPGW" policy add id 1 src $INSIDE_NET dst $CLIENT_VIP/32 action protect \
		sa dst $peer spi $SPI_OUT || return 1

	[ "${2:-}" = 1 ] && ek_in=$(hexkey $ENC_LEN) ak_in=$(hexkey $AUTH_LEN)
	gw=$(n "$cns" ip -4 route show default | sed -n 's/.*via \([0-9.]*\).*/\1/p' | head -n1)
	n "$cns" ip addr replace $CLIENT_VIP/32 dev lo
	n "$cns" ip route replace $INSIDE_NET via "$gw" src $CLIENT_VIP
	xfrm_state "$cns" $caddr $GW_OUT $SPI_IN "$ek_in" "$ak_in" || return 1
	xfrm_state "$cns" $GW_OUT $caddr $SPI_OUT "$ek_out" "$ak_out" || return 1
	n "$cns" ip xfrm policy add src $CLIENT_VIP/32 dst $INSIDE_NET dir out \
		tmpl src $caddr dst $GW_OUT proto esp mode tunnel reqid 1 || return 1
	n "$cns" ip xfrm policy add src $INSIDE_NET dst $CLIENT_VIP/32 dir in \
		tmpl src $GW_OUT dst $caddr proto esp mode tunnel reqid 1 || return 1
}

tunnel_down() {
	n "${TUN_NS:-$NS_CLIENT}" ip xfrm policy flush
	n "${TUN_NS:-$NS_CLIENT}" ip xfrm state flush
	n_gw "$ESPGW" flush
}

# natt_hold NS LOG [PORT]: a UDP_ENCAP_ESPINUDP socket on 4500 (or PORT) in NS, as
# espgwd and charon hold one (selftests/natt.py hold), logging what it is handed to
# LOG; natt_stop ends them all
NATT_PIDS=()
natt_hold() {
	: >"$2"
	ip netns exec "$1" "$ROOT/selftests/natt.py" hold "${3:-4500}" "$2" &
	NATT_PIDS+=($!)
	for _ in $(seq 50); do
		grep -q '^ready' "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "natt.py hold did not start in $1"
	return 1
}
natt_stop() {
	local pid
	for pid in "${NATT_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	NATT_PIDS=()
}

# ---- packet captures -------------------------------------------------------

# cap_start FILE NS IF [FILTER]: tcpdump in the background until cap_stop; returns
# once tcpdump listens (under emulation that can take seconds)
CAP_PID=
cap_start() {
	local f=$1 ns=$2 dev=$3
	shift 3
	# not through n: $! must be timeout, which passes the kill on to tcpdump
	ip netns exec "$ns" timeout 600 tcpdump -U -n -i "$dev" -w "$f" "$@" 2>"$f.err" &
	CAP_PID=$!
	for _ in $(seq 100); do
		grep -q 'listening on' "$f.err" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# cap_stop [FILE FILTER N]: end the capture; with FILTER, first wait up to 5 s until
# N packets matching it are in FILE (tcpdump writes what the kernel queued to it late)
cap_stop() {
	[ -n "$CAP_PID" ] || return 0
	if [ $# -eq 3 ]; then
		for _ in $(seq 50); do
			[ "$(cap_n "$1" "$2")" -ge "$3" ] && break
			sleep 0.1
		done
	fi
	sleep 0.5
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}
# cap_n FILE FILTER: how many captured packets match FILTER
cap_n() { tcpdump -r "$1" -n "$2" 2>/dev/null | wc -l; }

# sa_stat SPI KEY: one counter of an espgw SA on the gateway
sa_stat() {
	n_gw "$ESPGW" -j -s sa show | "$ROOT/selftests/pyj.py" \
		"[s['stats']['$2'] for s in (d if isinstance(d, list) else [d]) if s['spi'] == $1][0]"
}

# lease: the address espgwd leased to its (first) ISAKMP SA, from 'espgw -j ike show'
lease() {
	"$ESPGW" -j ike show | "$ROOT/selftests/pyj.py" "d[0]['lease']"
}

# ns_stat KEY: a namespace total on the gateway
ns_stat() {
	n_gw "$ESPGW" -j stats | "$ROOT/selftests/pyj.py" "d['$1']"
}

# xfrm_packets NS SPI: packets through an XFRM state (its 'lifetime current')
xfrm_packets() {
	n "$1" ip -s xfrm state list spi "$2" 2>/dev/null |
		sed -n 's/.*(bytes), \([0-9]*\)(packets).*/\1/p' | head -n1
}

# ---- IKE: espgwd on the gateway, strongSwan 5.9.8 (charon + swanctl) as the client --------
ESPGWD=${ESPGWD:-$ROOT/build/bin/espgwd}
RUNDIR=${RUNDIR:-/tmp/espgw-run-$SUF}
PSK=cisco123

# espgwd_user: the user espgwd drops to (espgw), created if missing - in the VM only
# (its kernel command line names virtme), never on a host. On a throw-away /etc
# (overlay, tmpfs) with useradd; else (the host's /etc shared read-only, or useradd
# failed) in copies of passwd and group bind-mounted over it: the guest's mounts.
espgwd_user() {
	local d=/run/espgw-selftests uid=999
	id -u espgw >/dev/null 2>&1 && return 0
	if ! grep -q virtme /proc/cmdline 2>/dev/null; then
		echo "no user espgw: create it (useradd --system --no-create-home" \
			"--shell /usr/sbin/nologin espgw); selftests only create it in the VM"
		return 1
	fi
	case $(stat -f -c %T /etc) in
	overlayfs|tmpfs)
		# virtme-ng binds a file of its own over /etc/shadow, which useradd then
		# fails to replace; passwd and group have the user all the same
		useradd --system --no-create-home --shell /usr/sbin/nologin espgw 2>/dev/null
		id -u espgw >/dev/null 2>&1 && return 0 ;;
	esac
	while getent passwd $uid >/dev/null || getent group $uid >/dev/null; do
		uid=$((uid - 1))
	done
	mkdir -p $d
	cp /etc/passwd $d/passwd && cp /etc/group $d/group || return 1
	echo "espgw:x:$uid:$uid:espgwd (selftests):/nonexistent:/usr/sbin/nologin" >>$d/passwd
	echo "espgw:x:$uid:" >>$d/group
	mount --bind $d/passwd /etc/passwd && mount --bind $d/group /etc/group &&
		id -u espgw >/dev/null
}

# espgwd_start CONF_TEXT [ARGS]: the daemon in the gateway namespace, logging to
# $RUNDIR/espgwd.log, with every debug category unless ESPGWD_DEBUG says otherwise.
# It runs as the user espgw (espgwd_user) with CAP_NET_ADMIN alone.
espgwd_start() {
	espgwd_user || return 1
	mkdir -p $RUNDIR
	printf '%s\n' "$1" >$RUNDIR/espgwd.conf
	chmod 600 $RUNDIR/espgwd.conf	# it holds the key: espgwd refuses it group-writable
	: >$RUNDIR/espgwd.log	# each run's own log
	rm -f $RUNDIR/espgwd.sock	# so the wait below sees the new daemon's socket
	shift
	export ESPGWD_SOCKET=$RUNDIR/espgwd.sock
	# not through n_gw: $! must be espgwd itself, not a subshell
	ip netns exec "$NS_GW" "$ESPGWD" -f $RUNDIR/espgwd.conf -c $ESPGWD_SOCKET \
		${ESPGWD_DEBUG--d all} "$@" \
		>>$RUNDIR/espgwd.log 2>&1 &
	ESPGWD_PID=$!
	for _ in $(seq 50); do
		[ -S $ESPGWD_SOCKET ] && return 0
		kill -0 $ESPGWD_PID 2>/dev/null || break
		sleep 0.1
	done
	echo "espgwd did not start:"; tail -5 $RUNDIR/espgwd.log
	return 1
}

espgwd_stop() {
	[ -n "${ESPGWD_PID:-}" ] || return 0
	kill ${1:--TERM} $ESPGWD_PID 2>/dev/null
	wait $ESPGWD_PID 2>/dev/null
	echo "espgwd exited with status $?" >>$RUNDIR/espgwd.log
	ESPGWD_PID=
}

# The gateway configuration of the tests, in the document's words:
# gw_conf "ISAKMP-POLICY-LINES" "TRANSFORM-SET-LINE" [EXTRA]
# ($TSETS names the dynamic map's transform sets, $DYNMAP_EXTRA adds lines to it)
gw_conf() {
	cat <<CONF
! espgwd.conf written by the selftests
crypto isakmp policy 10
$1
crypto isakmp key $PSK address 0.0.0.0
$2
crypto dynamic-map dynmap 10
 set transform-set ${TSETS:-ts1}
 set local-network 10.2.2.0 255.255.255.0
${DYNMAP_EXTRA:-}
crypto map intmap 10 ipsec-isakmp dynamic dynmap
${3:-}
CONF
}

# strongSwan clients: ss_use N points the ss_* helpers at client N (1, the
# default: $NS_CLIENT at $CLIENT, files in $RUNDIR/ss; N > 1: made by
# client_add, files in $RUNDIR/ssN), ss_use lanH at host H behind the home
# router (home_add: $(home_ns H) at $(home_addr H), files in $RUNDIR/ss-lanH).
# Each client runs its own charon with a private /run.
declare -A SS_PIDS
ss_use() {
	if [[ $1 == lan* ]]; then
		SS_N=$1 SS_NS=$(home_ns "${1#lan}") SS_ADDR=$(home_addr "${1#lan}")
		SS_DIR=$RUNDIR/ss-$1
		return
	fi
	SS_N=$1 SS_NS=$(client_ns "$1") SS_ADDR=$(client_addr "$1")
	[ "$1" = 1 ] && SS_ADDR=$CLIENT
	SS_DIR=$RUNDIR/ss
	[ "$1" = 1 ] || SS_DIR=$RUNDIR/ss$1
}
ss_use 1
n_ss() { n "$SS_NS" "$@"; }

# ss_start IKE-PROPOSALS ESP-PROPOSALS [SECRET] [CONN-LINES]: charon in the
# current client's namespace with one IKEv1 Main Mode connection 'gw' to the
# gateway. Without CONN-LINES there is no Mode-Config: the client's own
# address is its proxy ID, remote side the inside network. CONN-LINES are
# added to the connection (e.g. "vips = 0.0.0.0" and "pull = yes|no" for
# Mode-Config). SS_INSTALL_VIP=yes lets charon install the virtual IP it gets;
# SS_ID sets the client's identity (e.g. keyid:sales), SS_LOCAL_TS its proxy ID,
# SS_REMOTE_ID the gateway's identity it expects ($GW_OUT; the gateway's own
# address when a NAT in front of the gateway forwards $GW_OUT to it);
# SS_RETRANSMIT_TRIES, _TIMEOUT and _BASE charon's retransmissions (2, 2 s,
# 1.8: sends at 0, 2 and 5.6 s, given up at 12.1 s).
# DNS servers it is given go to $SS_DIR/resolv.conf.
ss_start() {
	local d=$SS_DIR
	mkdir -p $d
	rm -f $d/resolv.conf
	cat >$d/swanctl.conf <<SW
connections {
	gw {
		version = 1
		aggressive = no
		local_addrs = $SS_ADDR
		remote_addrs = $GW_OUT
		proposals = $1
		rekey_time = 0
${4:-}
		local {
			auth = psk
			${SS_ID:+id = $SS_ID}
		}
		remote {
			auth = psk
			id = ${SS_REMOTE_ID:-$GW_OUT}
		}
		children {
			gw {
				${SS_LOCAL_TS:+local_ts = $SS_LOCAL_TS}
				remote_ts = $INSIDE_NET
				esp_proposals = $2
				mode = tunnel
				start_action = none
			}
		}
	}
}
secrets {
	ike-any {
		secret = "${3:-$PSK}"
	}
}
SW
	charon_start "$SS_NS" $d "	install_virtual_ip = ${SS_INSTALL_VIP:-no}
	retransmit_tries = ${SS_RETRANSMIT_TRIES:-2}
	retransmit_timeout = ${SS_RETRANSMIT_TIMEOUT:-2}
	retransmit_base = ${SS_RETRANSMIT_BASE:-1.8}" "			default = 1
			ike = 2
			cfg = 2" "		resolve {
			file = $d/resolv.conf
		}"
	local rc=$?
	SS_PIDS[$SS_N]=$CHARON_PID
	return $rc
}

# charon_start NS DIR SETTINGS LOG PLUGINS: strongSwan's charon in namespace NS
# with DIR/strongswan.conf written here (SETTINGS, LOG and PLUGINS lines added
# to its charon, filelog and plugins sections), its log DIR/charon.log, its
# vici socket DIR/charon.vici, a private /run (for its pid file); then
# DIR/swanctl.conf loaded. Sets CHARON_PID (ip netns exec, unshare and sh
# each exec the next: the pid is charon's). Fails when the load fails.
charon_start() {
	local ns=$1 d=$2
	# a fresh log, and no socket of an earlier charon to talk to by mistake
	rm -f $d/charon.vici $d/charon.log
	cat >$d/strongswan.conf <<SS
charon {
	load_modular = yes
$3
	filelog {
		log {
			path = $d/charon.log
			flush_line = yes	# tests read it while charon runs
			time_format = %T
$4
		}
	}
	plugins {
		include /etc/strongswan.d/charon/*.conf
		vici {
			socket = unix://$d/charon.vici
		}
		stroke {
			load = no
		}
$5
	}
}
SS
	ip netns exec "$ns" unshare -m sh -c \
		"mount -t tmpfs none /run && STRONGSWAN_CONF=$d/strongswan.conf exec /usr/lib/ipsec/charon" \
		>>$d/charon.out 2>&1 &
	CHARON_PID=$!
	for _ in $(seq 100); do
		[ -S $d/charon.vici ] && break
		sleep 0.1
	done
	n "$ns" swanctl --load-all --file $d/swanctl.conf --uri unix://$d/charon.vici >$d/load.log 2>&1
}

# ss_up: initiate the child (Main Mode + Quick Mode), bounded
ss_up() {
	n_ss timeout 40 swanctl --initiate --child gw --timeout 30 \
		--uri unix://$SS_DIR/charon.vici >$SS_DIR/initiate.log 2>&1
}

# ss_down: the current client disconnects (swanctl --terminate of its IKE SA: a
# DELETE of the IPsec SA, then of the ISAKMP SA), bounded; charon keeps running
ss_down() {
	n_ss timeout 30 swanctl --terminate --ike gw --timeout 20 \
		--uri unix://$SS_DIR/charon.vici >$SS_DIR/terminate.log 2>&1
}

# ss_stop [SIGNAL]: stop the current client's charon (TERM: it sends its DELETEs)
ss_stop() {
	local pid=${SS_PIDS[$SS_N]:-}
	[ -n "$pid" ] || return 0
	kill -${1:-TERM} "$pid" 2>/dev/null
	# bounded: a charon that does not end on TERM (seen once in CI, test-pool) is killed
	( sleep 20 </dev/null >/dev/null 2>&1; kill -0 "$pid" 2>/dev/null && echo "# charon $pid still running 20 s after TERM: killed" &&
	  kill -KILL "$pid" 2>/dev/null ) &
	local watchdog=$!
	wait "$pid" 2>/dev/null
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	SS_PIDS[$SS_N]=
	n_ss ip xfrm state flush
	n_ss ip xfrm policy flush
}

# ss_stop_all [SIGNAL]: every client's charon
ss_stop_all() {
	local i cur=$SS_N
	for i in "${!SS_PIDS[@]}"; do
		ss_use "$i"
		ss_stop "$@"
	done
	ss_use "$cur"
}

# kernel_sas: how many SAs espgw holds on the gateway
kernel_sas() {
	n_gw "$ESPGW" -j sa show | "$ROOT/selftests/pyj.py" "len(d)"
}

# ---- libreswan 4.10 (pluto) as a second IKEv1 client ---------------------------
#
# Debian's libreswan conflicts with strongSwan's packages, so it is not installed:
# scripts/deps.sh unpacks bookworm's libreswan_4.10-2+deb12u1 into $LS_ROOT and installs
# its libraries. pluto runs from there in the client's namespace (LS_NS at LS_ADDR:
# $NS_CLIENT at $CLIENT by default; a host behind the home router, e.g.
# LS_NS=$(home_ns 10) LS_ADDR=$(home_addr 10))
# in a mount namespace of its own: a tmpfs on /run (updown's resolv.conf backup), its
# files bind-mounted over /etc/ipsec.conf, /etc/ipsec.secrets, /etc/ipsec.d and
# /etc/resolv.conf where those exist, so nothing of the host's is read or written, and
# $LS_ROOT/usr/libexec laid over /usr/libexec (a read-only overlay: pluto runs
# /usr/libexec/ipsec/addconn and _updown by their built-in paths). It is told every path
# besides (--config, --secretsfile, --ipsecdir, --nssdir, --rundir), its NSS database is
# made empty in $LS_DIR/nss, its control socket is $LS_DIR/run/pluto.ctl and its log
# $LS_DIR/pluto.log (every run's own); the kernel's XFRM is its data plane.
LS_ROOT=${LS_ROOT:-/opt/espgw-libreswan}
LS_DIR=$RUNDIR/ls
LS_PID=

# ls_ipsec ARGS...: libreswan's 'ipsec' command from $LS_ROOT in the client namespace,
# on this pluto's files, bounded to LS_TIMEOUT seconds (30)
ls_ipsec() {
	n "${LS_NS:-$NS_CLIENT}" timeout ${LS_TIMEOUT:-30} env IPSEC_EXECDIR=$LS_ROOT/usr/libexec/ipsec \
		IPSEC_SBINDIR=$LS_ROOT/usr/sbin IPSEC_CONF=$LS_DIR/ipsec.conf IPSEC_CONFDDIR=$LS_DIR/ipsec.d \
		IPSEC_RUNDIR=$LS_DIR/run IPSEC_NSSDIR=$LS_DIR/nss \
		$LS_ROOT/usr/sbin/ipsec "$@"
}
# ls_whack ARGS...: whack on this pluto's control socket
ls_whack() { ls_ipsec whack --ctlsocket $LS_DIR/run/pluto.ctl "$@"; }

# ls_conf IKE ESP [SECRET] [CONN-LINES]: $LS_DIR/ipsec.conf and ipsec.secrets with one
# connection 'gw', a remote-access IKEv1 client of the gateway: Main Mode with the
# wildcard pre-shared key, Mode-Config (leftmodecfgclient), Quick Mode for the address
# it is given <-> $INSIDE_NET, pluto's default PFS (the phase-1 group). IKE and ESP are
# ipsec.conf's ike= and esp= (aes128-sha1;modp2048, aes128-sha1); CONN-LINES are added
# to the conn. LS_MODECFGPULL=yes (the default) pulls the address (REQUEST); with no,
# pluto waits for the gateway's SET (it also pulls when the gateway sends the Cisco
# Unity VID, which espgwd does not). keyingtries=1 and LS_RETRANSMIT_TIMEOUT (20 s)
# bound a failing attempt; LS_DEBUG sets plutodebug (base).
ls_conf() {
	local d=$LS_DIR
	mkdir -p $d
	cat >$d/ipsec.conf <<LS
# ipsec.conf written by the selftests (libreswan 4.10 client)
config setup
	ikev1-policy=accept
	logfile=$d/pluto.log
	logappend=no
	logtime=yes
	plutodebug=${LS_DEBUG:-base}
	dnssec-enable=no
	audit-log=no

conn gw
	ikev2=no
	authby=secret
	left=${LS_ADDR:-$CLIENT}
	leftmodecfgclient=yes
	right=$GW_OUT
	rightmodecfgserver=yes
	rightsubnet=$INSIDE_NET
	modecfgpull=${LS_MODECFGPULL:-yes}
	leftupdown=/usr/libexec/ipsec/_updown
	ike=$1
	esp=$2
	keyingtries=1
	retransmit-timeout=${LS_RETRANSMIT_TIMEOUT:-20s}
	auto=ignore
${4:-}
LS
	printf '%%any %%any : PSK "%s"\n' "${3:-$PSK}" >$d/ipsec.secrets
	chmod 600 $d/ipsec.secrets
}

# ls_start IKE ESP [SECRET] [CONN-LINES]: pluto with ls_conf's connection 'gw' loaded.
# Fails when pluto does not start or the connection does not load.
ls_start() {
	local d=$LS_DIR f binds=""
	if [ ! -x $LS_ROOT/usr/libexec/ipsec/pluto ]; then
		echo "no libreswan in $LS_ROOT: run 'make deps' (scripts/deps.sh)"
		return 1
	fi
	mkdir -p $d/run $d/ipsec.d $d/nss
	rm -f $d/run/* $d/pluto.log $d/*.out
	[ -f $d/nss/cert9.db ] || certutil -N --empty-password -d sql:$d/nss >$d/certutil.out 2>&1 ||
		{ cat $d/certutil.out; return 1; }
	ls_conf "$@"
	cp /etc/resolv.conf $d/resolv.conf 2>/dev/null || : >$d/resolv.conf
	for f in ipsec.conf ipsec.secrets ipsec.d resolv.conf; do
		[ -e /etc/$f ] && binds="$binds && mount --bind $d/$f /etc/$f"
	done
	# ip netns exec, unshare and sh each exec the next: $! is pluto's pid
	ip netns exec "${LS_NS:-$NS_CLIENT}" unshare -m --propagation private sh -c \
		"mount -t tmpfs none /run && mkdir /run/pluto $binds &&
		 mount -t overlay none -o lowerdir=$LS_ROOT/usr/libexec:/usr/libexec /usr/libexec &&
		 export PATH=$LS_ROOT/usr/sbin:\$PATH && exec $LS_ROOT/usr/libexec/ipsec/pluto --nofork \
			--config $d/ipsec.conf --secretsfile $d/ipsec.secrets --ipsecdir $d/ipsec.d \
			--nssdir $d/nss --rundir $d/run --dumpdir $d/run" >>$d/pluto.out 2>&1 &
	LS_PID=$!
	# its control socket can take seconds under emulation (NSS, algorithm self-tests)
	for _ in $(seq 300); do
		[ -S $d/run/pluto.ctl ] && break
		kill -0 $LS_PID 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -S $d/run/pluto.ctl ]; then
		echo "pluto did not start:"; tail -5 $d/pluto.out $d/pluto.log 2>/dev/null
		return 1
	fi
	ls_ipsec auto --config $d/ipsec.conf --ctlsocket $d/run/pluto.ctl --add gw \
		>$d/add.out 2>&1 || { cat $d/add.out; return 1; }
}

# ls_reload IKE ESP [SECRET] [CONN-LINES]: the running pluto's 'gw' replaced by a new
# ls_conf (its SAs go first), the secrets read again
ls_reload() {
	ls_conf "$@"
	ls_whack --rereadsecrets >$LS_DIR/add.out 2>&1 &&
	ls_ipsec auto --config $LS_DIR/ipsec.conf --ctlsocket $LS_DIR/run/pluto.ctl --replace gw \
		>>$LS_DIR/add.out 2>&1 || { cat $LS_DIR/add.out; return 1; }
}

# ls_up: bring 'gw' up (Main Mode, Mode-Config, Quick Mode); whack returns once the
# IPsec SA is up or the attempt has failed, and is bounded to 60 s besides. Its output
# goes to $LS_DIR/up.out.
ls_up() {
	LS_TIMEOUT=60 ls_ipsec auto --config $LS_DIR/ipsec.conf --ctlsocket $LS_DIR/run/pluto.ctl \
		--up gw >$LS_DIR/up.out 2>&1
}

# ls_down: the client disconnects: 'ipsec auto --down gw' (pluto deletes the IPsec and
# ISAKMP SAs and tells the gateway); output in $LS_DIR/down.out
ls_down() {
	ls_ipsec auto --ctlsocket $LS_DIR/run/pluto.ctl --down gw >$LS_DIR/down.out 2>&1
}

# ls_stop [SIGNAL]: stop pluto (TERM: it deletes its SAs and tells the gateway first),
# then clear what it may have left in the client's XFRM
ls_stop() {
	[ -n "$LS_PID" ] || return 0
	kill -${1:-TERM} $LS_PID 2>/dev/null
	for _ in $(seq 50); do
		kill -0 $LS_PID 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL $LS_PID 2>/dev/null
	wait $LS_PID 2>/dev/null
	LS_PID=
	n "${LS_NS:-$NS_CLIENT}" ip xfrm state flush
	n "${LS_NS:-$NS_CLIENT}" ip xfrm policy flush
}
