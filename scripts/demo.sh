#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# 'make demo': build, boot a VM, and walk through the source document's scenario
# (selftests/test-scenario.sh with DEMO=1), printing each step and the show outputs.
set -eu
cd "$(dirname "$0")/.."
KVER=${KVER:-$(ls -d /lib/modules/6.1.*/build 2>/dev/null | sort -V | tail -n1 | cut -d/ -f4)}
[ "$(id -u)" = 0 ] && scripts/deps.sh
make -s module userspace KVER="$KVER"
selftests/vm/run.sh -k "$KVER" -o "build/demo-$KVER" -- \
	"DEMO=1 KVER=$KVER TESTS=scenario selftests/run.sh"
