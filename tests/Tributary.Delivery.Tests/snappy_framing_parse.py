"""Decodes a file in the snappy framing format (google/snappy framing_format.txt) as an independent reader for
Tributary.Delivery.Tests: checks the stream identifier, each chunk's type and masked CRC-32C (computed here in pure
Python), and decompresses compressed chunks with python-snappy's raw snappy.uncompress (libsnappy).
Usage: snappy_framing_parse.py INPUT OUTPUT; prints "chunks N compressed C uncompressed U"."""
import struct
import sys

import snappy

TABLE = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    TABLE.append(c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc = TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def main(source, target):
    data = open(source, "rb").read()
    if data[:10] != b"\xff\x06\x00\x00sNaPpY":
        sys.exit("missing stream identifier")
    out = bytearray()
    position = 10
    counts = {0: 0, 1: 0}
    while position < len(data):
        kind = data[position]
        length = data[position + 1] | (data[position + 2] << 8) | (data[position + 3] << 16)
        body = data[position + 4:position + 4 + length]
        position += 4 + length
        if len(body) != length:
            sys.exit("truncated chunk")
        if kind not in (0, 1):
            sys.exit("unexpected chunk type %d" % kind)
        (expected,) = struct.unpack_from("<I", body, 0)
        piece = snappy.uncompress(body[4:]) if kind == 0 else body[4:]
        if len(piece) > 65536:
            sys.exit("chunk of %d bytes exceeds 65536" % len(piece))
        if masked(crc32c(piece)) != expected:
            sys.exit("CRC mismatch in a chunk at %d" % position)
        counts[kind] += 1
        out += piece
    open(target, "wb").write(out)
    print("chunks %d compressed %d uncompressed %d" % (counts[0] + counts[1], counts[0], counts[1]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
