#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The source document's scenario, end to end. The same script is 'make demo'
# (DEMO=1: it also tells the story and shows the commands and their output
# for a person to read) and a selftest (TAP).
#
# The document's network in namespaces; the gateway runs espgw.ko, nftables
# for the router's NAT, and espgwd configured from
# docs/examples/cisco-14123.conf, the router's configuration line by line.
# Two strongSwan clients, one after the other: one with the document's
# profile (DES, MD5, DH group 1; the gateway pushes the address, as in the
# document's trace), one with a modern one (AES, SHA-1, group 14; the client
# pulls), then a third behind a home router (the modern profile; NAT-T: IKE
# on UDP 4500, ESP in UDP). Each gets an address from 'ip local pool ourpool', reaches the
# inside host and is reached by it, while the inside host still reaches the
# internet through NAT; the Verify section's show commands are run; when the
# client leaves, its lease returns to the pool and the kernel holds no SA.
source "$(dirname "$0")/lib.sh"

EXAMPLE=$ROOT/docs/examples/cisco-14123.conf
GRACE=5
PINGS_OUT=5 PINGS_IN=3

# show DESC CMD...: in demo mode print the command and its output
show() {
	local desc=$1
	shift
	[ -n "${DEMO:-}" ] || return 0
	echo "#"
	echo "# --- $desc"
	echo "# \$ $*" | sed "s/-$SUF//g; s#$ROOT/##g"
	"$@" 2>&1 | sed 's/^/#   /'
}

story() { [ -n "${DEMO:-}" ] && printf '#\n# %s\n' "$@"; return 0; }

trap 'ss_stop_all KILL; espgwd_stop; topo_destroy; rm -rf $RUNDIR' EXIT

# nat_check WHEN: the inside host reaches the internet host through the NAT
# pool: check what the internet host sees on the wire and what conntrack on
# the gateway recorded.
nat_check() {
	local cap tpid
	cap=$(mktemp)
	n_gw conntrack -F >/dev/null 2>&1
	n_inet timeout 20 tcpdump -i eth0 -n -l -c 1 'icmp[icmptype] == icmp-echo' >"$cap" 2>/dev/null &
	tpid=$!
	sleep 2
	check "$1: the inside host pings the internet host" n_inside ping -c3 -W5 $INET
	wait $tpid
	show "what the internet host sees" cat "$cap"
	if grep -Eq "IP 192\.0\.2\.(3[2-9]|[45][0-9]|6[0-3]) > $INET" "$cap"; then
		ok "$1: the internet host sees a NAT pool address, not $INSIDE"
	else
		fail "$1: the internet host sees a NAT pool address, not $INSIDE" "$(cat "$cap")"
	fi
	show "gateway conntrack" n_gw conntrack -L -p icmp
	check_match "$1: gateway conntrack shows the inside host translated" \
		"src=$INSIDE dst=$INET .* src=$INET dst=192\.0\.2\." n_gw conntrack -L -p icmp
	rm -f "$cap"
}

# modern: the document's file with a modern ISAKMP policy and transform set
# added, and the gateway answering the client's REQUEST only (no push)
modern() {
	while IFS= read -r line; do
		case "$line" in
		"crypto isakmp key cisco123 address 0.0.0.0")
			printf '%s\n' "$line" "crypto isakmp policy 2" " encryption aes 128" \
				" hash sha" " authentication pre-share" " group 14" ;;
		"crypto ipsec transform-set trans1 "*)
			printf '%s\n' "$line" "crypto ipsec transform-set trans2 esp-aes 128 esp-sha-hmac" ;;
		" set transform-set trans1")
			echo " set transform-set trans2 trans1" ;;
		"crypto map intmap client configuration address initiate") ;;
		*)	printf '%s\n' "$line" ;;
		esac
	done <"$EXAMPLE"
}

# ike_mapping: "ADDR PORT NAT" of the ISAKMP SA in 'espgw -j ike show'
ike_mapping() {
	"$ESPGW" -j ike show | "$ROOT/selftests/pyj.py" \
		"'%s %d %s' % (d[0]['src'], d[0]['src_port'], d[0]['nat'])"
}

# ns_totals: "OUT IN DROPS" of 'espgw -j stats' on the gateway
ns_totals() {
	n_gw "$ESPGW" -j stats | "$ROOT/selftests/pyj.py" "'%d %d %d' % (d['out_packets'],
		d['in_packets'], sum(v for k, v in d.items() if k not in
		('sa_count', 'policy_count', 'out_packets', 'in_packets', 'mapping')))"
}

