using Tributary.Connect.Source;

namespace Tributary.Connect.Runtime.Storage;

/// <summary>
/// Where source offsets live (a file in standalone mode; the offsets topic in distributed mode). Puts are staged
/// until <see cref="FlushAsync"/> makes them durable; reads see staged values. Implementations are thread-safe.
/// </summary>
public interface IOffsetStore
{
    IReadOnlyDictionary<string, object?>? Get(string connector, IReadOnlyDictionary<string, object?> partition);

    /// <summary>Stages an offset (null removes the partition, as a tombstone does).</summary>
    void Put(string connector, IReadOnlyDictionary<string, object?> partition, IReadOnlyDictionary<string, object?>? offset);

    /// <summary>Every (partition, offset) of one connector, staged values included.</summary>
    IReadOnlyList<(Dictionary<string, object?> Partition, Dictionary<string, object?>? Offset)> ForConnector(string connector);

    Task FlushAsync(CancellationToken cancellationToken = default);

    OffsetStorageReader ReaderFor(string connector);
}
