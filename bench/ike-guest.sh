#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for bench/ike-load: espgw-ikeload against espgwd, then
# against strongSwan's charon as the gateway, in the selftests' namespaces.
# Writes $IKELOAD_OUT/ike-load.tsv: gateway, tunnels, seconds, tunnels/s,
# VmRSS before and after (KB), KB per tunnel.
source "$(dirname "$0")/../selftests/lib.sh"
N=${IKELOAD_N:-1000} W=${IKELOAD_W:-20} OUT=${IKELOAD_OUT:-/tmp/espgw-vm-out}	# the VM run's writable directory
LOAD=$ROOT/build/bin/espgw-ikeload
TSV=$OUT/ike-load.tsv
POOLNET=10.4.0.0/21	# 2046 addresses
trap 'kill $GW_PID 2>/dev/null; espgwd_stop; topo_destroy; rm -rf $RUNDIR' EXIT

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$1/status; }

# measure NAME PID SA-COUNT-CMD: run the load, wait for the gateway's SAs, record
measure() {
	local name=$1 pid=$2 count=$3 r0 r1 te t1 out done=0 n secs
	r0=$(rss "$pid")
	out=$(n_client "$LOAD" -g $GW_OUT -s $CLIENT -l $INSIDE_NET -n $N -w $W 2>&1)
	te=$(date +%s.%N)
	sed "s/^/bench: $name: /" <<<"$out"
	done=$(sed -n 's/^ikeload: \([0-9]*\) of .*/\1/p' <<<"$out")
	secs=$(sed -n 's/^ikeload: .* tunnels up in \([0-9.]*\) s.*/\1/p' <<<"$out")
	# the tunnel is up when the gateway's kernel holds both SAs (QM3 processed):
	# the time is the generator's own (first MM1 to last QM3) plus however long
	# the gateway then still needed (the time is taken before each look:
	# looking takes time too, the same for both gateways)
	t1=$te
	for _ in $(seq 600); do
		n=$($count)
		[ "${n:-0}" -ge $((2 * ${done:-0})) ] && break
		sleep 0.1
		t1=$(date +%s.%N)
	done
	secs=$(echo "${secs:-0} + $t1 - $te" | bc -l | xargs printf '%.2f')
	r1=$(rss "$pid")
	echo "bench: $name: gateway holds $n SAs; VmRSS ${r0} -> ${r1} KB"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$done" "$secs" \
		"$(echo "${done:-0} / $secs" | bc -l | xargs printf '%.2f')" "$r0" "$r1" \
		"$(echo "($r1 - $r0) / ${done:-1}" | bc -l | xargs printf '%.2f')" >>"$TSV"
}

espgw_sas() { n_gw "$ESPGW" stats | sed -n 's/^sa count: //p'; }
xfrm_sas() { n_gw ip xfrm state list | grep -c '^src'; }

mod_load
topo_create
mkdir -p $RUNDIR
# before the clock starts, for both gateways alike: neighbours resolved, and the
# kernel's crypto templates for ESP aes128-sha1 loaded (the first SA with them
# waits seconds for modprobe under emulation)
n_client ping -c1 -W5 $GW_OUT >/dev/null
printf '%s\n' "$(hexkey 16)" "$(hexkey 20)" | n_gw "$ESPGW" sa add src $CLIENT dst $GW_OUT \
	spi 0x100 dir in enc aes-cbc @- auth hmac-sha1-96 @- sel src $INSIDE_NET dst 10.4.0.1/32 || exit 1
n_gw "$ESPGW" flush
# bursts of IKE from one source: room in the sockets' receive queues
for ns in "" $NS_GW; do
	${ns:+ip netns exec $ns} sysctl -qw net.core.rmem_default=4194304 net.core.rmem_max=8388608
done
printf 'gateway\ttunnels\tseconds\ttunnels_per_s\trss_before_kb\trss_after_kb\tkb_per_tunnel\n' >"$TSV"
echo "bench: $N clients, $W at a time; IKE aes128-sha1-modp1024, Mode-Config pull, ESP aes128-sha1"

# ---- espgwd + espgw.ko -------------------------------------------------------------
export ESPGWD_DEBUG=""	# info-level logs only, like the strongSwan gateway's
espgwd_start "$(gw_conf " encryption aes 128
 hash sha
 authentication pre-share
 group 2" "crypto ipsec transform-set ts1 esp-aes 128 esp-sha-hmac" \
"ip local pool load 10.4.0.1 10.4.7.254
crypto isakmp client configuration address-pool local load
crypto map intmap client configuration address respond
! every client of the load generator comes from one address
espgw limit sa-per-peer 100000")" >/dev/null || exit 1
measure espgwd "$ESPGWD_PID" espgw_sas
espgwd_stop
cp $RUNDIR/espgwd.log "$OUT/espgwd.log"

# ---- strongSwan charon + XFRM ------------------------------------------------------------
d=$RUNDIR/charon-gw
mkdir -p $d
cat >$d/swanctl.conf <<SW
connections {
	rw {
		version = 1
		local_addrs = $GW_OUT
		proposals = aes128-sha1-modp1024
		pools = load
		local {
			auth = psk
			id = $GW_OUT
		}
		remote {
			auth = psk
		}
		children {
			rw {
				local_ts = $INSIDE_NET
				esp_proposals = aes128-sha1
				mode = tunnel
			}
		}
	}
}
pools {
	load {
		addrs = $POOLNET
	}
}
secrets {
	ike-any {
		secret = "$PSK"
	}
}
SW
# one source sends them all: no per-peer half-open limit
charon_start "$NS_GW" $d "	block_threshold = 1000000
	cookie_threshold = 1000000
	init_limit_half_open = 0" "			default = 0
			ike = 1" "" ||
	{ echo "bench: strongSwan gateway did not load its configuration"; cat $d/load.log; exit 1; }
GW_PID=$CHARON_PID
measure strongswan "$GW_PID" xfrm_sas
kill $GW_PID
wait $GW_PID 2>/dev/null
cp $d/charon.log "$OUT/charon-gw.log" 2>/dev/null
exit 0
