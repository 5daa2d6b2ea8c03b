#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Aggressive Mode with group keys and XAUTH against local users, with the real clients
# people carry: Debian's vpnc 0.5.3 (its own userspace ESP over a tun device) and
# strongSwan 5.9.8 set up the way the iOS and Android built-in clients behave.
#
#   1. vpnc, group vpngroup, user alice: Aggressive Mode (ID_KEY_ID), XAUTH, Mode-Config
#      pulled: the pool address and the split network handed to its script, ping both
#      ways, 'espgw ike show' names the user; vpnc's DELETEs leave nothing
#   2. vpnc with a wrong password (three prompts): three REQUESTs, SET status 0, vpnc
#      exits, nothing installed
#   3. vpnc with a group the gateway does not have: refused, nothing kept
#   4. strongSwan as iOS/Android: aggressive, psk + xauth rounds, keyid:vpngroup,
#      aes256-sha1-modp1024, DPD 20 s, Mode-Config pull: up, ping both ways
#   5. two groups at once: vpnc as group sales (user bob) beside 4's client: each gets
#      its own group's pool
#   6. strongSwan in Main Mode + XAUTH (the group name left blank): the wildcard key
#   7. behind the home router's NAT: vpnc floats to 4500, ESP in UDP both ways
#   8. a group without XAUTH (the document's trust in the key alone): what vpnc does
#
# SELFTESTS_LOGS=DIR keeps espgwd's, vpnc's and charon's logs in DIR/xauth.
source "$(dirname "$0")/lib.sh"

KEEP=$RUNDIR/keep
keep() {
	local d=$KEEP/$1 s
	mkdir -p "$d"
	cp $RUNDIR/espgwd.log "$d/" 2>/dev/null
	for s in $RUNDIR/ss* $RUNDIR/vpnc-*; do	# their files, not charon's socket
		[ -d "$s" ] && mkdir -p "$d/${s##*/}" && find "$s" -maxdepth 1 -type f -exec cp {} "$d/${s##*/}/" \;
	done
	return 0
}
keep_logs() {
	[ -n "${SELFTESTS_LOGS:-}" ] && [ -d "$KEEP" ] || return 0
	mkdir -p "$SELFTESTS_LOGS/xauth"
	cp -r "$KEEP"/. "$SELFTESTS_LOGS/xauth/"
	return 0
}
declare -A VPNC_PIDS
vpnc_kill_all() {
	local p
	for p in "${VPNC_PIDS[@]}"; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done
	return 0
}
trap 'vpnc_kill_all; ss_stop_all KILL; espgwd_stop; keep_logs; topo_destroy; rm -rf $RUNDIR' EXIT

if ! command -v vpnc >/dev/null; then
	skip "xauth with vpnc" "vpnc is not installed (apt install vpnc)"
	exit 0
fi
mod_load
modprobe tun 2>/dev/null
if [ ! -c /dev/net/tun ]; then
	skip "xauth with vpnc" "no /dev/net/tun (modprobe tun failed): vpnc needs it"
	exit 0
fi
topo_create
client_add 2
client_add 3
mkdir -p $RUNDIR
export SS_INSTALL_VIP=yes

GKEY=vpngroup-key-1 SKEY=sales-key-2
APW=Wonderland-9 BPW=Rabbit-hole-7
AHASH=$(printf '%s\n' "$APW" | "$ESPGW" hash-password)
BHASH=$(printf '%s\n' "$BPW" | "$ESPGW" hash-password sha512)
case $AHASH$BHASH in
'$y$'*'$6$'*) ok "espgw hash-password makes a yescrypt and a SHA-512 hash" ;;
*) fail "espgw hash-password makes a yescrypt and a SHA-512 hash" "got '$AHASH' '$BHASH'" ;;
esac

# the iOS/Android proposal (and vpnc's first): AES-256, SHA-1, DH group 2
P1=" encryption aes 256
 hash sha
 authentication pre-share
 group 2"