sa_packets() {
	n_gw "$ESPGW" -j -s sa show | "$ROOT/selftests/pyj.py" \
		"sum(s['stats']['packets'] for s in d if s['dir'] == '$1')"
}

# run NAME CONF IKE ESP PULL IKE-SHOW-ALGS: one client (the ss_use one, seen by the
# gateway at PUB), the whole story
run() {
	local name=$1 conf=$2 ike=$3 esp=$4 pull=$5 algs=$6 vip cap tpid how base port sfx
	how=$([ "$pull" = yes ] && echo "pulls it (REQUEST/REPLY)" ||
		echo "gets it pushed (SET/ACK)")
	story "=== $name: IKE $ike, ESP $esp; the client $how"
	# the demo shortens the lease grace period (60 s by default) to show the lease return
	conf="$conf
espgw lease-grace $GRACE"
	if ! espgwd_start "$conf"; then
		fail "$name: espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
		return
	fi
	ok "$name: espgwd starts with the document's configuration"
	show "espgwd -t: the configuration is read" n_gw "$ESPGWD" -t -f $RUNDIR/espgwd.conf
	show "espgwd's log at start" head -n 3 $RUNDIR/espgwd.log

	ss_start "$ike" "$esp" cisco123 "		vips = 0.0.0.0
		pull = $pull"
	if ! ss_up; then
		fail "$name: the client brings the tunnel up" "$(tail -15 $SS_DIR/initiate.log)" \
			"--- espgwd:" "$(tail -15 $RUNDIR/espgwd.log)"
		ss_stop
		espgwd_stop
		return
	fi
	ok "$name: the client brings the tunnel up (Main Mode, Mode-Config, Quick Mode)"
	vip=$("$ESPGW" -j ike show | "$ROOT/selftests/pyj.py" "d[0]['lease']")
	if [[ $vip =~ ^10\.2\.1\.[0-9]+$ ]]; then
		ok "$name: the client gets $vip from ourpool"
	else
		fail "$name: the client gets an address from ourpool" "$("$ESPGW" ike show)"
		vip=10.2.1.1
	fi
	# the client's public mapping: 'ike show' adds the port when it is not 500
	port=$("$ESPGW" -j ike show | "$ROOT/selftests/pyj.py" "d[0]['src_port']")
	sfx=$([ "$port" = 500 ] || echo ":$port")
	if [ "$PUB" != "$SS_ADDR" ]; then
		story "The client is $SS_ADDR behind a home router; the gateway sees $PUB:$port."
		check_match "$name: espgw -j ike show: the client's mapping $PUB, NAT on its side" \
			"^$PUB $port peer\$" ike_mapping
		check_match "$name: espgw sa show: ESP in UDP to the client's public port" \
			"encap udp $PUB:$port local-port 4500" n_gw "$ESPGW" sa show
	fi
	if [ "$pull" = yes ]; then
		check_match "$name: by pull: espgwd answered the client's REQUEST" \
			"REQUEST from $PUB: REPLY $vip" cat $RUNDIR/espgwd.log
	else
		check_match "$name: by push: espgwd sent SET and the client acknowledged" \
			'Mode-Config ACK from' cat $RUNDIR/espgwd.log
	fi
	show "espgwd's log of the exchange (debug crypto isakmp / ipsec)" \
		grep -E 'established|leased|Mode-Config|IPsec SAs up' $RUNDIR/espgwd.log
	show "the client's addresses" n_ss ip -br -4 addr show
	check_match "$name: the client holds $vip" "inet $vip/" n_ss ip -4 addr show

	base=$(ns_totals)	# the namespace's totals so far (earlier runs)
	cap=$(mktemp)
	n_inside timeout 20 tcpdump -i eth0 -n -l -c 1 "icmp[icmptype] == icmp-echo and src $vip" \
		>"$cap" 2>/dev/null &
	tpid=$!
	sleep 2
	check "$name: the client pings the inside host $INSIDE" \
		n_ss ping -c$PINGS_OUT -i0.3 -W5 -I "$vip" $INSIDE
	wait $tpid
	show "what the inside host sees" cat "$cap"
	check_match "$name: the inside host sees the pool address $vip as the source" \
		"IP $vip > $INSIDE: ICMP echo request" cat "$cap"
	rm -f "$cap"
	check "$name: the inside host pings the client back at $vip" \
		n_inside ping -c$PINGS_IN -i0.3 -W5 "$vip"
	nat_check "$name, VPN up"

	story "The document's Verify section, on Linux:"
	show "espgw ike show  (show crypto isakmp sa)" n_gw "$ESPGW" ike show
	show "espgw sa show -s  (show crypto ipsec sa)" n_gw "$ESPGW" -s sa show
	show "espgw policy show -s  (the proxy identities)" n_gw "$ESPGW" -s policy show
	show "espgw stats  (show crypto engine connections active)" n_gw "$ESPGW" stats
	show "espgw pool show  (show ip local pool)" n_gw "$ESPGW" pool show
	check_match "$name: espgw ike show: QM_IDLE with $algs and the lease" \
		"^$GW_OUT +$PUB$sfx +QM_IDLE .* $algs .* 1 +- +$vip\$" n_gw "$ESPGW" ike show
	# each ping is one packet each way: encaps and decaps match them exactly
	check_match "$name: decaps count the client's pings and replies ($((PINGS_OUT + PINGS_IN)))" \
		"^$((PINGS_OUT + PINGS_IN))\$" sa_packets in
	check_match "$name: encaps count the inside host's replies and pings ($((PINGS_OUT + PINGS_IN)))" \
		"^$((PINGS_OUT + PINGS_IN))\$" sa_packets out
	check_match "$name: espgw sa show -s has the decaps line" \
		"#pkts decaps: $((PINGS_OUT + PINGS_IN)), #pkts decrypt: $((PINGS_OUT + PINGS_IN))" \
		n_gw "$ESPGW" -s sa show
	check_match "$name: espgw stats: two SAs" '^sa count: 2$' n_gw "$ESPGW" stats
	# shellcheck disable=SC2086
	set -- $base
	check_match "$name: espgw stats: the namespace totals count the same packets, no drop" \
		"^$(($1 + PINGS_OUT + PINGS_IN)) $(($2 + PINGS_OUT + PINGS_IN)) $3\$" ns_totals

	check_match "$name: espgw pool show: the lease is active" "^  $vip +active +$PUB:$port" \
		n_gw "$ESPGW" pool show

	story "The client disconnects."
	ss_stop
	[ "$(kernel_sas)" = 0 ] && ok "$name: the kernel holds no SA after the client left" ||
		fail "$name: the kernel holds no SA after the client left" "$(n_gw "$ESPGW" sa show)"
	check_match "$name: no ISAKMP SA left" '^\[\]$' "$ESPGW" -j ike show
	show "espgw pool show: the lease waits $GRACE s for its client" n_gw "$ESPGW" pool show
	sleep $((GRACE + 1))
	show "espgw pool show: ... then returns to the pool" n_gw "$ESPGW" pool show
	check_match "$name: the lease returned to the pool" \
		'^pool ourpool: 10\.2\.1\.1-10\.2\.1\.254, 254 addresses, 0 in use, 0 in grace, 254 free$' \
		n_gw "$ESPGW" pool show
	espgwd_stop
}

