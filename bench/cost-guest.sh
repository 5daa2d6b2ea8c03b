#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/cost, the guest side: the gateway's own cost per packet, in guest time,
# under QEMU's instruction counting (one vCPU, -icount: guest time follows the
# instructions executed, so host load does not move it).
#
# Encrypt (enc): pktgen in a source namespace (the inside host, 10.2.2.5) sends
# COUNT UDP packets of SIZE bytes (IP) to a client's address (10.2.1.1) through
# the gateway namespace, whose route to the client ends in a dummy device (the
# cheapest sink: nothing past the gateway is measured). Decrypt (dec):
# espgw-pktinject in a client namespace sends a stream of COUNT valid ESP packets
# (sequence numbers 1..COUNT, made on the host by bench/espstream.py with the keys
# in $COST_STREAMS/keys) to the gateway, whose route to the inside host ends in a
# dummy. On one CPU the sender's elapsed time covers making (or sending) the
# packet, the gateway's forwarding and its tunnel: ns per packet = elapsed /
# COUNT. Variants in one boot with the same keys: no tunnel (plain: the same inner
# packets in clear), XFRM (ip xfrm state + out or fwd policy) and espgw (sa +
# policy), each checked by its SA's packet counter; and the cipher alone
# (bench/cipher's module: the same AEAD on ESP-shaped requests).
#
# Env: COST_ALGS ("gcm128 aes128-sha1"), COST_SIZES ("64 1400"), COST_DIRS
# ("enc dec"), COST_REPS (3), COST_COUNT_64 (20000), COST_COUNT_1400 (5000),
# COST_CIPHER_KO (the module), COST_STREAMS (the decrypt streams), COST_INJECT,
# COST_PROFILE=1: after each measurement, one more XFRM and one more espgw run
# under perf (cpu-clock samples of the whole guest, not measured), whose top
# symbols go to $ESPGW_VM_OUT/perf-KIND-ALG-SIZE-DIR.txt.
# Prints per run 'run ...' and 'sys ...' lines, then 'cost ALG SIZE DIR
# espgw_ns=N xfrm_ns=N plain_ns=N cipher_ns=N spread_pct=N' (medians; spread =
# the largest (max - min) / median over the variants, in %).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/selftests/lib.sh"

ALGS=${COST_ALGS:-gcm128 aes128-sha1}
SIZES=${COST_SIZES:-64 1400}
REPS=${COST_REPS:-3}
COST_COUNT_64=${COST_COUNT_64:-20000} COST_COUNT_1400=${COST_COUNT_1400:-5000}
KO=${COST_CIPHER_KO:-}
NS_SRC=src-$SUF NS_CL=cl-$SUF
STREAMS=${COST_STREAMS:-}
DIRS=${COST_DIRS:-enc dec}
PG=/proc/net/pktgen

cleanup() {
	ip netns del "$NS_SRC" 2>/dev/null; ip netns del "$NS_CL" 2>/dev/null
	ip netns del "$NS_GW" 2>/dev/null
}
trap cleanup EXIT

# encrypt: the source (pktgen on s0) -> gw in (10.2.2.1) ... gw dout (a dummy: the
# client's addresses are routed there). decrypt: the client (pktinject on c0) -> gw
# out (192.0.2.1) ... gw din (a dummy; the inside host's /32 is routed there for
# the decrypt runs only)
topo() {
	ip netns add "$NS_SRC" && ip netns add "$NS_CL" && ip netns add "$NS_GW" || return 1
	ip link add s0 netns "$NS_SRC" type veth peer name in netns "$NS_GW" || return 1
	ip link add c0 netns "$NS_CL" type veth peer name out netns "$NS_GW" || return 1
	n "$NS_SRC" ip addr add $INSIDE/24 dev s0
	n "$NS_SRC" ip link set s0 up
	n "$NS_CL" ip link set c0 up
	n_gw ip addr add $GW_IN/24 dev in
	n_gw ip addr add $GW_OUT/24 dev out
	n_gw ip link add dout type dummy
	n_gw ip link add din type dummy
	for d in in out dout din lo; do n_gw ip link set $d up; done
	n_gw sysctl -qw net.ipv4.ip_forward=1
	n_gw ip route add $CLIENT/32 dev dout
	n_gw ip route add $CLIENT_VIP/32 dev dout
	# no ARP on the veths either: pktgen and pktinject address the gateway's MACs
	n_gw ip neigh replace $INSIDE lladdr "$(n "$NS_SRC" cat /sys/class/net/s0/address)" dev in
}

