#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Side by side, the symbols of two perf profiles of bench/cost (espgw and XFRM),
as guest ns per packet: a symbol's share of the samples times the profile's
guest time, divided by the run's packets. Both profiles cover a whole variant
(set-up, run, tear-down), so only the packet path's symbols are comparable.

    bench/perfdiff.py ESPGW.txt XFRM.txt PACKETS [TOP]
"""
import re
import sys


def load(path, packets):
    text = open(path).read()
    m = re.search(r'Event count \(approx\.\): (\d+)', text)
    if not m:
        sys.exit(f'perfdiff: {path}: no event count (an empty profile?)')
    total = int(m.group(1))
    return {s: float(pct) * total / 100 / packets
            for pct, s in re.findall(r'^\s+([\d.]+)%\s+\[.\]\s+(\S+)', text, re.M)}


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.strip())
    packets = int(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) == 5 else 25
    e, x = load(sys.argv[1], packets), load(sys.argv[2], packets)
    idle = ('native_safe_halt', 'default_idle', 'pv_native_safe_halt')
    syms = sorted((s for s in set(e) | set(x) if s not in idle),
                  key=lambda s: -max(e.get(s, 0), x.get(s, 0)))
    print(f'  {"symbol":<36} {"espgw":>8} {"xfrm":>8}   (guest ns per packet, self)')
    for s in syms[:top]:
        print(f'  {s:<36} {e.get(s, 0):8.0f} {x.get(s, 0):8.0f}')


if __name__ == '__main__':
    main()
