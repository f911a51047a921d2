"""Decodes a Hadoop-Snappy (BlockCompressorStream) file by parsing its framing here and decompressing each chunk with
python-snappy's raw snappy.uncompress, so that blocks of several chunks are handled too (python-snappy's own
hadoop_snappy reader handles one chunk per block). Used by Tributary.Delivery.Tests as an independent reader.
Usage: hadoop_snappy_parse.py INPUT OUTPUT; prints the number of blocks and chunks."""
import struct
import sys

import snappy


def main(source, target):
    data = open(source, "rb").read()
    out = bytearray()
    position = blocks = chunks = 0
    while position < len(data):
        (expected,) = struct.unpack_from(">I", data, position)
        position += 4
        produced = 0
        blocks += 1
        while produced < expected:
            (length,) = struct.unpack_from(">I", data, position)
            position += 4
            piece = snappy.uncompress(data[position:position + length])
            position += length
            produced += len(piece)
            chunks += 1
            out += piece
        if produced != expected:
            sys.exit("block %d: %d bytes decoded, header said %d" % (blocks, produced, expected))
    open(target, "wb").write(out)
    print("%d blocks %d chunks" % (blocks, chunks))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