pg() { n "$NS_SRC" sh -c "echo '$2' > $PG/$1"; }

# pktgen_run SIZE COUNT: ns per packet (guest time), from pktgen's own result
pktgen_run() {
	local size=$1 count=$2 mac res usec
	mac=$(n_gw cat /sys/class/net/in/address)
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device s0"
	pg s0 "count $count"
	pg s0 "pkt_size $((size + 14))"
	pg s0 "clone_skb 0"
	pg s0 "delay 0"
	pg s0 "dst $CLIENT_VIP"
	pg s0 "src_min $INSIDE"
	pg s0 "src_max $INSIDE"
	pg s0 "dst_mac $mac"
	pg s0 "udp_src_min 9"
	pg s0 "udp_src_max 9"
	pg s0 "udp_dst_min 9"
	pg s0 "udp_dst_max 9"
	pg pgctrl start
	res=$(n "$NS_SRC" cat $PG/s0 | grep -m1 'Result: OK')
	usec=$(sed -n 's/.*Result: OK: \([0-9]*\)(.*/\1/p' <<<"$res")
	[ -n "$usec" ] || { echo "pktgen: no result: $(n "$NS_SRC" cat $PG/s0 | tail -3)" >&2; return 1; }
	echo $((usec * 1000 / count))
}

# the gateway's half of the selftests' tunnel: an outbound SA and its policy
espgw_up() {
	local ek ak auth=()
	alg_params "$1" || return 1
	ek=$(hexkey $ENC_LEN) ak=$(hexkey $AUTH_LEN)
	[ -n "$AUTH" ] && auth=(auth $AUTH @-)
	# shellcheck disable=SC2086
	printf '%s\n' $ek $ak | n_gw "$ESPGW" sa add src $GW_OUT dst $CLIENT spi $SPI_OUT \
		dir out enc $ENC @- "${auth[@]}" $LEGACY || return 1
	n_gw "$ESPGW" policy add id 1 src $INSIDE_NET dst $CLIENT_VIP/32 action protect \
		sa dst $CLIENT spi $SPI_OUT
}
xfrm_up() {
	alg_params "$1" || return 1
	xfrm_state "$NS_GW" $GW_OUT $CLIENT $SPI_OUT "$(hexkey $ENC_LEN)" "$(hexkey $AUTH_LEN)" &&
	n_gw ip xfrm policy add src $INSIDE_NET dst $CLIENT_VIP/32 dir out \
		tmpl src $GW_OUT dst $CLIENT proto esp mode tunnel reqid 1
}

# the decrypt side, with the stream's keys: an inbound SA (and XFRM's fwd policy)
espgw_in_up() {
	local auth=()
	alg_params "$1" || return 1
	[ -n "$AUTH" ] && auth=(auth $AUTH @-)
	# shellcheck disable=SC2086
	printf '%s\n' $2 $3 | n_gw "$ESPGW" sa add src $CLIENT dst $GW_OUT spi $SPI_IN \
		dir in enc $ENC @- "${auth[@]}" $LEGACY sel src $INSIDE_NET dst $CLIENT_VIP/32
}
xfrm_in_up() {
	alg_params "$1" || return 1
	xfrm_state "$NS_GW" $CLIENT $GW_OUT $SPI_IN "$2" "$3" &&
	n_gw ip xfrm policy add src $CLIENT_VIP/32 dst $INSIDE_NET dir fwd \
		tmpl src $CLIENT dst $GW_OUT proto esp mode tunnel reqid 1
}

# inject_run FILE: ns per frame (guest time) for the stream FILE into the gateway
inject_run() {
	local out
	out=$(n "$NS_CL" "$INJECT" c0 "$(n_gw cat /sys/class/net/out/address)" "$1") ||
		{ echo "pktinject: $out" >&2; return 1; }
	sed -n 's/.*: \([0-9]*\) ns per frame$/\1/p' <<<"$out"
}

# cipher_run ALG SIZE COUNT DIR: the AEAD alone, ns per operation
cipher_run() {
	local ns
	insmod "$KO" alg="$1" size="$2" count="$3" dir="$4" || return 1
	ns=$(cat /sys/module/espgw_cipher_bench/parameters/result_ns)
	rmmod espgw_cipher_bench
	echo "$ns"
}

