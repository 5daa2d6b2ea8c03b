#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tearing down under traffic: deleting SAs, flushing, deleting the gateway's
# namespace and unloading the module while TCP flows through the tunnel must
# leave no oops, leak or stuck packet (the VM runner checks dmesg).
source "$(dirname "$0")/lib.sh"

trap 'topo_destroy; pkill -x iperf3' EXIT

# flow ALG: a tunnel with a long TCP run from the inside host to the client
flow() {
	tunnel_up "$1" >/dev/null 2>&1 || return 1
	n_client iperf3 -s -D -1 -B $CLIENT_VIP >/dev/null 2>&1
	sleep 0.5
	n_inside timeout 30 iperf3 -c $CLIENT_VIP -t 20 >/dev/null 2>&1 &
	sleep 3
	[ "$(sa_stat $SPI_OUT packets)" -gt 0 ]
}

mod_load
topo_create
check "traffic flows before the SA is deleted" flow gcm128
check "delete the outbound SA under traffic" n_gw "$ESPGW" sa delete dst $CLIENT spi $SPI_OUT
sleep 1
[ "$(ns_stat no_sa_out)" -gt 0 ] && ok "packets after the delete are dropped as no-SA (acquire)" ||
	fail "packets after the delete are dropped as no-SA" "no_sa_out=$(ns_stat no_sa_out)"
check "flush everything under traffic" n_gw "$ESPGW" flush
wait
tunnel_down

check "traffic flows before the namespace is deleted" flow aes128-sha1
check "delete the gateway's namespace under traffic" ip netns del $NS_GW
wait
topo_destroy

topo_create
check "traffic flows before rmmod" flow chacha
check "rmmod espgw under traffic" rmmod espgw
check_fail "module is gone" mod_loaded
wait
topo_destroy

# The module comes back clean after all that.
check "insmod again" mod_load
topo_create
check "a new tunnel works after the reload" flow gcm128
wait
tunnel_down
topo_destroy
check "rmmod with namespaces gone" rmmod espgw
exit 0
