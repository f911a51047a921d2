using System.Buffers;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using Tributary.Bench.Codecs.Retired;
using Tributary.Protocol.Compression;

namespace Tributary.Bench.Codecs;

/// <summary>What Tributary runs: <see cref="BatchCompression"/>, Snappy as one raw block (no xerial framing).</summary>
public sealed class ProductionCandidate(string name, CompressionCodec codec) : ICodecCandidate
{
    public string Name => name;

    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination) => BatchCompression.Compress(codec, source, destination, SnappyFraming.Raw);

    public void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination) => BatchCompression.Decompress(codec, source, destination);
}

/// <summary>The hand-written codecs the packages replaced, driven exactly as BatchCompression drove them.</summary>
public sealed class RetiredCandidate(string name, CompressionCodec codec) : ICodecCandidate
{
    public string Name => name;

    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        switch (codec)
        {
            case CompressionCodec.Snappy:
                RetiredSnappyCodec.CompressBlock(source, destination);
                break;
            case CompressionCodec.Lz4:
                RetiredLz4FrameCodec.Compress(source, destination, -1);
                break;
            default:
                RetiredZstdCodec.Compress(source, destination, -1);
                break;
        }
    }

    public void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        var output = new BoundedOutput(destination, BatchCompression.DefaultMaxDecompressedBytes, codec);
        switch (codec)
        {
            case CompressionCodec.Snappy:
                RetiredSnappyCodec.DecompressBlock(source, ref output);
                break;
            case CompressionCodec.Lz4:
                RetiredLz4FrameCodec.Decompress(source, ref output);
                break;
            default:
                RetiredZstdCodec.Decompress(source, ref output);
                break;
        }
    }
}

/// <summary>
/// K4os.Compression.LZ4.Streams' frame API with Kafka's frame settings, the alternative to our frame layer over the
/// package's block codec. Decoding reads through a stream over the pinned input, as the span has no Memory form.
/// </summary>
public sealed class K4osStreamsCandidate : ICodecCandidate
{
    private static readonly LZ4EncoderSettings Settings = new() { BlockSize = 64 * 1024, ChainBlocks = false, ContentChecksum = false, BlockChecksum = false, CompressionLevel = LZ4Level.L00_FAST };

    public string Name => "K4os.Compression.LZ4.Streams 1.3.8 frame API";

    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination) => LZ4Frame.Encode(source, destination, Settings);

    public unsafe void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        fixed (byte* input = source)
        {
            using var stream = new UnmanagedMemoryStream(input, source.Length);
            using var reader = LZ4Frame.Decode(stream, 0, leaveOpen: true);
            while (true)
            {
                var span = destination.GetSpan(64 * 1024);
                var read = reader.ReadManyBytes(span);
                if (read == 0)
                {
                    return;
                }

                destination.Advance(read);
            }
        }
    }
}