# what else the guest did during a run (to explain an outlier): context switches,
# softirqs by kind, the page allocator's slow paths
sys_snap() {
	{
		awk '/^ctxt/ { print "ctxt", $2 }' /proc/stat
		awk 'NR > 1 { s = 0; for (i = 2; i <= NF; i++) s += $i; print $1, s }' /proc/softirqs
		grep -E '^(compact_stall|allocstall_normal|pgscan_kswapd|pgscan_direct|pgfault) ' /proc/vmstat
	} | tr '\n' ' '
}
sys_delta() {
	awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i < n; i += 2) if (y[i + 1] - x[i + 1]) printf "%s+%d ", x[i], y[i + 1] - x[i + 1]
		print "" }'
}

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# spread_pct V...: (max - min) / median, in % (one decimal)
spread() {
	printf '%s\n' "$@" | sort -n |
		awk '{ a[NR] = $1 } END { m = a[int((NR + 1) / 2)]; printf "%.1f\n", m ? 100 * (a[NR] - a[1]) / m : 0 }'
}

fail_run() { echo "bench: $*" >&2; exit 1; }

modprobe -a pktgen esp4 nf_conntrack || fail_run "modprobe pktgen esp4 nf_conntrack"
[ "${COST_PROFILE:-0}" = 1 ] && { command -v perf >/dev/null || fail_run "COST_PROFILE: no perf (linux-perf)"; }
mod_load || fail_run "insmod espgw"
[ -n "$KO" ] && [ -r "$KO" ] || fail_run "no cipher module (COST_CIPHER_KO)"
INJECT=${COST_INJECT:-$ROOT/build/bin/espgw-pktinject}
case " $DIRS " in *" dec "*)
	[ -x "$INJECT" ] || fail_run "no $INJECT (COST_INJECT)"
	[ -r "$STREAMS/keys" ] || fail_run "no decrypt streams (COST_STREAMS)" ;;
esac
topo || fail_run "topology"
echo "bench: $(nproc) CPU, $(uname -r), clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"

# softirqs of the receive path so far (NET_RX, all CPUs)
netrx() { awk '/NET_RX:/ { s = 0; for (i = 2; i <= NF; i++) s += $i; print s }' /proc/softirqs; }

# variant KIND ALG SIZE DIR COUNT: one run of plain, xfrm or espgw, set up and torn down
# around it, checked by its SA's counter; prints ns per packet. On one CPU the
# receive softirq runs after each packet; a run in which it ran fewer times than a
# tenth of the packets went to ksoftirqd instead, which costs about twice as much a
# packet whatever the variant, and would measure the scheduler: such a run is
# repeated (at most twice, counted in 'redo').
REDO=0
variant() {
	local kind=$1 alg=$2 size=$3 dir=$4 count=$5 try ns got r0 s0 spi
	for try in 1 2 3; do
		spi=$SPI_OUT
		[ "$dir" = dec ] && spi=$SPI_IN
		case $kind-$dir in
		xfrm-enc) xfrm_up "$alg" ;;
		xfrm-dec) xfrm_in_up "$alg" "$EK" "$AK" ;;
		espgw-enc) espgw_up "$alg" ;;
		espgw-dec) espgw_in_up "$alg" "$EK" "$AK" ;;
		esac || fail_run "$kind set-up ($alg)"
		s0=$(sys_snap) r0=$(netrx)
		if [ "$dir" = enc ]; then
			ns=$(pktgen_run "$size" "$count") || fail_run "$kind run"
		elif [ "$kind" = plain ]; then
			ns=$(inject_run "$STREAMS/plain-$size") || fail_run "$kind run"
		else
			ns=$(inject_run "$STREAMS/$alg-$size") || fail_run "$kind run"
		fi
		echo "sys $kind $alg $size $dir: $(sys_delta "$s0" "$(sys_snap)")" >&2
		case $kind in
		xfrm)	got=$(xfrm_packets "$NS_GW" $spi)
			n_gw ip xfrm policy flush; n_gw ip xfrm state flush ;;
		espgw)	got=$(sa_stat $spi packets)
			n_gw "$ESPGW" flush ;;
		*)	got=$count ;;
		esac
		[ "${got:-0}" -ge "$count" ] ||
			fail_run "$kind $alg $size $dir: the SA took ${got:-0} of $count"
		if [ $(( $(netrx) - r0 )) -ge $((count / 10)) ] || [ $try = 3 ]; then
			echo "$ns"
			return 0
		fi
		echo "bench: redo $kind $alg $size $dir: the receive softirq ran $(( $(netrx) - r0 )) times for $count packets (ksoftirqd)" >&2
		echo 1 >>"$REDO_FILE"
	done
}

