#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module and its control plane: loading (explicit and by family alias),
# the espgw family in the init namespace and in fresh namespaces, namespace
# churn, strict attribute validation, admin-only operations, unload.
source "$(dirname "$0")/lib.sh"

unpriv() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }

mod_unload
check_match "tool says the module is not loaded, in one line" \
	'^espgw: the espgw kernel module is not loaded \(modprobe espgw\)$' "$ESPGW" info
check_fail "tool exits non-zero without the module" "$ESPGW" info

# Resolving the family loads the module through its alias, once installed.
# It stays installed (in the guest's throw-away overlay): depmod costs ~45 s
# under emulation, and it is the same file the rest of the suite insmods.
moddir=/lib/modules/$(uname -r)/extra
mkdir -p "$moddir" && cp "$ESPGW_KO" "$moddir/" && depmod -a
check "info autoloads espgw.ko via the genl family alias" "$ESPGW" info
check "module is loaded after the alias lookup" mod_loaded
mod_unload

check "insmod espgw.ko" mod_load
check_match "espgw info prints the version" '^version: ' "$ESPGW" info
check_match "espgw info lists the kernel's ESP algorithms" \
	'^encryption: .*aes-cbc.*aes-gcm-16' "$ESPGW" info
check "espgw -j info is valid JSON with a version" \
	sh -c "$ESPGW -j info | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"version\"] and \"aes-gcm-16\" in d[\"encryption\"]'"
check_match "espgw info abbreviations work (espgw i sh)" '^version: ' "$ESPGW" i sh
check_match "unknown verb is a usage error naming it" "unknown verb 'frob'" "$ESPGW" info frob
"$ESPGW" info frob >/dev/null 2>&1
[ $? -eq 2 ] && ok "usage errors exit 2" || fail "usage errors exit 2"
check_match "espgw help lists objects and verbs" '^  info +\[show\]' "$ESPGW" help

ns=espgw-fresh-$SUF
ip netns add $ns
check_match "family resolves and info works in a fresh namespace" '^version: ' \
	ip netns exec $ns "$ESPGW" info
check_match "strict validation: an attribute info-get does not take is refused" \
	'^EINVAL .+' ip netns exec $ns "$ROOT/selftests/nlprobe.py" send info-get 1=00000000

# Every op, do and dump, is admin-only: in the init namespace and in a fresh one.
for where in init fresh; do
	pre=()
	[ $where = fresh ] && pre=(ip netns exec $ns)
	out=$("${pre[@]}" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$ROOT/selftests/nlprobe.py" ops 2>&1)
	bad=$(grep -v ' EPERM' <<<"$out")
	if [ -n "$out" ] && [ -z "$bad" ]; then
		ok "unprivileged user gets EPERM from every op ($where namespace, $(wc -l <<<"$out") requests)"
	else
		fail "unprivileged user gets EPERM from every op ($where namespace)" "$out"
	fi
	check_match "tool tells an unprivileged user clearly ($where namespace)" \
		'^espgw: info: permission denied: this needs CAP_NET_ADMIN' \
		"${pre[@]}" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$ESPGW" info
done
ip netns del $ns

# 50 cycles of create / use / delete.
bad=0
for i in $(seq 1 50); do
	ip netns add $ns-$i || bad=$((bad + 1))
	ip netns exec $ns-$i "$ESPGW" info >/dev/null || bad=$((bad + 1))
	ip netns del $ns-$i || bad=$((bad + 1))
done
[ $bad -eq 0 ] && ok "50 namespace create/use/delete cycles" || fail "50 namespace cycles" "$bad failures"

check "rmmod espgw after the namespace churn" rmmod espgw
check_fail "module is gone after rmmod" mod_loaded
exit 0
