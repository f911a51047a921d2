using System.Buffers;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

/// <summary>Every way the broker writes compressed records, plus helpers shared by the tests.</summary>
internal static class CodecVariants
{
    public static readonly IReadOnlyDictionary<string, (CompressionCodec Codec, SnappyFraming Framing)> ByName =
        new Dictionary<string, (CompressionCodec, SnappyFraming)>
        {
            ["gzip"] = (CompressionCodec.Gzip, SnappyFraming.Xerial),
            ["snappy-xerial"] = (CompressionCodec.Snappy, SnappyFraming.Xerial),
            ["snappy-raw"] = (CompressionCodec.Snappy, SnappyFraming.Raw),
            ["lz4"] = (CompressionCodec.Lz4, SnappyFraming.Xerial),
            ["zstd"] = (CompressionCodec.Zstd, SnappyFraming.Xerial),
        };

    public static TheoryData<string> Names => [.. ByName.Keys];

    public static byte[] Compress(string variant, ReadOnlySpan<byte> data, int level = -1)
    {
        var (codec, framing) = ByName[variant];
        var writer = new ArrayBufferWriter<byte>();
        BatchCompression.Compress(codec, data, writer, framing, level);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Decompress(string variant, ReadOnlySpan<byte> data, int max = BatchCompression.DefaultMaxDecompressedBytes) =>
        Decompress(ByName[variant].Codec, data, max);

    public static byte[] Decompress(CompressionCodec codec, ReadOnlySpan<byte> data, int max = BatchCompression.DefaultMaxDecompressedBytes)
    {
        var writer = new ArrayBufferWriter<byte>();
        BatchCompression.Decompress(codec, data, writer, max);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Deterministic test inputs by name.</summary>
    public static byte[] Input(string kind) => kind switch
    {
        "empty" => [],
        "one-byte" => [0x5A],
        "compressible" => Compressible(256 * 1024),
        "random" => RandomBytes(256 * 1024, seed: 7),
        "mixed-1MiB" => Mixed(1024 * 1024, seed: 11),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static readonly string[] InputKinds = ["empty", "one-byte", "compressible", "random", "mixed-1MiB"];

    public static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static byte[] Compressible(int length)
    {
        var data = new byte[length];
        var line = "{\"topic\":\"orders\",\"partition\":3,\"key\":\"customer-42\",\"value\":\"ok\"}\n"u8;
        for (var i = 0; i < length; i++)
        {
            data[i] = line[i % line.Length];
        }

        return data;
    }

    /// <summary>
    /// Alternating runs of random bytes, text with small variations, zeros and long-distance
    /// repeats, so matchers hit every element type, block boundaries and incompressible stretches.
    /// </summary>
    public static byte[] Mixed(int length, int seed)
    {
        var random = new Random(seed);
        var data = new byte[length];
        var position = 0;
        while (position < length)
        {
            var run = Math.Min(length - position, random.Next(1, 20_000));
            var target = data.AsSpan(position, run);
            switch (random.Next(4))
            {
                case 0:
                    random.NextBytes(target);
                    break;
                case 1:
                    for (var i = 0; i < run; i++)
                    {
                        target[i] = (byte)("record-" + (i / 37) + ";")[i % 8];
                    }

                    break;
                case 2:
                    target.Clear();
                    break;
                default:
                    if (position > 0)
                    {
                        var from = random.Next(position);
                        for (var i = 0; i < run; i++)
                        {
                            target[i] = data[from + (i % (position - from))];
                        }
                    }

                    break;
            }

            position += run;
        }

        return data;
    }
}
