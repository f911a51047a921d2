using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.S3.Sink;
using Tributary.Connect.Sink;
using Tributary.Delivery.Dialect;

namespace Tributary.Connect.S3.Formats;

/// <summary>
/// The parts of a record a file can hold, as Confluent's RecordViews define them (<c>store.kafka.keys</c>,
/// <c>store.kafka.headers</c>): the value; the key (<c>.keys</c> files); the headers as an array of
/// <c>{key: string, value: string}</c> structs, each value as Kafka's <c>Values.convertToString</c> renders it
/// (<c>.headers</c> files). Parquet needs a struct at the root, so for Parquet a key is wrapped in a <c>RecordKey</c>
/// struct of one field <c>key</c> and the headers in a <c>RecordHeaders</c> struct of one field <c>headers</c>.
/// A view is a record whose value is the viewed part, so that every format writes it as it writes values.
/// </summary>
public static class RecordViews
{
    /// <summary>One header of a headers file.</summary>
    public static readonly Schema HeaderSchema = SchemaBuilder.Struct().Field("key", Schema.String).Field("value", Schema.String).Build();

    /// <summary>The headers file's value schema: an array of <see cref="HeaderSchema"/>.</summary>
    public static readonly Schema HeadersSchema = SchemaBuilder.Array(HeaderSchema).Build();

    private static readonly Schema HeadersEnvelope = SchemaBuilder.Struct().Name("RecordHeaders").Field("headers", HeadersSchema).Build();

    /// <summary>The key as a record's value; a DataException when the record has no key (the files must stay aligned).</summary>
    public static SinkRecord Key(SinkRecord record, bool enveloped)
    {
        if (record.Key is null)
        {
            throw new DataException("Key cannot be null for SinkRecord: " + Describe(record));
        }
        var (schema, value) = (record.KeySchema, record.Key);
        if (enveloped)
        {
            var envelope = SchemaBuilder.Struct().Name("RecordKey").Field("key", schema ?? throw new DataException("ParquetFormat needs keys with a schema; this one has none: " + Describe(record))).Build();
            (schema, value) = (envelope, new Struct(envelope).Put("key", value));
        }
        return View(record, schema, value);
    }

    /// <summary>The headers as a record's value; a DataException when the record has none.</summary>
    public static SinkRecord Headers(SinkRecord record, bool enveloped)
    {
        if (record.Headers.IsEmpty)
        {
            throw new DataException("Headers cannot be null for SinkRecord: " + Describe(record));
        }
        var headers = new List<object?>(record.Headers.Count);
        foreach (var header in record.Headers)
        {
            headers.Add(new Struct(HeaderSchema).Put("key", header.Key).Put("value", Values.ConvertToString(header.Schema, header.Value)));
        }
        return enveloped
            ? View(record, HeadersEnvelope, new Struct(HeadersEnvelope).Put("headers", headers))
            : View(record, HeadersSchema, headers);
    }

    private static SinkRecord View(SinkRecord record, Schema? schema, object? value) =>
        new(record.Topic, record.KafkaPartition ?? record.OriginalKafkaPartition, record.KeySchema, record.Key, schema, value, record.KafkaOffset, record.Timestamp,
            record.TimestampType, record.Headers, record.OriginalTopic, record.OriginalKafkaPartition, record.OriginalKafkaOffset);

    /// <summary>The record's place, for error messages (never its contents, which may be sensitive).</summary>
    public static string Describe(SinkRecord record) =>
        "SinkRecord{topic='" + record.OriginalTopic + "', partition=" + record.OriginalKafkaPartition + ", offset=" + record.OriginalKafkaOffset + "}";
}

/// <summary>
/// Writes one view of each record (the key or the headers a record carries in <see cref="SinkSourceRecord.Views"/>)
/// through a format's encoder, as a companion of the value file.
/// </summary>
internal sealed class RecordViewEncoder(IObjectEncoder<S3Record> inner, int view) : IObjectEncoder<S3Record>
{
    public EncodedObject<S3Record> Write(Stream output, string key, IReadOnlyList<S3Record> records)
    {
        var views = new List<S3Record>(records.Count);
        foreach (var record in records)
        {
            views.Add(new S3Record(record.Sink.Views[view]));
        }
        var encoded = inner.Write(output, key, views);
        return encoded with { Rejected = encoded.Rejected.Count == 0 ? [] : [.. encoded.Rejected.Select(r => records[views.IndexOf(r)])] };
    }
}