story "Building the document's network in namespaces:" \
      "  remote client $CLIENT --- ISP --- $GW_OUT gateway $GW_IN --- inside host $INSIDE" \
      "  and an internet host $INET behind the same ISP."
topo_create
nat_create
mkdir -p $RUNDIR
export SS_INSTALL_VIP=yes
show "gateway interfaces" n_gw ip -br addr
show "gateway NAT rules (the document's 'ip nat inside source route-map nonat pool outsidepool')" \
	n_gw nft list table ip espgw_nat

check "espgw.ko loaded" mod_load
show "espgw info in the gateway's namespace" n_gw "$ESPGW" info
check_match "espgw answers in the gateway's namespace" '^version: ' n_gw "$ESPGW" info
check "client reaches the gateway's outside address" n_client ping -c1 -W5 $GW_OUT
check "inside host reaches the gateway" n_inside ping -c1 -W5 $GW_IN
nat_check "before any VPN"

story "espgwd's configuration: the router's, line by line ($(basename "$EXAMPLE"))."
show "the live lines of $(basename "$EXAMPLE")" grep -v '^ *!' "$EXAMPLE"

PUB=$CLIENT
run "document profile" "$(cat "$EXAMPLE")" des-md5-modp768 des-md5 no "des +md5 +1"
run "modern profile" "$(modern)" aes128-sha1-modp2048 aes128-sha1 yes "aes-128 +sha +14"

story "A third client, behind a home router: its NAT (nft masquerade of 192.168.1.0/24)" \
      "  192.168.1.10 --- home router $(client_addr 3) --- ISP --- $GW_OUT gateway" \
      "  Main Mode finds it (NAT-D), IKE floats to UDP 4500, ESP travels in UDP."
home_add 3 10
ss_use lan10
PUB=$HOME_OUT
run "behind a home router" "$(modern)" aes128-sha1-modp2048 aes128-sha1 yes "aes-128 +sha +14"

topo_destroy
trap - EXIT
rm -rf $RUNDIR
check "rmmod espgw" mod_unload
exit 0
