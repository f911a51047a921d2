using System.Buffers;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Headers;

namespace Tributary.Connect.Storage;

/// <summary>
/// Turns Connect data into record bytes and back (Kafka's <c>Converter</c>): one instance per connector task and
/// side (key or value). Configured once before use; not required to be thread-safe. A null value is a Kafka null
/// (a tombstone) both ways.
/// </summary>
public interface IConverter : IDisposable
{
    /// <summary>Settings with the <c>key.converter.</c>/<c>value.converter.</c> prefix removed; <paramref name="isKey"/> tells which side.</summary>
    void Configure(IReadOnlyDictionary<string, string> configs, bool isKey);

    /// <summary>Serializes a value for <paramref name="topic"/>; DataException when it does not fit.</summary>
    byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value);

    /// <summary>
    /// Serializes a value into <paramref name="output"/> instead of a new array and returns the number of bytes written,
    /// or -1 for a Kafka null. The source path uses this form so a record's bytes go straight into its batch; a
    /// converter that can write in place overrides it (this default copies the array the other overload returns).
    /// </summary>
    int FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value, IBufferWriter<byte> output)
    {
        var bytes = FromConnectData(topic, headers, schema, value);
        if (bytes is null)
        {
            return -1;
        }
        output.Write(bytes);
        return bytes.Length;
    }

    /// <summary>Deserializes record bytes; DataException when they cannot be read.</summary>
    SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value);

    /// <summary>The converter's configuration keys.</summary>
    ConfigDef Config { get; }
}

/// <summary>Turns a header value into header bytes and back (Kafka's <c>HeaderConverter</c>).</summary>
public interface IHeaderConverter : IDisposable
{
    void Configure(IReadOnlyDictionary<string, string> configs);

    byte[]? FromConnectHeader(string topic, string headerKey, Schema? schema, object? value);

    SchemaAndValue ToConnectHeader(string topic, string headerKey, byte[]? value);

    ConfigDef Config { get; }
}
