using System.Buffers;

namespace Tributary.Bench.Codecs;

/// <summary>One implementation of a codec as the benchmark drives it: whole input in, whole output appended.</summary>
public interface ICodecCandidate
{
    string Name { get; }

    void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination);

    void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination);
}

/// <summary>A CRC-32 (gzip polynomial) over a whole buffer.</summary>
public delegate uint ChecksumFunction(ReadOnlySpan<byte> data);

/// <summary>
/// The hand-written implementation and the package measured against each other. DecodePackageOutput picks the
/// compressed bytes both decoders are timed on, so they decode the same input.
/// </summary>
public sealed record CodecPair(string Codec, ICodecCandidate Own, ICodecCandidate Package, bool DecodePackageOutput, string InProduction);
