#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""pyj.py EXPR: evaluate a Python expression over JSON read from stdin (bound to d).

Accepts one JSON document or one per line (then d is the list of them), so tests
can pick values out of `espgw -j ...` output without jq:
  espgw -j -s sa show | pyj.py "[s['stats']['packets'] for s in d if s['spi'] == 0x1001][0]"
"""
import json
import sys

text = sys.stdin.read()
try:
    d = json.loads(text)
except json.JSONDecodeError:
    d = [json.loads(line) for line in text.splitlines() if line.strip()]
if isinstance(d, dict) and len(sys.argv) > 2 and sys.argv[2] == "--list":
    d = [d]
print(eval(sys.argv[1], {"d": d}))
