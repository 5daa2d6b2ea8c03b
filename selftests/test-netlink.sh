#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The control plane of the data plane: strict validation with messages that
# name the bad input, keys never read back, policies of every action, acquire
# events, limits, per-namespace isolation.
source "$(dirname "$0")/lib.sh"

cap=/tmp/espgw-nl.$$
trap 'topo_destroy; rm -f $cap*' EXIT
mod_load
topo_create
G() { n_gw "$ESPGW" "$@"; }
K20=$(hexkey 20) K16=$(hexkey 16) K8=$(hexkey 8) K32=$(hexkey 32)

check_match "short AES-GCM key refused, naming the key" 'enc-key has the wrong length' \
	G sa add src $GW_OUT dst $CLIENT spi 0x3000 dir out enc aes-gcm-16 $K16
check_match "DES without legacy refused" 'legacy encryption algorithm needs the legacy flag' \
	G sa add src $GW_OUT dst $CLIENT spi 0x3000 dir out enc des-cbc $K8 auth hmac-sha1-96 $K20
check_match "HMAC-MD5 without legacy refused" 'legacy integrity algorithm needs the legacy flag' \
	G sa add src $GW_OUT dst $CLIENT spi 0x3000 dir out enc aes-cbc $K16 auth hmac-md5-96 $K16
check_match "CBC without integrity refused" 'needs an integrity algorithm' \
	G sa add src $GW_OUT dst $CLIENT spi 0x3000 dir out enc aes-cbc $K16
check_match "AEAD with an integrity algorithm refused" 'takes no separate integrity' \
	G sa add src $GW_OUT dst $CLIENT spi 0x3000 dir out enc aes-gcm-16 $K20 auth hmac-sha1-96 $K20
check_match "reserved SPI refused" 'SPI 0-255 is reserved' \
	G sa add src $GW_OUT dst $CLIENT spi 255 dir out enc aes-gcm-16 $K20
check_match "inbound SA without a selector refused" 'inbound SA needs a selector' \
	G sa add src $CLIENT dst $GW_OUT spi 0x3001 dir in enc aes-gcm-16 $K20
check_match "replay window above the maximum refused, naming it" 'replay-window' \
	G sa add src $CLIENT dst $GW_OUT spi 0x3001 dir in enc aes-gcm-16 $K20 replay-window 5000 \
	sel src $INSIDE_NET dst $CLIENT_VIP
# A lifetime past 2^32 - 1 s would overflow the expiry time (a timer re-armed every jiffy).
check_match "hard-secs 4294967296 refused by the kernel" "out of range" G sa add src $CLIENT dst $GW_OUT spi 0x3002 dir in \
	enc aes-gcm-16 $K20 sel src $INSIDE_NET dst $CLIENT_VIP hard-secs 4294967296
check_match "soft-secs 2^63 refused by the kernel" "out of range" G sa add src $CLIENT dst $GW_OUT spi 0x3002 \
	dir in enc aes-gcm-16 $K20 sel src $INSIDE_NET dst $CLIENT_VIP soft-secs 9223372036854775808
check "hard-secs 4294967295 accepted" G sa add src $CLIENT dst $GW_OUT spi 0x3002 dir in \
	enc aes-gcm-16 $K20 sel src $INSIDE_NET dst $CLIENT_VIP hard-secs 4294967295
check "and deleted" G sa del dst $GW_OUT spi 0x3002
check "replay window 4096 accepted" G sa add src $CLIENT dst $GW_OUT spi 0x3001 dir in \
	enc aes-gcm-16 $K20 replay-window 4096 sel src $INSIDE_NET dst $CLIENT_VIP
check_match "a duplicate SA refused" 'exists' G sa add src $CLIENT dst $GW_OUT spi 0x3001 dir in \
	enc aes-gcm-16 $K20 sel src $INSIDE_NET dst $CLIENT_VIP
check "an outbound SA" G sa add src $GW_OUT dst $CLIENT spi 0x3000 dir out enc aes-cbc $K32 \
	auth hmac-sha256-128 $K32

# The key never comes back: not in text, JSON, or the raw dump.
for k in $K20 $K32; do
	if G sa show | grep -qi "$k" || G -j sa show | grep -qi "$k"; then
		fail "keys are not shown by sa show"; break
	fi
done
ok "keys are not shown by sa show (text and JSON)"
raw=$(n_gw "$ROOT/selftests/nlprobe.py" dump-attrs sa-get)
grep -qiE "$K20|$K32" <<<"$raw" && fail "keys are not in the raw sa-get dump" ||
	ok "keys are not in the raw sa-get dump ($(wc -l <<<"$raw") attributes seen)"
