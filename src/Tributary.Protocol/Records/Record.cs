namespace Tributary.Protocol.Records;

/// <summary>
/// One record inside a magic-v2 batch, as views into the decoded records section (no copies).
/// Offsets and timestamps are deltas from the batch's BaseOffset and BaseTimestamp.
/// </summary>
public readonly ref struct Record
{
    public Record(ReadOnlySpan<byte> raw, sbyte attributes, long timestampDelta, int offsetDelta, bool hasKey, ReadOnlySpan<byte> key, bool hasValue, ReadOnlySpan<byte> value, int headerCount, ReadOnlySpan<byte> headers)
    {
        Raw = raw;
        Attributes = attributes;
        TimestampDelta = timestampDelta;
        OffsetDelta = offsetDelta;
        HasKey = hasKey;
        Key = key;
        HasValue = hasValue;
        Value = value;
        HeaderCount = headerCount;
        Headers = headers;
    }

    /// <summary>The whole encoded record, including its leading length varint.</summary>
    public ReadOnlySpan<byte> Raw { get; }

    public sbyte Attributes { get; }

    public long TimestampDelta { get; }

    public int OffsetDelta { get; }

    /// <summary>False when the key is null (length -1); an empty key is present with length 0.</summary>
    public bool HasKey { get; }

    public ReadOnlySpan<byte> Key { get; }

    /// <summary>False for a tombstone (value length -1).</summary>
    public bool HasValue { get; }

    public ReadOnlySpan<byte> Value { get; }

    public int HeaderCount { get; }

    /// <summary>The encoded headers (count varint excluded): [keyLength varint, key, valueLength varint, value]*.</summary>
    public ReadOnlySpan<byte> Headers { get; }
}
