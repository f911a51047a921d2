using System.Collections;
using Tributary.Connect.Data;

namespace Tributary.Connect.Headers;

/// <summary>One record header as Connect sees it: a key, and a value with an optional schema (Kafka's <c>Header</c>).</summary>
public sealed record Header(string Key, Schema? Schema, object? Value)
{
    /// <summary>The same key with another value.</summary>
    public Header With(Schema? schema, object? value) => new(Key, schema, value);

    /// <summary>The same value under another key.</summary>
    public Header Rename(string key) => new(key, Schema, Value);
}

/// <summary>
/// A record's headers in order (Kafka's <c>ConnectHeaders</c>): keys may repeat; the last one of a key is the
/// "latest". Values added with a schema are validated against it. Not thread-safe; each record owns its headers.
/// </summary>
public sealed class ConnectHeaders : IEnumerable<Header>
{
    private List<Header>? _headers;

    public ConnectHeaders()
    {
    }

    public ConnectHeaders(IEnumerable<Header> headers)
    {
        foreach (var header in headers)
        {
            Add(header);
        }
    }

    public int Count => _headers?.Count ?? 0;

    public bool IsEmpty => Count == 0;

    public ConnectHeaders Add(Header header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Schema is { } schema)
        {
            Schema.ValidateValue(schema, header.Value);
        }
        (_headers ??= []).Add(header);
        return this;
    }

    public ConnectHeaders Add(string key, Schema? schema, object? value) => Add(new Header(key, schema, value));

    public ConnectHeaders Add(string key, SchemaAndValue value) => Add(new Header(key, value.Schema, value.Value));

    public ConnectHeaders AddString(string key, string? value) => Add(key, value is null ? Schema.OptionalString : Schema.String, value);

    public ConnectHeaders AddBoolean(string key, bool value) => Add(key, Schema.Boolean, value);

    public ConnectHeaders AddInt32(string key, int value) => Add(key, Schema.Int32, value);

    public ConnectHeaders AddInt64(string key, long value) => Add(key, Schema.Int64, value);

    public ConnectHeaders AddBytes(string key, byte[]? value) => Add(key, value is null ? Schema.OptionalBytes : Schema.Bytes, value);

    /// <summary>The last header with this key, or null.</summary>
    public Header? LastWithName(string key)
    {
        if (_headers is null)
        {
            return null;
        }
        for (var i = _headers.Count - 1; i >= 0; i--)
        {
            if (_headers[i].Key == key)
            {
                return _headers[i];
            }
        }
        return null;
    }

    public IEnumerable<Header> AllWithName(string key) => _headers?.Where(h => h.Key == key) ?? [];

    /// <summary>Removes every header with this key.</summary>
    public ConnectHeaders Remove(string key)
    {
        _headers?.RemoveAll(h => h.Key == key);
        return this;
    }

    /// <summary>Keeps only the last header of each key, in the order of those last occurrences.</summary>
    public ConnectHeaders RetainLatest()
    {
        if (_headers is null)
        {
            return this;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<Header>();
        for (var i = _headers.Count - 1; i >= 0; i--)
        {
            if (seen.Add(_headers[i].Key))
            {
                kept.Add(_headers[i]);
            }
        }
        kept.Reverse();
        _headers = kept;
        return this;
    }

    public ConnectHeaders Clear()
    {
        _headers?.Clear();
        return this;
    }

    /// <summary>A copy (headers are immutable, so the copy shares them).</summary>
    public ConnectHeaders Duplicate() => _headers is null ? new ConnectHeaders() : new ConnectHeaders(_headers);

    public IEnumerator<Header> GetEnumerator() => (_headers ?? (IEnumerable<Header>)[]).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override bool Equals(object? obj) =>
        obj is ConnectHeaders other && Count == other.Count && this.Zip(other).All(p => p.First.Key == p.Second.Key && Equals(p.First.Schema, p.Second.Schema) && ValueEquality.Equal(p.First.Value, p.Second.Value));

    public override int GetHashCode() => Count;

    public override string ToString() => "ConnectHeaders(headers=" + string.Join(", ", this.Select(h => $"{h.Key}={h.Value}")) + ")";
}
