#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench/cost's decrypt stream: COUNT frames for userspace/bench/pktinject.c.

  espstream.py esp ALG SIZE COUNT OUT ENCKEY AUTHKEY SPI OSRC ODST ISRC IDST
      Ethernet + IPv4 (OSRC -> ODST) + ESP tunnel mode, sequence numbers 1..COUNT,
      each carrying a SIZE-byte UDP packet ISRC -> IDST; ALG gcm128 (ENCKEY: 16 bytes
      + 4 of salt, AUTHKEY ignored) or aes128-sha1 (ENCKEY 16, AUTHKEY 20 bytes,
      96-bit ICV); keys in hex
  espstream.py plain SIZE COUNT OUT ISRC IDST
      the same inner packets without ESP

Each frame is written as a 2-byte big-endian length and the frame; the MAC
addresses are left zero (pktinject fills them in).
"""
import hashlib
import hmac
import os
import socket
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "selftests"))
from espcraft import csum  # noqa: E402


def ipv4(src, dst, proto, payload, ident=1):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0x4000,
                      64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def udp_packet(src, dst, size, ident):
    """A SIZE-byte IPv4 UDP packet (UDP checksum 0: allowed over IPv4)."""
    data = bytes(size - 28)
    return ipv4(src, dst, 17, struct.pack("!HHHH", 9, 9, size - 20, 0) + data, ident)


def frame(ip):
    body = bytes(12) + struct.pack("!H", 0x0800) + ip
    return struct.pack("!H", len(body)) + body


def esp(alg, ekey, akey, spi, seq, inner):
    hdr = struct.pack("!II", spi, seq)
    blk = 4 if alg == "gcm128" else 16
    padlen = (-(len(inner) + 2)) % blk
    plain = inner + bytes(range(1, padlen + 1)) + bytes([padlen, 4])
    if alg == "gcm128":
        iv = struct.pack("!Q", seq)
        return hdr + iv + AESGCM(ekey[:16]).encrypt(ekey[16:20] + iv, plain, hdr)
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(ekey), modes.CBC(iv)).encryptor()
    body = hdr + iv + enc.update(plain) + enc.finalize()
    return body + hmac.new(akey, body, hashlib.sha1).digest()[:12]


def main(a):
    if a[:1] == ["esp"] and len(a) == 12:
        alg, size, count, out = a[1], int(a[2]), int(a[3]), a[4]
        ekey, akey, spi = bytes.fromhex(a[5]), bytes.fromhex(a[6]), int(a[7], 0)
        osrc, odst, isrc, idst = a[8:12]
        if alg not in ("gcm128", "aes128-sha1"):
            print(f"espstream: unknown algorithm {alg}", file=sys.stderr)
            return 2
        with open(out, "wb") as f:
            for seq in range(1, count + 1):
                inner = udp_packet(isrc, idst, size, seq)
                f.write(frame(ipv4(osrc, odst, 50, esp(alg, ekey, akey, spi, seq, inner), seq)))
        return 0
    if a[:1] == ["plain"] and len(a) == 6:
        size, count, out, isrc, idst = int(a[1]), int(a[2]), a[3], a[4], a[5]
        with open(out, "wb") as f:
            for seq in range(1, count + 1):
                f.write(frame(udp_packet(isrc, idst, size, seq)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
