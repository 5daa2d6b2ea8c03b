#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of bench/throughput (runs inside the VM, as root). In the
# document's topology (selftests/lib.sh, with the gateway's NAT rules, so that
# conntrack runs in every set-up) it measures, between the client's virtual
# address and the inside host:
#   plain   no tunnel (routed in the clear)
#   xfrm    XFRM client <-> XFRM gateway      (per algorithm)
#   espgw   XFRM client <-> espgw gateway     (per algorithm)
# each with iperf3 TCP both ways and 64-byte UDP both ways (receiver's packets/s);
# then espgw gcm128 TCP/UDP right before and right after installing BENCH_EXTRA
# extra SAs and policies. Results: $BENCH_OUT/bench.tsv (bench/report.py reads it).
#
# ALG-udp are the same with ESP in UDP (NAT-T, RFC 3948) on both sides: XFRM's
# 'encap espinudp' against espgw's, for BENCH_NATT_ALGS (gcm128; "" for none).
# BENCH_SECS (10) per run, BENCH_ROUNDS (1) repetitions of the comparison,
# BENCH_ALGS ("gcm128 aes128-sha1"), BENCH_EXTRA (10000), BENCH_REPLAY (1024: the
# anti-replay window of espgw's and XFRM's inbound SAs alike, espgwd's default).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../selftests/lib.sh
source "$ROOT/selftests/lib.sh"
# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"

SECS=${BENCH_SECS:-10}
ROUNDS=${BENCH_ROUNDS:-1}
BALGS=${BENCH_ALGS:-gcm128 aes128-sha1}
NALGS=${BENCH_NATT_ALGS-gcm128}
EXTRA=${BENCH_EXTRA:-10000}
export REPLAY_WINDOW=${BENCH_REPLAY:-1024}
OUTD=${BENCH_OUT:-/tmp/espgw-vm-out}
PORT=5201
PY=/usr/bin/python3
TSV=$OUTD/bench.tsv
JDIR=$OUTD/json
mkdir -p "$JDIR"
: >"$TSV"

SRV=
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
	topo_destroy
}
trap cleanup EXIT

log() { echo "bench: $(date +%T) $*"; }
info() { printf '#\t%s\n' "$*" >>"$TSV"; log "$*"; }

# result SETUP ALG TEST VALUE UNIT
result() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$ROUND" "$@" >>"$TSV"; log "$*"; }

