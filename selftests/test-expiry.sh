#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lifetimes and dead peers. Lifetimes negotiated by espgwd, enforced by espgw.ko, acted on by espgwd: a
# dynamic map with the smallest volume lifetime the router accepts (2560 KB),
# a strongSwan client, and more than that through the tunnel. The kernel
# reports the soft limit, then the hard one; espgwd then removes both SAs and
# the policy and tells the client with a DELETE, or (if the client rekeyed
# first, make-before-break) only the old pair goes and traffic goes on.
# Then DPD ('crypto isakmp keepalive'): a silent live client is asked and
# answers; a client that vanishes without a DELETE is declared dead, and its
# SAs, reverse route and lease go.
source "$(dirname "$0")/lib.sh"

trap 'ss_stop_all KILL; espgwd_stop; topo_destroy; rm -rf $RUNDIR; pkill -x iperf3' EXIT
mod_load
topo_create
mkdir -p $RUNDIR

P1=" encryption aes 128
 hash sha
 authentication pre-share
 group 14"
export DYNMAP_EXTRA=" set security-association lifetime kilobytes 2560"
if ! espgwd_start "$(gw_conf "$P1" "crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac")"; then
	fail "espgwd starts" "$(tail -5 $RUNDIR/espgwd.log)"
	exit 0
fi
ss_start aes128-sha1-modp2048 aes128-sha1
if ! ss_up; then
	fail "tunnel up" "$(tail -15 $SS_DIR/initiate.log)" "--- espgwd:" "$(tail -15 $RUNDIR/espgwd.log)"
	exit 0
fi
ok "tunnel up with a 2560 KB lifetime"
spi_in=$(n_gw "$ESPGW" -j sa show | "$ROOT/selftests/pyj.py" \
	"[s['spi'] for s in d if s['dir'] == 'in'][0]")
check_match "the kernel SA carries the negotiated hard limit (2560 KB)" \
	"hard-bytes 2621440" n_gw "$ESPGW" sa show
check_match "... and the soft one at 90%" "soft-bytes 2359296" n_gw "$ESPGW" sa show

# 4 MB from the client: past the inbound SA's soft and hard limits
n_inside iperf3 -s -1 -D >/dev/null 2>&1
sleep 1
n_client timeout 30 iperf3 -c $INSIDE -n 4M >/dev/null 2>&1
sleep 2
check_match "espgwd heard the soft limit" "SA 0x$(printf %08x "$spi_in"): soft lifetime reached" \
	cat $RUNDIR/espgwd.log
check_match "espgwd heard the hard limit" "SA 0x$(printf %08x "$spi_in"): hard lifetime reached" \
	cat $RUNDIR/espgwd.log
if n_gw "$ESPGW" -j sa show | "$ROOT/selftests/pyj.py" "[s['spi'] for s in d]" |
	grep -qw "$spi_in"; then
	fail "the expired SA is gone from the kernel" "$(n_gw "$ESPGW" sa show)"
else
	ok "the expired SA is gone from the kernel"
fi
check_match "the client was told (DELETE for its CHILD_SA)" \
	'received DELETE for ESP CHILD_SA' cat $SS_DIR/charon.log
left=$(kernel_sas)
if [ "$left" = 0 ]; then
	ok "no SA left: espgwd removed the pair and its policy"
	check_match "no policy left" '^0$' sh -c \
		"ip netns exec $NS_GW $ESPGW -j policy show | $ROOT/selftests/pyj.py 'len(d)'"
else
	# the client rekeyed before the hard limit: the new pair carries the traffic
	check_match "the client rekeyed: the new pair is up" '^2$' kernel_sas
	check "traffic crosses the new pair" n_client ping -c2 -i0.3 -W5 $INSIDE
fi
ss_stop
espgwd_stop

# ---- dead peer detection: 'crypto isakmp keepalive 10 2' --------------------------------
: >$RUNDIR/espgwd.log
export DYNMAP_EXTRA=" reverse-route"
espgwd_start "$(gw_conf "$P1" "crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac" \
"crypto isakmp keepalive 10 2
ip local pool ourpool 10.2.1.1 10.2.1.9
crypto isakmp client configuration address-pool local ourpool
crypto map intmap client configuration address respond")" || fail "espgwd starts (DPD)"
export SS_INSTALL_VIP=yes
ss_start aes128-sha1-modp2048 aes128-sha1 "" "		vips = 0.0.0.0
		pull = yes"
if ss_up; then
	ok "DPD: tunnel up"
else
	fail "DPD: tunnel up" "$(tail -15 $SS_DIR/initiate.log)"
fi
# a live client answers: after 10 s of silence espgwd asks, and keeps the SAs
sleep 14
check_match "DPD: espgwd asks a silent client R-U-THERE" 'DPD R-U-THERE [0-9]+ to' \
	cat $RUNDIR/espgwd.log
check_match "DPD: the client answers" 'generating INFORMATIONAL_V1 request .*N\(DPD_ACK\)' \
	cat $SS_DIR/charon.log
[ "$(kernel_sas)" = 2 ] && ok "DPD: a live client keeps its SAs" ||
	fail "DPD: a live client keeps its SAs" "$(tail -5 $RUNDIR/espgwd.log)"
# a client that vanishes without a DELETE: dead after 10 s + 5 x 2 s
ss_stop KILL
for _ in $(seq 40); do
	[ "$(kernel_sas)" = 0 ] && break
	sleep 1
done
check_match "DPD: espgwd declares the vanished client dead" \
	"198\.51\.100\.10 is dead \(5 R-U-THERE unanswered\)" cat $RUNDIR/espgwd.log
[ "$(kernel_sas)" = 0 ] && ok "DPD: its SAs are removed" ||
	fail "DPD: its SAs are removed" "$(n_gw "$ESPGW" sa show)"
check_match "DPD: its reverse route is removed" '^$' n_gw ip -4 route show proto 245
check_match "DPD: its lease waits in grace" '^  10\.2\.1\.1 +grace ' "$ESPGW" pool show
espgwd_stop
exit 0
