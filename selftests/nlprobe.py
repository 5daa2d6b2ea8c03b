#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic-netlink probe for the espgw family, independent of the espgw tool.

  nlprobe.py ops                 every operation of uapi/espgw.yaml, sent as a do and/or
                                 dump request as the spec has it: "<op> <do|dump> <errno>"
  nlprobe.py send CMD [ATTR=HEX]  one request; prints the errno and the extack message
  nlprobe.py dump-attrs CMD      a dump request; prints every attribute (and nested
                                 ones) of every reply as "<type> <len> <hex>"

Used by the selftests to check kernel behaviour the tool would hide (permissions
on every op, strict attribute validation, extack texts).
"""
import errno
import os

import yaml
import re
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11
NLMSGERR_ATTR_MSG = 1
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def parse_attrs(b):
    out = {}
    while len(b) >= 4:
        ln, t = struct.unpack_from("=HH", b)
        if ln < 4:
            break
        out[t & 0x3FFF] = b[4:ln]
        b = b[(ln + 3) & ~3:]
    return out


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.bind((0, 0))
        self.seq = 0

    def request(self, family, cmd, flags, payload=b"", version=1):
        """Return (errno, extack message, list of reply payloads)."""
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + payload
        self.s.send(struct.pack("=IHHII", 16 + len(body), family, NLM_F_REQUEST | flags,
                                self.seq, 0) + body)
        replies = []
        while True:
            data = self.s.recv(65536)
            off = 0
            while off + 16 <= len(data):
                ln, typ, fl, seq, _ = struct.unpack_from("=IHHII", data, off)
                msg = data[off + 16:off + ln]
                off += (ln + 3) & ~3
                if typ == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", msg)[0]
                    inner_len = struct.unpack_from("=I", msg, 4)[0]
                    tlvs = parse_attrs(msg[4 + (inner_len if not fl & 0x100 else 16):]) \
                        if fl & 0x200 else {}
                    text = tlvs.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
                    return err, text, replies
                if typ == NLMSG_DONE:
                    return 0, "", replies
                replies.append(msg[4:])

    def resolve(self, name):
        err, _, rep = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK,
                                   attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err or not rep:
            return None
        return struct.unpack("=H", parse_attrs(rep[0])[CTRL_ATTR_FAMILY_ID][:2])[0]


def commands():
    hdr = open(os.path.join(ROOT, "uapi", "linux", "espgw.h")).read()
    return [(m.group(1).lower(), int(m.group(2)))
            for m in re.finditer(r"ESPGW_CMD_(\w+) = (\d+),", hdr)]


def main(argv):
    g = Genl()
    fam = g.resolve("espgw")
    if fam is None:
        print("family espgw not found", file=sys.stderr)
        return 2
    if argv[:1] == ["ops"]:
        ops = yaml.safe_load(open(os.path.join(ROOT, "uapi", "espgw.yaml")))["operations"]["list"]
        cmds = dict(commands())
        for op in ops:
            cmd = cmds[op["name"].replace("-", "_")]
            for kind, flags in (("do", NLM_F_ACK), ("dump", NLM_F_DUMP | NLM_F_ACK)):
                if kind not in op:
                    continue
                err, text, _ = g.request(fam, cmd, flags)
                print(f"{op['name']} {kind} {errno.errorcode.get(err, err) if err else 0} {text}".rstrip())
        return 0
    if argv[:1] == ["dump-attrs"] and len(argv) == 2:
        cmd = dict(commands())[argv[1].replace("-", "_")]
        err, text, rep = g.request(fam, cmd, NLM_F_DUMP | NLM_F_ACK)

        def walk(b, depth):
            for t, v in parse_attrs(b).items():
                print(f"{'  ' * depth}{t} {len(v)} {v.hex()}")
                if len(v) >= 4 and struct.unpack_from("=H", v)[0] <= len(v) and depth < 2:
                    walk(v, depth + 1)
        for r in rep:
            walk(r, 0)
        return 1 if err else 0
    if argv[:1] == ["send"] and len(argv) >= 2:
        cmd = dict(commands()).get(argv[1].replace("-", "_"))
        if cmd is None:
            cmd = int(argv[1], 0)
        payload = b""
        for a in argv[2:]:
            t, v = a.split("=", 1)
            payload += attr(int(t, 0), bytes.fromhex(v))
        err, text, rep = g.request(fam, cmd, NLM_F_ACK, payload)
        print(f"{errno.errorcode.get(err, err) if err else 0} {text}".rstrip())
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
