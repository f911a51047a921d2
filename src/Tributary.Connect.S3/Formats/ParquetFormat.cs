using System.Collections;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.S3.Sink;
using Tributary.Connect.Sink;
using Tributary.Delivery.Dialect;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;
using ConnectDate = Tributary.Connect.Data.Date;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectTimestamp = Tributary.Connect.Data.Timestamp;
using ParquetField = Tributary.Formats.Parquet.Schema.Field;

namespace Tributary.Connect.S3.Formats;

/// <summary>
/// Confluent's ParquetFormat with Tributary's Parquet writer: the value must be a Struct; its schema becomes the file's
/// (INT8–INT32 as INT32, INT64, FLOAT, DOUBLE, BOOLEAN, STRING as UTF-8 BYTE_ARRAY, BYTES, Decimal, Date, Timestamp
/// (millis, UTC), structs as groups, arrays as standard 3-level LISTs, maps as MAPs; optional fields are optional).
/// <c>parquet.codec</c> none, snappy, gzip or zstd; the extension is the codec's then <c>.parquet</c>
/// (<c>.snappy.parquet</c>, <c>.gz.parquet</c>, <c>.zstd.parquet</c>, <c>.parquet</c>) as parquet-mr names them.
/// </summary>
public sealed class ParquetFormat : IRecordFormat
{
    public ParquetFormat(string codec)
    {
        var compression = codec switch
        {
            "snappy" => CompressionCodec.Snappy,
            "gzip" => CompressionCodec.Gzip,
            "zstd" => CompressionCodec.Zstd,
            _ => CompressionCodec.Uncompressed,
        };
        Extension = compression switch
        {
            CompressionCodec.Snappy => ".snappy.parquet",
            CompressionCodec.Gzip => ".gz.parquet",
            CompressionCodec.Zstd => ".zstd.parquet",
            _ => ".parquet",
        };
        Encoder = new ParquetEncoder(new ParquetWriterOptions { Compression = compression, BackgroundFlush = false, CreatedBy = "tributary connect-s3" });
    }

    public string Extension { get; }

    public IObjectEncoder<S3Record> Encoder { get; }

    public bool OneSchemaPerFile => true;

    public byte[] Prepare(SinkRecord record)
    {
        if (record.ValueSchema is not { Type: SchemaType.Struct } schema || record.Value is not Struct value)
        {
            throw new DataException("ParquetFormat needs Struct values with a schema; got " + (record.ValueSchema?.Type.ToString().ToUpperInvariant() ?? "no schema")
                + (record.Value is null ? " and a null value" : " and a value of type " + record.Value.GetType().Name));
        }
        Schema.ValidateValue(schema, value);
        return [];
    }

    private sealed class ParquetEncoder(ParquetWriterOptions options) : IObjectEncoder<S3Record>
    {
        public EncodedObject<S3Record> Write(Stream output, string key, IReadOnlyList<S3Record> records)
        {
            var connectSchema = records[0].Sink.ValueSchema!;
            var schema = new ParquetSchema([.. connectSchema.Fields.Select(f => Node(f.Name, f.Schema))]);
            using var writer = new ParquetWriter(output, schema, options, leaveOpen: true);
            foreach (var record in records)
            {
                writer.WriteRow(Row((Struct)record.Sink.Value!));
            }
            writer.Complete();
            return new(records.Count, 0, []);
        }
    }

    internal static SchemaNode Node(string name, Schema schema)
    {
        var required = !schema.IsOptional;
        switch (schema.Name)
        {
            case ConnectDecimal.LogicalName:
                return ParquetField.Decimal(name, Precision(schema), ConnectDecimal.ScaleOf(schema), required);
            case ConnectDate.LogicalName:
                return ParquetField.Date(name, required);
            case ConnectTimestamp.LogicalName:
                return ParquetField.Timestamp(name, TimeUnit.Millis, isAdjustedToUtc: true, required);
        }
        return schema.Type switch
        {
            SchemaType.Int8 or SchemaType.Int16 or SchemaType.Int32 => ParquetField.Int32(name, required),
            SchemaType.Int64 => ParquetField.Int64(name, required),
            SchemaType.Float32 => ParquetField.Float(name, required),
            SchemaType.Float64 => ParquetField.Double(name, required),
            SchemaType.Boolean => ParquetField.Boolean(name, required),
            SchemaType.String => ParquetField.String(name, required),
            SchemaType.Bytes => ParquetField.Binary(name, required),
            SchemaType.Struct => ParquetField.Struct(name, [.. schema.Fields.Select(f => Node(f.Name, f.Schema))], required),
            SchemaType.Array => ParquetField.List(name, Node("element", schema.ValueSchema), required),
            SchemaType.Map => ParquetField.Map(name, Node("key", schema.KeySchema) is PrimitiveNode keyNode && keyNode.Repetition == Repetition.Required
                ? keyNode
                : throw new DataException("Parquet map keys must be required primitives"), Node("value", schema.ValueSchema), required),
            _ => throw new DataException("No Parquet type for Connect type " + schema.Type),
        };
    }

    private static int Precision(Schema schema) =>
        schema.Parameters is { } parameters && parameters.TryGetValue("connect.decimal.precision", out var text) && int.TryParse(text, out var precision) ? precision : 38;

    internal static Dictionary<string, object?> Row(Struct value)
    {
        var row = new Dictionary<string, object?>(value.Schema.Fields.Count, StringComparer.Ordinal);
        foreach (var field in value.Schema.Fields)
        {
            row[field.Name] = Convert(field.Schema, value.Get(field));
        }
        return row;
    }

    private static object? Convert(Schema schema, object? value) => value switch
    {
        null => null,
        Struct nested => Row(nested),
        BigDecimal number => number.ToDecimal(),
        IDictionary map when schema.Type == SchemaType.Map => ConvertMap(schema, map),
        IList list when schema.Type == SchemaType.Array => ConvertList(schema, list),
        _ => value,
    };

    private static List<object?> ConvertList(Schema schema, IList list)
    {
        var items = new List<object?>(list.Count);
        foreach (var item in list)
        {
            items.Add(Convert(schema.ValueSchema, item));
        }
        return items;
    }

    private static List<KeyValuePair<object, object?>> ConvertMap(Schema schema, IDictionary map)
    {
        var entries = new List<KeyValuePair<object, object?>>(map.Count);
        foreach (DictionaryEntry entry in map)
        {
            entries.Add(new(Convert(schema.KeySchema, entry.Key)!, Convert(schema.ValueSchema, entry.Value)));
        }
        return entries;
    }
}
