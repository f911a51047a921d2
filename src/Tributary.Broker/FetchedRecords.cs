using Tributary.Foundation.Buffers;
using Tributary.Storage;

namespace Tributary.Broker;

/// <summary>
/// Whole record batches a fetch found in one partition: a region of the log that is copied out only when the
/// caller is ready to send or decode it (a Kafka fetch response copies it straight into its frame). Holds a lease
/// on the log segment so retention or compaction cannot remove the bytes underneath; dispose it once copied.
/// Not thread-safe. The log's file layout stays behind this type: callers see bytes, never files.
/// </summary>
public sealed class FetchedRecords : IDisposable
{
    private readonly LogReadResult _region;

    internal FetchedRecords(LogReadResult region) => _region = region;

    /// <summary>Bytes of whole batches; 0 when the fetch offset was at the high watermark.</summary>
    public int Length => _region.Length;

    public bool IsEmpty => _region.IsEmpty;

    /// <summary>Copies the batches into <paramref name="destination"/>, which must hold at least <see cref="Length"/> bytes.</summary>
    public void CopyTo(Span<byte> destination) => _region.CopyTo(destination);

    /// <summary>Appends the batches to a pooled buffer.</summary>
    public void CopyTo(PooledBufferWriter destination) => _region.CopyTo(destination);

    public byte[] ToArray() => _region.ToArray();

    public void Dispose() => _region.Dispose();
}
