using System.IO.Hashing;
using Tributary.Bench.Codecs.Retired;
using Tributary.Foundation.Checksums;
using Tributary.Protocol.Compression;

namespace Tributary.Bench.Codecs;

/// <summary>What is measured against what. The reference is always the hand-written implementation.</summary>
public static class CodecPairs
{
    public static readonly CodecPair[] All =
    [
        new(
            "snappy",
            new RetiredCandidate("own managed Snappy (retired)", CompressionCodec.Snappy),
            new ProductionCandidate("Snappier 1.3.2", CompressionCodec.Snappy),
            DecodePackageOutput: true,
            InProduction: "Snappier"),
        new(
            "lz4",
            new RetiredCandidate("liblz4 LZ4F through P/Invoke (retired)", CompressionCodec.Lz4),
            new ProductionCandidate("K4os.Compression.LZ4 1.3.8 blocks, own frame layer", CompressionCodec.Lz4),
            DecodePackageOutput: false,
            InProduction: "K4os.Compression.LZ4 blocks, own frame layer"),
        new(
            "lz4_k4os_streams",
            new RetiredCandidate("liblz4 LZ4F through P/Invoke (retired)", CompressionCodec.Lz4),
            new K4osStreamsCandidate(),
            DecodePackageOutput: false,
            InProduction: "neither (K4os.Compression.LZ4 blocks, own frame layer)"),
        new(
            "zstd",
            new RetiredCandidate("libzstd through P/Invoke (retired)", CompressionCodec.Zstd),
            new ProductionCandidate("ZstdSharp.Port 0.8.8", CompressionCodec.Zstd),
            DecodePackageOutput: false,
            InProduction: "ZstdSharp.Port"),
    ];

    /// <summary>(bench name, reference name, reference, package name, package, in production).</summary>
    public static readonly ChecksumPair[] Checksums =
    [
        new("crc32", "own slicing-by-8 CRC-32 (retired)", data => RetiredCrc32.Update(0, data), "System.IO.Hashing 11.0.0 Crc32", Crc32.HashToUInt32, "System.IO.Hashing"),
        new("crc32c", "own three-chain CRC-32C (Foundation)", Crc32C.Compute, "System.IO.Hashing 11.0.0 Crc32 (Crc32C parameters)", data => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data), "own"),
    ];
}

public sealed record ChecksumPair(string Name, string OwnName, ChecksumFunction Own, string PackageName, ChecksumFunction Package, string InProduction);