check_match "sa show lists both SAs with the replay window" 'replay-window 4096' G sa show
check_match "deleting a missing SA names the problem" 'no such SA' G sa delete dst $CLIENT spi 0x9999
check_match "protect without an SA refused" 'protect needs sa-dst and sa-spi' \
	G policy add id 7 src $INSIDE_NET dst $CLIENT_VIP/32 action protect
check_match "bypass naming an SA refused" 'only a protect policy names an SA' \
	G policy add id 7 src $INSIDE_NET dst $CLIENT_VIP/32 action bypass sa dst $CLIENT spi 0x3000
check "policy 7 protect" G policy add id 7 src $INSIDE_NET dst $CLIENT_VIP/32 action protect \
	sa dst $CLIENT spi 0x3000
check_match "duplicate policy id refused" 'exists' \
	G policy add id 7 src $INSIDE_NET dst $CLIENT_VIP/32 action discard
check_match "replacing a missing policy refused" 'no policy with this id' \
	G policy replace id 8 src $INSIDE_NET dst $CLIENT_VIP/32 action discard
check "policy replace swaps policy 7 to discard" G policy replace id 7 src $INSIDE_NET \
	dst $CLIENT_VIP/32 action discard
check_match "policy show has the replacement" 'discard' G policy show id 7

# discard drops and counts; bypass lets clear text through; protect with a
# missing SA drops, counts and tells the daemon (acquire), once a second.
n_client ip addr add $CLIENT_VIP/32 dev lo
n_isp ip route add $CLIENT_VIP/32 via 198.51.100.10
n_isp ip route add $INSIDE_NET via $GW_OUT
n_client ip route add $INSIDE_NET via 198.51.100.254 src $CLIENT_VIP
check_fail "discard: the inside host cannot reach the client address" \
	n_inside ping -c2 -i0.2 -W1 $CLIENT_VIP
[ "$(ns_stat discard)" -ge 2 ] && ok "discard counts" || fail "discard counts" "$(ns_stat discard)"
check "bypass: policy replaced" G policy replace id 7 src $INSIDE_NET dst $CLIENT_VIP/32 action bypass
check "bypass: clear text flows" n_inside ping -c2 -i0.2 -W2 $CLIENT_VIP
check "protect with a missing SA" G policy replace id 7 src $INSIDE_NET dst $CLIENT_VIP/32 \
	action protect sa dst $CLIENT spi 0x7777
n_gw "$ESPGW" -j monitor >$cap 2>&1 &
mpid=$!
sleep 1
check_fail "protect without its SA: nothing leaves in clear" n_inside ping -c4 -i0.2 -W1 $CLIENT_VIP
sleep 0.5
kill $mpid; wait $mpid 2>/dev/null
acq=$("$ROOT/selftests/pyj.py" -l "len([e for e in d if e['event'] == 'acquire' and e['policy']['id'] == 7])" <$cap 2>&1)
[ "$acq" = 1 ] && ok "one acquire event for four packets in a second" ||
	fail "one acquire event (rate limited)" "got $acq" "$(cat $cap)"
[ "$(ns_stat no_sa_out)" -ge 4 ] && ok "packets without an SA are counted (no_sa_out)" ||
	fail "no_sa_out counted" "$(ns_stat no_sa_out)"

# namespaces are separate gateways
check_match "another namespace sees none of it" '^$' n_client "$ESPGW" sa show
check "flush sa keeps policies" G sa flush
check_match "policies survive sa flush" 'id 7' G policy show
check "flush" G flush
check_match "nothing left" '^$' G policy show
check_match "stats show counts zero SAs and policies" '"sa_count":0.*"policy_count":0|"policy_count":0.*"sa_count":0' G -j stats

# Dumps larger than one message resume where they stopped: every object once, in order
# (SAs oldest first, policies by id), also after deletions in the middle.
check "2,000 SAs and 1,000 policies installed in bulk" \
	n_gw python3 "$ROOT/bench/nlbulk.py" --sas 2000 --policies 1000 --batch 100
n_gw "$ESPGW" policy del id 100500 && n_gw "$ESPGW" sa del dst $GW_OUT spi 0x10000100
dump_check() {
	n_gw "$ESPGW" -j sa show | "$ROOT/selftests/pyj.py" \
		"(len(d), len({(s['dst'], s['spi']) for s in d}), [s['spi'] for s in d][:3])"
}
check_match "sa show lists 1,999 SAs, each once, oldest first" \
	"^\(1999, 1999, \[268435456, 536870912, 268435457\]\)$" dump_check
pol_check() {
	n_gw "$ESPGW" -j policy show | "$ROOT/selftests/pyj.py" \
		"(len(d), len({p['id'] for p in d}), [p['id'] for p in d] == sorted(p['id'] for p in d))"
}
check_match "policy show lists 999 policies, each once, by id" '^\(999, 999, True\)$' pol_check
check "flush the bulk" G flush
exit 0