TSET="crypto ipsec transform-set ts1 esp-aes 256 esp-sha-hmac"
GRPCONF="ip local pool ourpool 10.2.1.1 10.2.1.254
ip local pool salespool 10.2.3.1 10.2.3.254
crypto isakmp client configuration address-pool local ourpool
crypto map intmap client configuration address respond
crypto isakmp client configuration group vpngroup
 key $GKEY
 pool ourpool
 dns 10.2.2.53
 acl 110
 banner Welcome to vpngroup
crypto isakmp client configuration group sales
 key $SKEY
 pool salespool
 dns 10.2.2.63
access-list 110 permit ip 10.2.2.0 0.0.0.255 any"
XAUTH="aaa new-model
aaa authentication login vpnusers local
username alice secret $AHASH
username bob secret $BHASH
crypto map intmap client authentication list vpnusers"
export DYNMAP_EXTRA=" reverse-route"
# strongSwan's XAUTH client is its xauth-generic plugin (libcharon-extauth-plugins)
XGEN=/usr/lib/ipsec/plugins/libstrongswan-xauth-generic.so
XGEN_WHY="strongSwan's xauth-generic plugin is not installed (libcharon-extauth-plugins: make deps)"

# ---- helpers -------------------------------------------------------------------------
pyj() { "$ROOT/selftests/pyj.py" "$@"; }
ikej() { "$ESPGW" -j ike show | pyj "$1"; }
policies() { n_gw "$ESPGW" -j policy show | pyj "len(d)"; }
isakmp_sas() { ikej "len(d)"; }
# gone [N]: no more than N (0) SAs, and N/2 policies and ISAKMP SAs, waited for up to 5 s
gone() {
	local n=${1:-0}
	for _ in $(seq 25); do
		[ "$(kernel_sas)" = "$n" ] && [ "$(policies)" = $((n / 2)) ] &&
			[ "$(isakmp_sas)" = $((n / 2)) ] && return 0
		sleep 0.2
	done
	n_gw "$ESPGW" sa show
	"$ESPGW" ike show
	return 1
}
logged() { grep -Ec -- "$1" $RUNDIR/espgwd.log; }
# log_has DESC REGEX FILE: ok if FILE has a line matching REGEX; else its last lines
log_has() {
	if grep -Eq -- "$2" "$3" 2>/dev/null; then ok "$1"; else
		fail "$1" "expected /$2/ in $3, its last lines:" "$(grep -v ' DEBUG ' "$3" 2>&1 | tail -12)"
	fi
}
traffic() {
	local name=$1 vip=$2 ns=$3
	check "$name: the client pings the inside host from $vip" \
		n "$ns" ping -c3 -i0.3 -W5 -I "$vip" $INSIDE
	check "$name: the inside host pings $vip" n_inside ping -c3 -i0.3 -W5 "$vip"
}

# vpnc_start NAME NS GROUP KEY USER [PASSWORD] [LINES]: vpnc in namespace NS with its
# files in $RUNDIR/vpnc-NAME (config, log, the environment its script was called
# with: env.REASON), in the foreground of a background job bounded to 120 s. Without
# PASSWORD it asks its password helper (VPNC_HELPER_PW, each prompt counted in
# helper.count). LINES are added to its config (e.g. NAT-T mode).
vpnc_start() {
	local name=$1 ns=$2 d=$RUNDIR/vpnc-$1
	mkdir -p $d
	rm -f $d/env.* $d/helper.count $d/vpnc.pid
	cat >$d/script <<SH
#!/bin/sh
# vpnc's script: the environment it is called with, then the address and the routes
env | grep -E '^(reason|TUNDEV|INTERNAL_IP4_|CISCO_|VPNGATEWAY)' | sort >$d/env.\$reason.tmp
case \$reason in
connect)
	ip link set dev "\$TUNDEV" up mtu 1300
	ip addr add "\$INTERNAL_IP4_ADDRESS/32" dev "\$TUNDEV"
	ip route add $INSIDE_NET dev "\$TUNDEV" src "\$INTERNAL_IP4_ADDRESS"
	;;
esac
mv $d/env.\$reason.tmp $d/env.\$reason
SH
	cat >$d/helper <<SH
