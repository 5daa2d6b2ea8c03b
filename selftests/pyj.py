#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""pyj.py [-l] EXPR: evaluate a Python expression over JSON read from stdin (bound to d).

-l reads one JSON document per line (espgw monitor -j) and binds d to their list;
otherwise stdin is one document. For picking values out of `espgw -j ...` in tests:
  espgw -j -s sa show | pyj.py "[s['stats']['packets'] for s in d if s['spi'] == 0x1001][0]"
"""
import json
import sys

args = sys.argv[1:]
lines = args[:1] == ["-l"]
if lines:
    args = args[1:]
text = sys.stdin.read()
d = [json.loads(x) for x in text.splitlines() if x.strip()] if lines else json.loads(text)
print(eval(args[0], {"d": d}))
