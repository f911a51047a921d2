using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tributary.Protocol.Compression;

namespace Tributary.Delivery.Compression;

/// <summary>
/// HADOOP_SNAPPY: Hadoop's BlockCompressorStream framing around raw Snappy blocks, as Hadoop's SnappyCodec writes it.
/// Per block: the uncompressed length (4 bytes, big-endian), then compressed chunks, each a 4-byte big-endian length
/// and a raw Snappy block. Tributary writes one chunk per block (readers such as python-snappy's hadoop_snappy only
/// handle that shape) and cuts blocks like Hadoop with its default 256 KiB buffer: at most
/// 256 KiB − (256 KiB / 6 + 32) = 218,422 input bytes, so a chunk never outgrows the reader's 256 KiB buffer even when
/// the data does not compress. An empty object is empty.
/// </summary>
internal sealed class HadoopSnappyWriteStream(Stream destination, bool leaveOpen)
    : BlockWriteStream(destination, leaveOpen, MaxBlockInput)
{
    /// <summary>Hadoop's io.compression.codec.snappy.buffersize default.</summary>
    internal const int HadoopBufferSize = 256 * 1024;

    /// <summary>BlockCompressorStream's MAX_INPUT_SIZE for that buffer: buffer − (buffer / 6 + 32).</summary>
    internal const int MaxBlockInput = HadoopBufferSize - ((HadoopBufferSize / 6) + 32);

    private const int LengthSize = 4;

    protected override void EncodeBlock(ReadOnlySpan<byte> block, ArrayBufferWriter<byte> output)
    {
        var start = output.WrittenCount;
        output.Advance(2 * LengthSize); // the two lengths, filled in once the compressed size is known
        BatchCompression.Compress(CompressionCodec.Snappy, block, output, SnappyFraming.Raw);
        var compressedSize = output.WrittenCount - start - (2 * LengthSize);
        // WrittenMemory is read-only by type only; these bytes belong to this writer.
        var header = MemoryMarshal.AsMemory(output.WrittenMemory).Span[start..];
        BinaryPrimitives.WriteInt32BigEndian(header, block.Length);
        BinaryPrimitives.WriteInt32BigEndian(header[LengthSize..], compressedSize);
    }
}
