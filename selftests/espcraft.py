#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made ESP packets at a gateway, for the negative data-plane tests.

  espcraft.py gcm DST SPI SEQ KEYHEX INNER_SRC INNER_DST [--bad-pad|--bad-nh|--short]
      one ESP packet (AES-GCM-16, key with its 4-byte salt) carrying an ICMP echo
      from INNER_SRC to INNER_DST; --bad-pad breaks the padding, --bad-nh sets next
      header 17, --short cuts the packet to 12 bytes after the ESP header (all with a
      valid ICV, so only the checks after decryption can catch them)
  espcraft.py junk DST SPI             an ESP packet with random payload
  espcraft.py replay PCAP DST          send again every ESP packet to DST in a capture

Sends from the namespace it runs in, over a raw IPPROTO_ESP socket (the kernel
builds the outer header). Prints how many packets it sent.
"""
import os
import socket
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def icmp_echo(src, dst):
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1) + b"espgw-selftest"
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + icmp


def send(dst, payloads):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ESP)
    for p in payloads:
        s.sendto(p, (dst, 0))
    print(len(payloads))


def gcm(dst, spi, seq, key, isrc, idst, mode=None):
    send(dst, [gcm_esp(spi, seq, key, isrc, idst, mode)])


def gcm_esp(spi, seq, key, isrc, idst, mode=None):
    """The ESP packet (from the SPI on) that gcm sends."""
    key = bytes.fromhex(key)
    aead, salt = AESGCM(key[:-4]), key[-4:]
    inner = icmp_echo(isrc, idst)
    padlen = (-(len(inner) + 2)) % 4
    pad = bytes(range(1, padlen + 1))
    nh = 4
    if mode == "--bad-pad":
        padlen += 4
        pad = bytes(range(1, padlen + 1))[::-1]
    elif mode == "--bad-nh":
        nh = 17
    plain = inner + pad + bytes([padlen, nh])
    if mode == "--short":
        plain = plain[:4]
    hdr = struct.pack("!II", int(spi, 0), int(seq))
    iv = struct.pack("!Q", int(seq))
    return hdr + iv + aead.encrypt(salt + iv, plain, hdr)


def pcap_esp(path, dst):
    """ESP payloads of IPv4 packets to dst in an Ethernet pcap."""
    data = open(path, "rb").read()
    off, out, want = 24, [], socket.inet_aton(dst)
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = frame[14:]
        if len(ip) < 20 or ip[9] != 50 or ip[16:20] != want:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        out.append(ip[ihl:total])
    return out


def main(a):
    if a[:1] == ["gcm"] and len(a) >= 7:
        return gcm(*a[1:8])
    if a[:1] == ["junk"] and len(a) == 3:
        # a sequence number far ahead of any window, so only the ICV can reject it
        return send(a[1], [struct.pack("!II", int(a[2], 0), 1 << 20) + os.urandom(64)])
    if a[:1] == ["replay"] and len(a) == 3:
        return send(a[2], pcap_esp(a[1], a[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
