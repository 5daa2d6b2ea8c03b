#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Install many espgw SAs and policies fast, over raw generic netlink.

  nlbulk.py [--sas N] [--policies M] [--batch B] [--gw ADDR] [--inside NET/LEN]

Used by bench/guest.sh to load a gateway with the state of many remote-access
clients before a throughput run. Client k (0-based) has the virtual address
10.64.0.0 + k + 1 and the outer (peer) address 10.128.0.0 + k + 1; nothing is
ever sent to them. SA i belongs to client i // 2: even i is its inbound SA
(spi 0x10000000 + k, AES-GCM-128, selector inside net <-> client/32), odd i its
outbound SA (spi 0x20000000 + k). Policy j (id 100000 + j) protects
inside net -> client j's /32 with client j's outbound SA (which exists only
for j < N / 2: the rest are policies whose SA is gone, as after an expiry).

Requests are pipelined: B messages per send(), then their B acks are read, so
the cost measured is the kernel's, not a round trip per object. Prints one line:
"sas N policies M seconds S (SAs S1, policies S2) errors E" (the split is at
batch granularity: use a batch that divides N).
"""
import argparse
import ipaddress
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "selftests"))
from nlprobe import Genl, attr, commands, NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR  # noqa: E402

NLA_F_NESTED = 0x8000

# attribute numbers (uapi/linux/espgw.h)
SEL_SRC, SEL_SRC_PLEN, SEL_DST, SEL_DST_PLEN = 1, 2, 3, 4
SA_SPI, SA_DST, SA_SRC, SA_DIR, SA_ENC_ALG, SA_ENC_KEY, SA_SELECTOR = 2, 3, 4, 5, 6, 7, 12
POL_ID, POL_SELECTOR, POL_ACTION, POL_SA_DST, POL_SA_SPI = 2, 4, 5, 6, 7
DIR_IN, DIR_OUT, ENC_AES_GCM_16, ACTION_PROTECT = 0, 1, 4, 0


def be32(a):
    return struct.pack("!I", int(a))


def u32(v):
    return struct.pack("=I", v)


def sel_nest(t, src_net, dst):
    body = (attr(SEL_SRC, be32(src_net.network_address)) +
            attr(SEL_SRC_PLEN, bytes([src_net.prefixlen])) +
            attr(SEL_DST, be32(dst)) + attr(SEL_DST_PLEN, bytes([32])))
    return attr(NLA_F_NESTED | t, body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sas", type=int, default=10000)
    ap.add_argument("--policies", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--gw", default="192.0.2.1")
    ap.add_argument("--inside", default="10.2.2.0/24")
    args = ap.parse_args()

    gw = ipaddress.IPv4Address(args.gw)
    inside = ipaddress.IPv4Network(args.inside)
    vip0 = ipaddress.IPv4Address("10.64.0.0")
    peer0 = ipaddress.IPv4Address("10.128.0.0")
    key = os.urandom(20)        # AES-128 key + 4-byte salt, shared: nothing is decrypted

    g = Genl()
    fam = g.resolve("espgw")
    if fam is None:
        print("family espgw not found", file=sys.stderr)
        return 2
    cmds = dict(commands())

    msgs = []
    for i in range(args.sas):
        k = i // 2
        vip, peer = vip0 + k + 1, peer0 + k + 1
        if i % 2 == 0:
            p = (attr(SA_SPI, be32(0x10000000 + k)) + attr(SA_DST, be32(gw)) +
                 attr(SA_SRC, be32(peer)) + attr(SA_DIR, u32(DIR_IN)) +
                 sel_nest(SA_SELECTOR, inside, vip))
        else:
            p = (attr(SA_SPI, be32(0x20000000 + k)) + attr(SA_DST, be32(peer)) +
                 attr(SA_SRC, be32(gw)) + attr(SA_DIR, u32(DIR_OUT)))
        p += attr(SA_ENC_ALG, u32(ENC_AES_GCM_16)) + attr(SA_ENC_KEY, key)
        msgs.append((cmds["sa_new"], p))
    for j in range(args.policies):
        vip, peer = vip0 + j + 1, peer0 + j + 1
        p = (attr(POL_ID, u32(100000 + j)) + sel_nest(POL_SELECTOR, inside, vip) +
             attr(POL_ACTION, u32(ACTION_PROTECT)) + attr(POL_SA_DST, be32(peer)) +
             attr(POL_SA_SPI, be32(0x20000000 + j)))
        msgs.append((cmds["policy_new"], p))

    g.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    errors = 0
    t0 = time.monotonic()
    t_sas = None
    for b in range(0, len(msgs), args.batch):
        if t_sas is None and b >= args.sas:
            t_sas = time.monotonic() - t0
        chunk = msgs[b:b + args.batch]
        buf = b""
        first = g.seq + 1
        for cmd, payload in chunk:
            g.seq += 1
            body = struct.pack("=BBH", cmd, 1, 0) + payload
            buf += struct.pack("=IHHII", 16 + len(body), fam, NLM_F_REQUEST | NLM_F_ACK,
                               g.seq, 0) + body
        g.s.send(buf)
        pending = set(range(first, g.seq + 1))
        while pending:
            data = g.s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, typ, _, seq, _ = struct.unpack_from("=IHHII", data, off)
                if typ == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", data, off + 16)[0]
                    if err and errors < 5:
                        print(f"request {seq}: errno {err}", file=sys.stderr)
                    errors += bool(err)
                    pending.discard(seq)
                off += (ln + 3) & ~3
    secs = time.monotonic() - t0
    if t_sas is None:
        t_sas = secs
    print(f"sas {args.sas} policies {args.policies} seconds {secs:.2f} "
          f"(SAs {t_sas:.2f}, policies {secs - t_sas:.2f}) errors {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
