#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark helpers (sourced after selftests/lib.sh): the two set-ups that
# selftests/lib.sh's tunnel_up (XFRM client <-> espgw gateway) is compared with.

# xfrm_gw_up ALG: the same tunnel as tunnel_up, but the gateway namespace runs
# Linux XFRM ('ip xfrm') instead of espgw: XFRM <-> XFRM.
xfrm_gw_up() {
	local ek_in ak_in ek_out ak_out ns
	alg_params "$1" || return 1
	ek_in=$(hexkey $ENC_LEN) ek_out=$(hexkey $ENC_LEN)
	ak_in=$(hexkey $AUTH_LEN) ak_out=$(hexkey $AUTH_LEN)
	n_client ip addr replace $CLIENT_VIP/32 dev lo
	n_client ip route replace $INSIDE_NET via 198.51.100.254 src $CLIENT_VIP
	for ns in "$NS_CLIENT" "$NS_GW"; do
		xfrm_state "$ns" $CLIENT $GW_OUT $SPI_IN "$ek_in" "$ak_in" || return 1
		xfrm_state "$ns" $GW_OUT $CLIENT $SPI_OUT "$ek_out" "$ak_out" || return 1
	done
	n_client ip xfrm policy add src $CLIENT_VIP/32 dst $INSIDE_NET dir out \
		tmpl src $CLIENT dst $GW_OUT proto esp mode tunnel reqid 1 || return 1
	n_client ip xfrm policy add src $INSIDE_NET dst $CLIENT_VIP/32 dir in \
		tmpl src $GW_OUT dst $CLIENT proto esp mode tunnel reqid 1 || return 1
	# gateway: inside -> client leaves through ESP; client -> inside is
	# forwarded (fwd) or for the gateway itself (in), and must come through ESP
	n_gw ip xfrm policy add src $INSIDE_NET dst $CLIENT_VIP/32 dir out \
		tmpl src $GW_OUT dst $CLIENT proto esp mode tunnel reqid 1 || return 1
	n_gw ip xfrm policy add src $CLIENT_VIP/32 dst $INSIDE_NET dir fwd \
		tmpl src $CLIENT dst $GW_OUT proto esp mode tunnel reqid 1 || return 1
	n_gw ip xfrm policy add src $CLIENT_VIP/32 dst $INSIDE_NET dir in \
		tmpl src $CLIENT dst $GW_OUT proto esp mode tunnel reqid 1 || return 1
}

xfrm_gw_down() {
	local ns
	for ns in "$NS_CLIENT" "$NS_GW"; do
		n "$ns" ip xfrm policy flush
		n "$ns" ip xfrm state flush
	done
}

# plain_up / plain_down: no tunnel; the client's virtual address and the
# inside network are routed in the clear through isp and the gateway.
plain_up() {
	n_client ip addr replace $CLIENT_VIP/32 dev lo
	n_client ip route replace $INSIDE_NET via 198.51.100.254 src $CLIENT_VIP
	n_isp ip route replace $CLIENT_VIP/32 via $CLIENT
	n_isp ip route replace $INSIDE_NET via $GW_OUT
}

# Removed before any tunnel run, so that a broken tunnel cannot leak clear text
# that would then be measured as tunnel throughput.
plain_down() {
	n_isp ip route del $CLIENT_VIP/32 2>/dev/null
	n_isp ip route del $INSIDE_NET 2>/dev/null
	return 0
}

# xfrm_replay NS SPI: the replay drops of an XFRM state ('ip -s xfrm state'): its
# 'replay-window' counter (older than the window) and its 'replay' one (seen before)
xfrm_replay() {
	n "$1" ip -s xfrm state list spi "$2" 2>/dev/null |
		sed -n 's/.*replay-window \([0-9]*\) replay \([0-9]*\) failed.*/too old \1, seen \2/p' |
		head -n1
}
