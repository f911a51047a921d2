namespace Tributary.Firehose.Sources;

/// <summary>
/// Copies record values into shared arrays of <see cref="ChunkSize"/> bytes, each value a slice of one, so the values a
/// source hands out cost no allocation each and no array of the large object heap. A fetched block (a MiB and more)
/// kept alive by its slices would be such an array: every one allocated spends the large-object budget, whose
/// exhaustion forces a full (gen2) collection, and each of those walks every record the engine is buffering.
/// <para>Arrays are never reused and the bytes of a slice are never written after <see cref="Copy"/> returns it (later
/// values fill the rest of the array), which is the lifetime <see cref="Delivery.Sources.SourceRecord.Data"/> promises.
/// A value larger than half a chunk gets an array of its own. Not thread-safe: one reader at a time.</para>
/// </summary>
internal sealed class ValueChunks
{
    /// <summary>Below the runtime's 85,000-byte threshold of the large object heap.</summary>
    public const int ChunkSize = 64 * 1024;

    private byte[] _chunk = [];
    private int _used;

    /// <summary>A copy of <paramref name="value"/> that stays valid and unchanged for as long as it is referenced.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> value)
    {
        if (value.Length > ChunkSize / 2)
        {
            return value.ToArray();
        }
        if (_chunk.Length - _used < value.Length)
        {
            _chunk = GC.AllocateUninitializedArray<byte>(ChunkSize);
            _used = 0;
        }
        value.CopyTo(_chunk.AsSpan(_used));
        var copy = new ReadOnlyMemory<byte>(_chunk, _used, value.Length);
        _used += value.Length;
        return copy;
    }
}
