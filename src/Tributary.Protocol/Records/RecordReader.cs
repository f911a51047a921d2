using System.Runtime.CompilerServices;

namespace Tributary.Protocol.Records;

/// <summary>
/// Walks the records of a decoded (uncompressed) records section. Allocation-free; throws
/// <see cref="CorruptRecordException"/> on malformed bytes and never reads outside the span.
/// </summary>
public ref struct RecordReader
{
    private ReadOnlySpan<byte> _remaining;
    private int _recordsLeft;

    /// <param name="records">The records section: bytes 61..end of an uncompressed batch, or the decompressed payload.</param>
    /// <param name="count">RecordsCount from the batch header.</param>
    public RecordReader(ReadOnlySpan<byte> records, int count)
    {
        _remaining = records;
        _recordsLeft = count;
    }

    /// <summary>Bytes not yet consumed; non-empty after the last record means trailing garbage.</summary>
    public readonly int RemainingBytes => _remaining.Length;

    public bool TryReadNext(out Record record)
    {
        if (_recordsLeft <= 0)
        {
            if (_remaining.Length != 0)
            {
                Fail("trailing bytes after the last record");
            }
            record = default;
            return false;
        }
        _recordsLeft--;
        var source = _remaining;
        var length = ReadVarint(ref source, "record length");
        var prefix = _remaining.Length - source.Length;
        if (length < 0 || length > source.Length)
        {
            Fail("record length outside the batch");
        }
        var body = source[..length];
        var raw = _remaining[..(prefix + length)];
        _remaining = _remaining[(prefix + length)..];

        if (body.IsEmpty)
        {
            Fail("empty record");
        }
        var attributes = (sbyte)body[0];
        body = body[1..];
        var timestampDelta = ReadVarlong(ref body, "timestamp delta");
        var offsetDelta = ReadVarint(ref body, "offset delta");
        var key = ReadBytes(ref body, out var hasKey, "key");
        var value = ReadBytes(ref body, out var hasValue, "value");
        var headerCount = ReadVarint(ref body, "header count");
        if (headerCount < 0)
        {
            Fail("negative header count");
        }
        var headers = body;
        for (var i = 0; i < headerCount; i++)
        {
            var headerKeyLength = ReadVarint(ref body, "header key length");
            if (headerKeyLength < 0 || headerKeyLength > body.Length)
            {
                Fail("header key outside the record");
            }
            body = body[headerKeyLength..];
            ReadBytes(ref body, out _, "header value");
        }
        if (!body.IsEmpty)
        {
            Fail("trailing bytes inside a record");
        }
        record = new Record(raw, attributes, timestampDelta, offsetDelta, hasKey, key, hasValue, value, headerCount, headers);
        return true;
    }

    private static ReadOnlySpan<byte> ReadBytes(scoped ref ReadOnlySpan<byte> source, out bool present, string what)
    {
        var length = ReadVarint(ref source, what);
        if (length < -1 || length > source.Length)
        {
            Fail(what + " length outside the record");
        }
        present = length != -1;
        if (!present)
        {
            return default;
        }
        var bytes = source[..length];
        source = source[length..];
        return bytes;
    }

    private static int ReadVarint(scoped ref ReadOnlySpan<byte> source, string what)
    {
        if (!Varint.TryReadVarint(source, out var value, out var read))
        {
            Fail("bad varint for " + what);
        }
        source = source[read..];
        return value;
    }

    private static long ReadVarlong(scoped ref ReadOnlySpan<byte> source, string what)
    {
        if (!Varint.TryReadVarlong(source, out var value, out var read))
        {
            Fail("bad varlong for " + what);
        }
        source = source[read..];
        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fail(string reason) => throw new CorruptRecordException("Corrupt record: " + reason + ".");
}
