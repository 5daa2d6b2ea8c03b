#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed scripts of fuzz_engine.c into corpus/engine/ (see its header).

Each operation is [op | client << 4][len, 2 bytes big-endian][len bytes].
"""
import os
import struct
import sys

STEP, RAW, SEALED, REPLAY, CLOCK, EXPIRE, CMD = range(7)
EXCH_QUICK, EXCH_INFO, EXCH_TRANSACTION = 0, 1, 2   # indices in fuzz_engine.c's table
NP_N, NP_D = 11, 12


def op(code, data=b"", client=0):
    return bytes([code | client << 4]) + struct.pack(">H", len(data)) + data


def steps(client, n=8):
    return b"".join(op(STEP, client=client) for _ in range(n))


def sealed(exch, first, chain, msgid=0x01020304, client=0):
    return op(SEALED, bytes([exch, first]) + struct.pack(">I", msgid) + chain, client)


def notify(ntype, spi=b"", data=b""):
    body = struct.pack(">IBBH", 1, 1, len(spi), ntype) + spi + data
    return struct.pack(">BBH", 0, 0, 4 + len(body)) + body


def delete(proto, spis, size):
    body = struct.pack(">IBBH", 1, proto, size, len(spis)) + b"".join(spis)
    return struct.pack(">BBH", 0, 0, 4 + len(body)) + body


seeds = {
    "tunnel": steps(0),
    "tunnels-two-clients": steps(0) + steps(1),
    "tunnel-dpd": steps(0) + sealed(EXCH_INFO, NP_N, notify(36136, bytes(16), b"\0\0\0\x05")),
    "tunnel-dpd-replayed": steps(0)
    + sealed(EXCH_INFO, NP_N, notify(36136, bytes(16), b"\0\0\0\x05"))
    + sealed(EXCH_INFO, NP_N, notify(36136, bytes(16), b"\0\0\0\x05")),
    "tunnel-delete-esp": steps(0) + sealed(EXCH_INFO, NP_D, delete(3, [b"\x12\x34\x56\x78"], 4)),
    "tunnel-delete-isakmp": steps(0) + sealed(EXCH_INFO, NP_D, delete(1, [bytes(16)], 16)),
    "tunnel-initial-contact": steps(0) + steps(1)
    + sealed(EXCH_INFO, NP_N, notify(24578, bytes(16)), client=1),
    "tunnel-clock-expire": steps(0) + op(CLOCK, b"\x3c") + op(EXPIRE, b"\x01")
    + op(CMD, b"\x00") + op(CLOCK, b"\xff") + op(CMD, b"\x01"),
    "tunnel-replay": steps(0) + op(REPLAY, b"\x04") + op(REPLAY, b"\x03") + op(CMD, b"\x00"),
    "tunnel-clear": steps(0) + op(CMD, b"\x04") + steps(0),
    # client 2: Aggressive Mode with the group amgroup's key
    "am-tunnel": steps(2),
    "am-tunnel-and-mm": steps(2) + steps(0),
    "am-replay": steps(2, 2) + op(REPLAY, b"\x00") + op(REPLAY, b"\x01") + steps(2)
    + op(CMD, b"\x01"),
    "am-tunnel-dpd-delete": steps(2)
    + sealed(EXCH_INFO, NP_N, notify(36136, bytes(16), b"\0\0\0\x05"), client=2)
    + sealed(EXCH_INFO, NP_D, delete(1, [bytes(16)], 16), client=2),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                          "corpus", "engine")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