#!/bin/sh
echo "\$1" >>$d/helper.count
echo "\${VPNC_HELPER_PW:-wrong-password}"
SH
	chmod 755 $d/script $d/helper
	{
		echo "IPSec gateway $GW_OUT"
		echo "IPSec ID $3"
		echo "IPSec secret $4"
		echo "Xauth username $5"
		if [ -n "${6:-}" ]; then
			echo "Xauth password $6"
			echo "Noninteractive"
		else
			echo "Password helper $d/helper"
		fi
		echo "IKE Authmode psk"
		echo "IKE DH Group dh2"
		echo "Perfect Forward Secrecy nopfs"
		echo "Local Port 500"
		echo "IPSEC target network $INSIDE_NET"
		echo "Interface name vpnc0"
		echo "Interface mode tun"
		echo "DPD idle timeout (our side) 0"
		echo "Pidfile $d/vpnc.pid"
		echo "Script $d/script"
		echo "No Detach"
		echo "Debug 1"
		[ -n "${7:-}" ] && printf '%s\n' "$7"
	} >$d/vpnc.conf
	ip netns exec "$ns" timeout 120 vpnc $d/vpnc.conf >$d/vpnc.log 2>&1 &
	VPNC_PIDS[$name]=$!
}
# vpnc_wait_up NAME: its script ran for 'connect' (30 s at most)
vpnc_wait_up() {
	local d=$RUNDIR/vpnc-$1
	for _ in $(seq 150); do
		[ -f $d/env.connect ] && return 0
		kill -0 "${VPNC_PIDS[$1]}" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
# vpnc_wait_exit NAME SECS: vpnc ended within SECS; its exit status in VPNC_RC
vpnc_wait_exit() {
	local pid=${VPNC_PIDS[$1]}
	VPNC_RC=
	for _ in $(seq $((${2:-30} * 5))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			VPNC_RC=$?
			VPNC_PIDS[$1]=
			return 0
		fi
		sleep 0.2
	done
	return 1
}
# vpnc_stop NAME: TERM (vpnc sends its DELETEs), bounded; KILL after 10 s
vpnc_stop() {
	local pid=${VPNC_PIDS[$1]}
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	vpnc_wait_exit "$1" 10 || { kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; VPNC_PIDS[$1]=; }
}
envof() { sed -n "s/^$2=//p" "$RUNDIR/vpnc-$1/env.connect" 2>/dev/null; }
why_vpnc() {
	printf '%s\n' "--- vpnc:" "$(tail -15 "$RUNDIR/vpnc-$1/vpnc.log")" "--- espgwd:" \
		"$(grep -v ' DEBUG ' $RUNDIR/espgwd.log | tail -15)"
}

# xs_start AGGRESSIVE ID USER PASSWORD [KEY]: strongSwan in the current ss_use client
# set up as a phone's built-in client: IKEv1, local psk then xauth rounds, the
# group name as ID (ID empty: Main Mode with the address as ID, the wildcard key),
# aes256-sha1-modp1024, DPD every 20 s, Mode-Config pulled
xs_start() {
	local d=$SS_DIR
	mkdir -p $d
	rm -f $d/resolv.conf
	cat >$d/swanctl.conf <<SW
connections {
	gw {
		version = 1
		aggressive = $1
		local_addrs = $SS_ADDR
		remote_addrs = $GW_OUT
		proposals = aes256-sha1-modp1024
		rekey_time = 0
		dpd_delay = 20
		vips = 0.0.0.0
		pull = yes
		local {
			auth = psk
			${2:+id = $2}
		}
		local-xauth {
			auth = xauth
			xauth_id = $3
		}
		remote {
			auth = psk
			id = $GW_OUT
		}
		children {
			gw {
				remote_ts = $INSIDE_NET
				esp_proposals = aes256-sha1
				mode = tunnel
				start_action = none
			}
		}
	}
}
secrets {
	ike-group {
		secret = "${5:-$PSK}"
	}
	xauth-user {
		id = $3
		secret = "$4"
	}
}
SW
	charon_start "$SS_NS" $d "	install_virtual_ip = yes
	retransmit_tries = 2
	retransmit_timeout = 2
	retransmit_base = 1.8" "			default = 1
			ike = 2
			cfg = 2" "		resolve {
			file = $d/resolv.conf
		}"
	local rc=$?
	# shellcheck disable=SC2034 # ss_stop, ss_stop_all (lib.sh) read it
	SS_PIDS[$SS_N]=$CHARON_PID
	return $rc
}
vip_of() { n "$1" ip -4 -o addr show | sed -n "s/.* inet \\($2\\.[0-9]*\\)\\/.*/\\1/p" | head -n1; }

if ! espgwd_start "$(gw_conf "$P1" "$TSET" "$GRPCONF
$XAUTH")"; then
	fail "espgwd starts with groups and XAUTH" "$(tail -5 $RUNDIR/espgwd.log)"
	exit 0
fi

# ---- 1. vpnc, group vpngroup, user alice -----------------------------------------------
diag "1. vpnc at $(date +%T)"
vpnc_start a "$NS_CLIENT" vpngroup $GKEY alice "$APW"
if vpnc_wait_up a; then
	ok "vpnc: group vpngroup, user alice: up (its script called for connect)"
else
	fail "vpnc: group vpngroup, user alice: up" "$(why_vpnc a)"
fi
VIP=$(envof a INTERNAL_IP4_ADDRESS)
[[ $VIP =~ ^10\.2\.1\.[0-9]+$ ]] && ok "vpnc: handed $VIP from vpngroup's pool" ||
	{ fail "vpnc: handed an address of vpngroup's pool" "got '$VIP'"; VIP=10.2.1.1; }
check_match "vpnc: split network 10.2.2.0/255.255.255.0 handed to its script" \
	'^CISCO_SPLIT_INC_0_ADDR=10\.2\.2\.0$' cat $RUNDIR/vpnc-a/env.connect
check_match "vpnc: the group's DNS server" '^INTERNAL_IP4_DNS=10\.2\.2\.53$' cat $RUNDIR/vpnc-a/env.connect
check_match "vpnc: the group's banner" '^CISCO_BANNER=Welcome to vpngroup$' cat $RUNDIR/vpnc-a/env.connect
check_match "vpnc: its tun device holds $VIP" "inet $VIP/32" n_client ip -4 addr show dev vpnc0
check_match "espgwd: Aggressive Mode with group vpngroup" \
	"established with $CLIENT in Aggressive Mode, group vpngroup" cat $RUNDIR/espgwd.log
check_match "espgwd: XAUTH: user alice" "XAUTH: $CLIENT is user alice" cat $RUNDIR/espgwd.log
check_match "espgwd: vpnc pulled its address" "Mode-Config REQUEST from $CLIENT: REPLY $VIP" \
	cat $RUNDIR/espgwd.log
# Quick Mode may still be on its way when the script runs
for _ in $(seq 25); do [ "$(kernel_sas)" = 2 ] && break; sleep 0.2; done
check_match "espgw ike show: QM_IDLE, user alice, the lease $VIP" \
	"^$GW_OUT +$CLIENT +QM_IDLE .* alice +$VIP\$" "$ESPGW" ike show
traffic vpnc "$VIP" "$NS_CLIENT"
check "vpnc: TCP to the inside host (iperf3, 2 s)" sh -c \
	"ip netns exec $NS_INSIDE iperf3 -s -D -1 >/dev/null 2>&1; sleep 0.5;
	 ip netns exec $NS_CLIENT timeout 30 iperf3 -c $INSIDE -B $VIP -t 2"
in_pk=$(n_gw "$ESPGW" -j -s sa show | pyj "sum(s['stats']['packets'] for s in d if s['dir'] == 'in')" 2>/dev/null)
[ "${in_pk:-0}" -ge 6 ] && ok "espgw.ko decrypted vpnc's userspace ESP ($in_pk packets)" ||
	fail "espgw.ko decrypted vpnc's ESP" "$(n_gw "$ESPGW" -s sa show)"
vpnc_stop a
check "vpnc: TERM: it exited, its DELETEs leave no SA, policy or ISAKMP SA" gone
keep 1-vpnc

# ---- 2. a wrong password, three times ---------------------------------------------------
diag "2. wrong password at $(date +%T)"
bad=$(logged 'wrong user name or password')
VPNC_HELPER_PW=not-her-password vpnc_start bad "$NS_CLIENT" vpngroup $GKEY alice
if vpnc_wait_exit bad 60; then
	[ "$VPNC_RC" != 0 ] && ok "wrong password: vpnc gives up (status $VPNC_RC)" ||
		fail "wrong password: vpnc gives up" "it exited 0" "$(why_vpnc bad)"
else
	fail "wrong password: vpnc gives up within 60 s" "$(why_vpnc bad)"
	vpnc_stop bad
fi
check_match "wrong password: vpnc was told 'authentication unsuccessful'" \
	'authentication unsuccessful' cat $RUNDIR/vpnc-bad/vpnc.log
n=$(wc -l <$RUNDIR/vpnc-bad/helper.count 2>/dev/null)
[ "${n:-0}" = 3 ] && ok "wrong password: vpnc was asked three times" ||
	fail "wrong password: vpnc was asked three times" "its helper ran ${n:-0} times"
[ $(($(logged 'wrong user name or password') - bad)) = 3 ] &&
	ok "wrong password: espgwd refused three answers" ||
	fail "wrong password: espgwd refused three answers" "$(grep XAUTH $RUNDIR/espgwd.log | tail -5)"
check_match "wrong password: espgwd deleted the ISAKMP SA" \
	"XAUTH with $CLIENT failed: ISAKMP SA deleted" cat $RUNDIR/espgwd.log
check "wrong password: nothing installed, no ISAKMP SA" gone
check_fail "wrong password: vpnc's script was never called to connect" test -f $RUNDIR/vpnc-bad/env.connect

# ---- 3. a group the gateway does not have -----------------------------------------------
diag "3. unknown group at $(date +%T)"
xreq=$(logged 'XAUTH REQUEST to')
vpnc_start nogroup "$NS_CLIENT" nosuchgroup $GKEY alice "$APW"
if vpnc_wait_exit nogroup 60; then
	[ "$VPNC_RC" != 0 ] && ok "unknown group: vpnc is refused (status $VPNC_RC)" ||
		fail "unknown group: vpnc is refused" "it exited 0" "$(why_vpnc nogroup)"
else
	fail "unknown group: vpnc is refused within 60 s" "$(why_vpnc nogroup)"
	vpnc_stop nogroup
fi
diag "vpnc said: $(grep -iE 'hash|fail|error|invalid' $RUNDIR/vpnc-nogroup/vpnc.log | tail -2)"
check "unknown group: nothing installed, no ISAKMP SA" gone
[ "$(logged 'XAUTH REQUEST to')" = "$xreq" ] && ok "unknown group: no XAUTH was asked for" ||
	fail "unknown group: no XAUTH was asked for" "$(grep XAUTH $RUNDIR/espgwd.log | tail -3)"
# the group's key is not known: vpnc finds AM2's HASH_R wrong and never sends AM3
check_match "unknown group: vpnc finds the gateway's AM2 does not verify" \
	'hash comparison failed' cat $RUNDIR/vpnc-nogroup/vpnc.log
keep 2-3-vpnc-refused

# ---- 4. strongSwan as the iOS / Android built-in client -----------------------------------
diag "4. strongSwan, Aggressive Mode + XAUTH at $(date +%T)"
ss_use 2
V2=
if [ ! -e $XGEN ]; then
	skip "phone-like: strongSwan in Aggressive Mode + XAUTH" "$XGEN_WHY"
else
	if ! xs_start yes keyid:vpngroup alice "$APW" $GKEY; then
		fail "phone-like: charon starts" "$(cat $SS_DIR/load.log)"
	elif ss_up; then
		ok "phone-like: strongSwan, Aggressive Mode, keyid:vpngroup, xauth alice: up"
	else
		fail "phone-like: strongSwan, Aggressive Mode + XAUTH: up" "$(tail -12 $SS_DIR/initiate.log)" \
			"--- espgwd:" "$(grep -v ' DEBUG ' $RUNDIR/espgwd.log | tail -15)"
	fi
	V2=$(vip_of "$SS_NS" 10.2.1)
	[ -n "$V2" ] && ok "phone-like: holds $V2 from vpngroup's pool" ||
		{ fail "phone-like: holds an address of vpngroup's pool" "$(n_ss ip -4 addr show)"; V2=10.2.1.2; }
	log_has "phone-like: Aggressive Mode as vpngroup" \
		"IKE_SA gw\[[0-9]+\] established between $SS_ADDR\[vpngroup\]" $SS_DIR/charon.log
	log_has "phone-like: XAUTH as alice succeeded" "XAuth authentication of 'alice' .*successful" \
		$SS_DIR/charon.log
	log_has "phone-like: DPD every 20 s agreed (the gateway's DPD vendor ID)" 'received DPD vendor ID' \
		$SS_DIR/charon.log
	log_has "phone-like: DNS from the group" 'nameserver 10.2.2.53' $SS_DIR/resolv.conf
	check_match "phone-like: espgw ike show names alice" "^$GW_OUT +$SS_ADDR +QM_IDLE .* alice +$V2\$" \
		"$ESPGW" ike show
	traffic phone-like "$V2" "$SS_NS"
fi

# ---- 5. two groups at once -------------------------------------------------------------
diag "5. two groups at $(date +%T)"
vpnc_start sales "$NS_CLIENT" sales $SKEY bob "$BPW"
if vpnc_wait_up sales; then
	ok "two groups: vpnc as group sales, user bob: up beside the vpngroup client"
else
	fail "two groups: vpnc as group sales: up" "$(why_vpnc sales)"
fi
VS=$(envof sales INTERNAL_IP4_ADDRESS)
[[ $VS =~ ^10\.2\.3\.[0-9]+$ ]] && ok "two groups: sales gets $VS from salespool, vpngroup kept $V2" ||
	{ fail "two groups: sales gets an address of salespool" "got '$VS'"; VS=10.2.3.1; }
check_match "two groups: sales gets its own DNS server, not vpngroup's" \
	'^INTERNAL_IP4_DNS=10\.2\.2\.63$' cat $RUNDIR/vpnc-sales/env.connect
check_fail "two groups: sales gets no banner (vpngroup's is not its)" \
	grep -q CISCO_BANNER $RUNDIR/vpnc-sales/env.connect
for _ in $(seq 25); do [ "$(kernel_sas)" = $((${V2:+2} + 2)) ] && break; sleep 0.2; done
users=$(ikej "' '.join(sorted('%s=%s' % (s['user'], s['lease']) for s in d))")
want="alice=$V2 bob=$VS"
[ -n "$V2" ] || want="bob=$VS"
[ "$users" = "$want" ] && ok "two groups: espgw ike show: $want" ||
	fail "two groups: espgw ike show: alice and bob with their leases" "got '$users'"
traffic "two groups, sales" "$VS" "$NS_CLIENT"
[ -n "$V2" ] && traffic "two groups, vpngroup" "$V2" "$SS_NS"
vpnc_stop sales
if [ -n "$V2" ]; then
	check "two groups: vpnc leaves, the vpngroup client's SAs stay" gone 2
	ss_down
	ss_stop
fi
check "two groups: the clients leave, nothing is left" gone
keep 4-5-phone-two-groups

# ---- 6. Main Mode + XAUTH, the wildcard key ----------------------------------------------
diag "6. strongSwan, Main Mode + XAUTH at $(date +%T)"
ss_use 3
if [ ! -e $XGEN ]; then
	skip "main mode + xauth: strongSwan" "$XGEN_WHY"
else
	if ! xs_start no "" bob "$BPW"; then
		fail "main mode + xauth: charon starts" "$(cat $SS_DIR/load.log)"
	elif ss_up; then
		ok "main mode + xauth: strongSwan, the wildcard key, xauth bob: up"
	else
		fail "main mode + xauth: up" "$(tail -12 $SS_DIR/initiate.log)" \
			"--- espgwd:" "$(grep -v ' DEBUG ' $RUNDIR/espgwd.log | tail -15)"
	fi
	V3=$(vip_of "$SS_NS" 10.2.1)
	[ -n "$V3" ] && ok "main mode + xauth: holds $V3 from the default pool" ||
		{ fail "main mode + xauth: holds an address of the default pool" "$(n_ss ip -4 addr show)"; V3=10.2.1.3; }
	check_match "main mode + xauth: espgwd: Main Mode, then XAUTH user bob" \
		"XAUTH: $SS_ADDR is user bob" cat $RUNDIR/espgwd.log
	check_fail "main mode + xauth: not Aggressive Mode" grep -q "established with $SS_ADDR in Aggressive" \
		$RUNDIR/espgwd.log
	traffic "main mode + xauth" "$V3" "$SS_NS"
	ss_down
	ss_stop
	check "main mode + xauth: the client leaves, nothing is left" gone
fi
keep 6-main-mode

# ---- 7. vpnc behind the home router --------------------------------------------------------
diag "7. vpnc behind a NAT at $(date +%T)"
home_add 4 10
vpnc_start natt "$(home_ns 10)" vpngroup $GKEY alice "$APW" "NAT Traversal Mode natt"
if vpnc_wait_up natt; then
	ok "NAT: vpnc at $(home_addr 10) behind the home router: up"
else
	fail "NAT: vpnc behind the home router: up" "$(why_vpnc natt)"
fi
VN=$(envof natt INTERNAL_IP4_ADDRESS)
[[ $VN =~ ^10\.2\.1\.[0-9]+$ ]] && ok "NAT: handed $VN" || { fail "NAT: handed an address" "got '$VN'"; VN=10.2.1.9; }
for _ in $(seq 25); do [ "$(kernel_sas)" = 2 ] && break; sleep 0.2; done
m=$(ikej "' '.join('%s:%d %s' % (s['src'], s['src_port'], s['nat']) for s in d)")
[[ $m =~ ^$HOME_OUT:[0-9]+\ peer$ ]] && ok "NAT: espgw ike show: $m" ||
	fail "NAT: espgw ike show: the router's address, nat peer" "got '$m'"
check_match "NAT: both SAs ESP in UDP" '^2$' sh -c \
	"ip netns exec $NS_GW $ESPGW -j sa show | $ROOT/selftests/pyj.py \"len([s for s in d if s.get('encap', {}).get('type') == 'espinudp'])\""
traffic NAT "$VN" "$(home_ns 10)"
vpnc_stop natt
check "NAT: vpnc leaves, nothing is left" gone
keep 7-natt
espgwd_stop

# ---- 8. a group without XAUTH -------------------------------------------------------------
diag "8. no XAUTH at $(date +%T)"
if ! espgwd_start "$(gw_conf "$P1" "$TSET" "$GRPCONF")"; then
	fail "no XAUTH: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
	exit 0
fi
vpnc_start noxauth "$NS_CLIENT" vpngroup $GKEY alice "$APW"
if vpnc_wait_up noxauth; then
	ok "no XAUTH: vpnc connects with the group key alone, never asked for its password"
	VX=$(envof noxauth INTERNAL_IP4_ADDRESS)
	for _ in $(seq 25); do [ "$(kernel_sas)" = 2 ] && break; sleep 0.2; done
	check_match "no XAUTH: espgw ike show: no user ('-'), the lease $VX" \
		"^$GW_OUT +$CLIENT +QM_IDLE .* - +$VX\$" "$ESPGW" ike show
	traffic "no XAUTH" "$VX" "$NS_CLIENT"
else
	fail "no XAUTH: vpnc connects with the group key alone" "$(why_vpnc noxauth)"
fi
check_fail "no XAUTH: espgwd sent no XAUTH REQUEST" grep -q 'XAUTH REQUEST' $RUNDIR/espgwd.log
vpnc_stop noxauth
check "no XAUTH: vpnc leaves, nothing is left" gone
keep 8-no-xauth
espgwd_stop
exit 0
