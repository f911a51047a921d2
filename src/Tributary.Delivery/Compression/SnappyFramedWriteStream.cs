using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tributary.Foundation.Checksums;
using Tributary.Protocol.Compression;

namespace Tributary.Delivery.Compression;

/// <summary>
/// The snappy framing format (google/snappy framing_format.txt), written from its description: the stream identifier
/// chunk (<c>ff 06 00 00 "sNaPpY"</c>), then one chunk per 64 KiB of input: type (00 compressed, 01 uncompressed),
/// 24-bit little-endian length of what follows, the masked CRC-32C of the uncompressed bytes (little-endian), and the
/// raw Snappy block (Tributary.Protocol's codec) or the bytes themselves when compression saves less than 1/8, the
/// threshold the reference implementation uses.
/// </summary>
internal sealed class SnappyFramedWriteStream(Stream destination, bool leaveOpen)
    : BlockWriteStream(destination, leaveOpen, MaxChunkInput)
{
    /// <summary>The format's limit on the uncompressed bytes of one chunk.</summary>
    internal const int MaxChunkInput = 65536;

    private const int ChunkHeaderSize = 4;
    private const int ChecksumSize = 4;
    private const byte CompressedChunk = 0x00;
    private const byte UncompressedChunk = 0x01;

    internal static ReadOnlySpan<byte> StreamIdentifier => [0xff, 0x06, 0x00, 0x00, (byte)'s', (byte)'N', (byte)'a', (byte)'P', (byte)'p', (byte)'Y'];

    protected override void WriteHeader(IBufferWriter<byte> output) => output.Write(StreamIdentifier);

    protected override void EncodeBlock(ReadOnlySpan<byte> block, ArrayBufferWriter<byte> output)
    {
        var start = output.WrittenCount;
        output.Advance(ChunkHeaderSize + ChecksumSize); // filled in below, once the compressed size is known
        BatchCompression.Compress(CompressionCodec.Snappy, block, output, SnappyFraming.Raw);
        var compressedSize = output.WrittenCount - start - ChunkHeaderSize - ChecksumSize;
        var type = CompressedChunk;
        if (compressedSize >= block.Length - (block.Length / 8))
        {
            // Not worth it: rewind and store the bytes as they are.
            output.ResetWrittenCount();
            output.Advance(start);
            output.Advance(ChunkHeaderSize + ChecksumSize);
            output.Write(block);
            compressedSize = block.Length;
            type = UncompressedChunk;
        }
        // WrittenMemory is read-only by type only; the chunk header lives in bytes this writer owns.
        var chunk = MemoryMarshal.AsMemory(output.WrittenMemory).Span[start..];
        var length = compressedSize + ChecksumSize;
        chunk[0] = type;
        chunk[1] = (byte)length;
        chunk[2] = (byte)(length >> 8);
        chunk[3] = (byte)(length >> 16);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk[ChunkHeaderSize..], MaskedCrc(block));
    }

    /// <summary>The framing format's checksum: CRC-32C rotated right by 15 bits plus a constant.</summary>
    internal static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C.Compute(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }
}