wait_listen() {
	local i
	for i in $(seq 20); do
		n_inside ss -Hltnu "sport = :$PORT" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# iperf SETUP ALG TEST IPERF-ARGS...: one bounded iperf3 run between the client's
# virtual address and the inside host (server on the inside host, one-off)
iperf() {
	local setup=$1 alg=$2 test=$3 json val
	shift 3
	json=$JDIR/r$ROUND-$setup-$alg-$test.json
	n_inside timeout $((SECS + 40)) iperf3 -s -1 -B $INSIDE -p $PORT >/dev/null 2>&1 &
	SRV=$!
	wait_listen || log "iperf3 server not listening"
	n_client timeout $((SECS + 30)) iperf3 -c $INSIDE -B $CLIENT_VIP -p $PORT \
		-t "$SECS" -J "$@" >"$json" 2>&1
	kill "$SRV" 2>/dev/null
	wait "$SRV" 2>/dev/null
	SRV=
	val=$($PY - "$json" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("nan\tno-json"); sys.exit()
if "error" in d:
    print("nan\t" + d["error"].replace("\t", " ")); sys.exit()
r, s = d["end"]["sum_received"], d["end"]["sum_sent"]
if d["start"]["test_start"]["protocol"] == "UDP":
    got = r["packets"] - r["lost_packets"]
    print("%.0f\tpps\t(sent %.0f pps, received %.0f pps by bytes/64)" % (
        got / r["seconds"], s["packets"] / s["seconds"], r["bytes"] / 64 / r["seconds"]))
else:
    print("%.1f\tMbit/s\t(retransmits %s)" % (r["bits_per_second"] / 1e6, s.get("retransmits")))
EOF
)
	result "$setup" "$alg" "$test" "$val"
}

# measure SETUP ALG: the four runs
measure() {
	info "round $ROUND: $1 $2"
	iperf "$1" "$2" tcp-c2i
	iperf "$1" "$2" tcp-i2c -R
	iperf "$1" "$2" udp64-c2i -u -l 64 -b 0
	iperf "$1" "$2" udp64-i2c -u -l 64 -b 0 -R
}

# the traffic really went through the tunnel: the gateway's inbound SA counted it
check_xfrm() {
	info "check $1 $2: gateway XFRM inbound state $(xfrm_packets "$NS_GW" $SPI_IN) packets (replay drops $(xfrm_replay "$NS_GW" $SPI_IN)), outbound $(xfrm_packets "$NS_GW" $SPI_OUT); client sent $(xfrm_packets "$NS_CLIENT" $SPI_IN), received $(xfrm_packets "$NS_CLIENT" $SPI_OUT) (replay drops $(xfrm_replay "$NS_CLIENT" $SPI_OUT))"
}
check_espgw() {
	local d
	d=$(n_gw "$ESPGW" -j -s sa show dst $GW_OUT spi $SPI_IN; n_gw "$ESPGW" -j -s sa show dst $CLIENT spi $SPI_OUT)
	d=$($PY -c '
import json, sys
t, dec, out, i = sys.stdin.read(), json.JSONDecoder(), [], 0
while True:
    while i < len(t) and t[i].isspace():
        i += 1
    if i >= len(t):
        break
    o, i = dec.raw_decode(t, i)
    out += o if isinstance(o, list) else [o]
print(" ".join(str(s["stats"][k]) for s in out
               for k in ("packets", "auth_fail", "replay", "replay_late", "errors", "mtu")))' <<<"$d")
	# shellcheck disable=SC2086
	set -- "$1" "$2" $d
	info "check $1 $2: espgw inbound SA $3 packets (auth_fail $4, replay drops before decryption $5, after $6, errors $7), outbound SA $9 packets (errors ${13}, mtu ${14}); client XFRM sent $(xfrm_packets "$NS_CLIENT" $SPI_IN), received $(xfrm_packets "$NS_CLIENT" $SPI_OUT) (replay drops $(xfrm_replay "$NS_CLIENT" $SPI_OUT))"
}

kmem() { awk '/^(Slab|Percpu):/ { s += $2 } END { print s }' /proc/meminfo; }

info "kernel $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), aes flag: $(grep -qw aes /proc/cpuinfo && echo yes || echo no)"
info "iperf3 $(iperf3 --version | head -n1 | awk '{print $2}'), ${SECS}s per run, rounds $ROUNDS, date $(date -u +%FT%TZ)"
mod_load || { log "cannot load $ESPGW_KO"; exit 1; }
info "espgw $("$ESPGW" info | head -n1)"
topo_create
nat_create

run_xfrm() {
	if xfrm_gw_up "$1"; then
		measure xfrm "$1"
		check_xfrm xfrm "$1"
	else
		info "xfrm $1: set-up failed"
	fi
	xfrm_gw_down
}
run_espgw() {
	if tunnel_up "$1"; then
		measure espgw "$1"
		check_espgw espgw "$1"
	else
		info "espgw $1: set-up failed"
	fi
	tunnel_down
}

# ESP in UDP: both ends hold a UDP_ENCAP socket on 4500, as IKE daemons do
natt_up() {
	natt_hold "$NS_CLIENT" "$OUTD/natt-client.log" && natt_hold "$NS_GW" "$OUTD/natt-gw.log"
}
run_xfrm_udp() {
	if natt_up && XFRM_ENCAP="encap espinudp 4500 4500 0.0.0.0" xfrm_gw_up "$1"; then
		measure xfrm "$1-udp"
		check_xfrm xfrm "$1-udp"
	else
		info "xfrm $1-udp: set-up failed"
	fi
	xfrm_gw_down
	natt_stop
}
run_espgw_udp() {
	if natt_up && NATT=1 tunnel_up "$1"; then
		measure espgw "$1-udp"
		check_espgw espgw "$1-udp"
	else
		info "espgw $1-udp: set-up failed"
	fi
	tunnel_down
	natt_stop
}

# odd rounds run XFRM first, even rounds espgw first (host load drifts)
for ROUND in $(seq "$ROUNDS"); do
	plain_up
	measure plain -
	plain_down
	for alg in $BALGS; do
		if [ $((ROUND % 2)) = 1 ]; then
			run_xfrm "$alg"; run_espgw "$alg"
		else
			run_espgw "$alg"; run_xfrm "$alg"
		fi
	done
	for alg in $NALGS; do
		if [ $((ROUND % 2)) = 1 ]; then
			run_xfrm_udp "$alg"; run_espgw_udp "$alg"
		else
			run_espgw_udp "$alg"; run_xfrm_udp "$alg"
		fi
	done
done

# (d) many SAs and policies: before/after in the same tunnel
ROUND=1
if [ "$EXTRA" -gt 0 ] && tunnel_up gcm128; then
	iperf espgw-before gcm128 tcp-c2i
	iperf espgw-before gcm128 tcp-i2c -R
	iperf espgw-before gcm128 udp64-i2c -u -l 64 -b 0 -R

	# the control tool, one process per object, for scale
	t0=$(date +%s.%N)
	for i in $(seq 20); do
		n_gw "$ESPGW" policy add id $((200000 + i)) src $INSIDE_NET dst 10.96.0.$i/32 \
			action bypass || break
	done
	t1=$(date +%s.%N)
	info "tool: 20 x 'ip netns exec GW espgw policy add' in a shell loop: $(echo "$t1 - $t0" | bc) s"
	n_gw "$ESPGW" policy flush >/dev/null
	tunnel_down
	tunnel_up gcm128 || info "espgw gcm128: set-up after the tool loop failed"

	m0=$(kmem)
	t0=$(date +%s.%N)
	out=$(n_gw $PY "$ROOT/bench/nlbulk.py" --sas "$EXTRA" --policies "$EXTRA" 2>&1)
	t1=$(date +%s.%N)
	m1=$(kmem)
	info "bulk install (bench/nlbulk.py, raw genl, 64 requests per send): $out; whole process $(echo "$t1 - $t0" | bc) s; kernel Slab+Percpu +$(( m1 - m0 )) kB"
	info "gateway now: sa_count $(ns_stat sa_count), policy_count $(ns_stat policy_count)"

	iperf espgw-10k gcm128 tcp-c2i
	iperf espgw-10k gcm128 tcp-i2c -R
	iperf espgw-10k gcm128 udp64-i2c -u -l 64 -b 0 -R
	check_espgw espgw-10k gcm128

	t0=$(date +%s.%N)
	n_gw "$ESPGW" flush
	t1=$(date +%s.%N)
	info "espgw flush of $((EXTRA * 2 + 3)) objects: $(echo "$t1 - $t0" | bc) s"
	n_client ip xfrm policy flush
	n_client ip xfrm state flush

	# the same runs again without the extra state, to bracket host drift
	if tunnel_up gcm128; then
		iperf espgw-after gcm128 tcp-c2i
		iperf espgw-after gcm128 tcp-i2c -R
		iperf espgw-after gcm128 udp64-i2c -u -l 64 -b 0 -R
		tunnel_down
	fi
fi

log "done"
$PY "$ROOT/bench/report.py" "$TSV"