# profile KIND ALG SIZE DIR COUNT: one run of the variant under perf, its profile by
# symbol (self time, % of the samples) in $ESPGW_VM_OUT
profile() {
	local f=$ESPGW_VM_OUT/perf-$1-$2-$3-$4 pid
	# perf in the foreground, for as long as the run lasts (a perf record -a left
	# in the background and stopped with SIGINT records next to nothing here); the
	# run starts once perf records (its start-up takes longer than a run)
	rm -f "$f.go"
	( for _ in $(seq 600); do [ -e "$f.go" ] && break; sleep 0.1; done
	  variant "$@" >/dev/null 2>&1 ) &
	pid=$!
	perf record -q -a -e cpu-clock -F 2000 -o "$f.data" -- \
		sh -c "touch $f.go; while kill -0 $pid 2>/dev/null; do sleep 0.1; done" >/dev/null 2>&1
	wait $pid
	rm -f "$f.go"
	perf report -i "$f.data" --no-children --sort sym --stdio --percent-limit 0.02 2>/dev/null |
		grep -v '^$' >"$f.txt"
	rm -f "$f.data"
	echo "bench: profile of $1 $2 $3 $4 in $(basename "$f").txt ($(grep -m1 -o '^# Samples: [0-9.]*[KM]*' "$f.txt" | cut -c3- || echo 'no samples'))"
}

summary=()
# measure ALG SIZE DIR: REPS x (plain, XFRM, espgw, cipher), one summary line
measure() {
	local alg=$1 size=$2 dir=$3 count rep sp
	local P=() X=() E=() C=()
	count=$COST_COUNT_64
	[ "$size" -gt 256 ] && count=$COST_COUNT_1400
	EK= AK=
	if [ "$dir" = dec ]; then
		read -r EK AK < <(awk -v a="$alg" '$1 == a { print $2, $3 }' "$STREAMS/keys")
		[ -n "$EK" ] || fail_run "no keys for $alg in $STREAMS/keys"
		n_gw ip route add $INSIDE/32 dev din
	fi
	for rep in $(seq "$REPS"); do
		P+=("$(variant plain "$alg" "$size" "$dir" "$count")") || exit 1
		X+=("$(variant xfrm "$alg" "$size" "$dir" "$count")") || exit 1
		E+=("$(variant espgw "$alg" "$size" "$dir" "$count")") || exit 1
		C+=("$(cipher_run "$alg" "$size" "$count" "$dir")") || fail_run "cipher run"
		echo "run $alg $size $dir rep=$rep plain_ns=${P[-1]} xfrm_ns=${X[-1]} espgw_ns=${E[-1]} cipher_ns=${C[-1]}"
	done
	if [ "${COST_PROFILE:-0}" = 1 ]; then
		profile xfrm "$alg" "$size" "$dir" "$count"
		profile espgw "$alg" "$size" "$dir" "$count"
	fi
	[ "$dir" = dec ] && n_gw ip route del $INSIDE/32 dev din
	sp=$(printf '%s\n' "$(spread "${P[@]}")" "$(spread "${X[@]}")" "$(spread "${E[@]}")" \
		"$(spread "${C[@]}")" | sort -n | tail -n1)
	summary+=("cost $alg $size $dir espgw_ns=$(median "${E[@]}") xfrm_ns=$(median "${X[@]}") plain_ns=$(median "${P[@]}") cipher_ns=$(median "${C[@]}") spread_pct=$sp")
}

REDO_FILE=$(mktemp)
for dir in $DIRS; do
	for alg in $ALGS; do
		for size in $SIZES; do
			measure "$alg" "$size" "$dir"
		done
	done
done
echo "bench: runs repeated because the softirq went to ksoftirqd: $(wc -l <"$REDO_FILE")"
rm -f "$REDO_FILE"
printf '%s\n' "${summary[@]}"
