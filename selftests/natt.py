#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP 4500 for the NAT-T selftests: the socket an IKE daemon holds, and datagrams.

  natt.py hold PORT LOG
      hold a UDP socket bound to PORT with UDP_ENCAP_ESPINUDP, as espgwd (or charon)
      will: the kernel then takes ESP in UDP (RFC 3948) for XFRM and espgw, drops NAT
      keepalives, and hands the socket only IKE (non-ESP marker). Every datagram the
      socket gets is written to LOG as "SRC:PORT LEN HEX"; "ready" first. Until killed.
  natt.py send SPORT DST DPORT HEX
      one datagram of the bytes HEX from UDP port SPORT
  natt.py junk SPORT DST[:PORT] SPI
      ESP in UDP to DST:4500 (or PORT) for SPI, with a random payload (its ICV cannot verify)
  natt.py gcm SPORT DST[:PORT] SPI SEQ KEYHEX INNER_SRC INNER_DST
      ESP in UDP to DST:4500 (or PORT) as espcraft.py gcm makes it (valid with the SA's key)
  natt.py replay PCAP DST SPORT
      every ESP-in-UDP payload sent to DST:4500 in an Ethernet capture, again, from SPORT

Prints how many datagrams it sent.
"""
import os
import socket
import struct
import sys

SOL_UDP = 17
UDP_ENCAP = 100
UDP_ENCAP_ESPINUDP = 2
NATT_PORT = 4500


def hold(port, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(port)))
    s.setsockopt(SOL_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
    with open(log, "a", buffering=1) as f:
        f.write("ready\n")
        while True:
            data, (addr, sport) = s.recvfrom(65535)
            f.write(f"{addr}:{sport} {len(data)} {data.hex()}\n")


def send(sport, dst, dport, payloads):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sport)))
    for p in payloads:
        s.sendto(p, (dst, int(dport)))
    print(len(payloads))


def pcap_natt(path, dst):
    """UDP payloads of IPv4 packets to dst:4500 in an Ethernet pcap."""
    data = open(path, "rb").read()
    off, out, want = 24, [], socket.inet_aton(dst)
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = frame[14:]
        if len(ip) < 28 or ip[9] != 17 or ip[16:20] != want:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        udp = ip[ihl:total]
        if struct.unpack("!H", udp[2:4])[0] == NATT_PORT:
            out.append(udp[8:])
    return out


def dst_port(s):
    addr, _, port = s.partition(":")
    return addr, int(port or NATT_PORT)


def main(a):
    if a[:1] == ["hold"] and len(a) == 3:
        return hold(a[1], a[2])
    if a[:1] == ["send"] and len(a) == 5:
        return send(a[1], a[2], a[3], [bytes.fromhex(a[4])])
    if a[:1] == ["junk"] and len(a) == 4:
        # a sequence number far ahead of any window, so only the ICV can reject it
        esp = struct.pack("!II", int(a[3], 0), 1 << 20) + os.urandom(64)
        return send(a[1], *dst_port(a[2]), [esp])
    if a[:1] == ["gcm"] and len(a) == 8:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import espcraft
        return send(a[1], *dst_port(a[2]), [espcraft.gcm_esp(*a[3:8])])
    if a[:1] == ["replay"] and len(a) == 4:
        return send(a[3], a[2], NATT_PORT, pcap_natt(a[1], a[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
