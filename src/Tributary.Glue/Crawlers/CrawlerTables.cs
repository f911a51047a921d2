using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Glue.Crawlers;

/// <summary>
/// The Table and Partition shapes a crawler writes, per classification (the formats and SerDes Glue's crawlers set:
/// docs/glue.md, "Crawlers"), and Glue's table naming.
/// </summary>
internal static class CrawlerTables
{
    /// <summary>Glue's table name for a folder: the prefix prepended, lowercase, every character other than a-z, 0-9 and '_' as '_'.</summary>
    public static string TableName(string tablePrefix, string folder)
    {
        var name = new StringBuilder();
        foreach (var c in (tablePrefix + folder).ToLowerInvariant())
        {
            name.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_' ? c : '_');
        }
        return name.Length > 255 ? name.ToString(0, 255) : name.ToString();
    }

    public static JsonObject TableInput(string name, string location, Classification classification, InferredSchema schema,
        IReadOnlyList<string> partitionKeys, string crawler, int objectCount, long bytes)
    {
        var parameters = Parameters(classification, schema, crawler, objectCount, bytes);
        var descriptor = StorageDescriptor(location, classification, schema, parameters);
        return new JsonObject
        {
            ["Name"] = name,
            ["Owner"] = "owner",
            ["Retention"] = 0,
            ["StorageDescriptor"] = descriptor,
            ["PartitionKeys"] = new JsonArray([.. partitionKeys.Select(k => (JsonNode)new JsonObject { ["Name"] = k, ["Type"] = "string" })]),
            ["TableType"] = "EXTERNAL_TABLE",
            ["Parameters"] = parameters.DeepClone(),
            ["CreatedBy"] = "arn:aws:sts::000000000000:assumed-role/AWSGlueServiceRole/AWS-Crawler",
        };
    }

    /// <summary>A partition of a crawled table: the table's descriptor with the partition folder as its location.</summary>
    public static JsonObject PartitionInput(JsonObject table, IReadOnlyList<string> values, string location)
    {
        var descriptor = (JsonObject)(table["StorageDescriptor"] ?? new JsonObject()).DeepClone();
        descriptor["Location"] = location;
        return new JsonObject
        {
            ["Values"] = new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]),
            ["StorageDescriptor"] = descriptor,
            ["Parameters"] = (table["Parameters"] ?? new JsonObject()).DeepClone(),
        };
    }

    public static List<(string Name, string Type)> Columns(JsonObject table) =>
        [.. (((table["StorageDescriptor"] as JsonObject)?["Columns"] as JsonArray) ?? []).OfType<JsonObject>().Select(c => ((string)c["Name"]!, (string?)c["Type"] ?? "string"))];

    private static JsonObject Parameters(Classification classification, InferredSchema schema, string crawler, int objectCount, long bytes)
    {
        var parameters = new JsonObject
        {
            ["classification"] = classification.Kind,
            ["compressionType"] = classification.Gzip ? "gzip" : "none",
            ["typeOfData"] = "file",
            ["CrawlerSchemaSerializerVersion"] = "1.0",
            ["CrawlerSchemaDeserializerVersion"] = "1.0",
            ["UPDATED_BY_CRAWLER"] = crawler,
            ["objectCount"] = objectCount.ToString(CultureInfo.InvariantCulture),
            ["sizeKey"] = bytes.ToString(CultureInfo.InvariantCulture),
        };
        if (classification.Kind == Classification.Csv)
        {
            parameters["delimiter"] = schema.Delimiter ?? ",";
            parameters["columnsOrdered"] = "true";
            parameters["areColumnsQuoted"] = "false";
            if (schema.Header)
            {
                parameters["skip.header.line.count"] = "1";
            }
        }
        if (schema.AvroSchema is { } literal)
        {
            parameters["avro.schema.literal"] = literal;
        }
        return parameters;
    }

    private static JsonObject StorageDescriptor(string location, Classification classification, InferredSchema schema, JsonObject parameters)
    {
        const string text = "org.apache.hadoop.mapred.TextInputFormat";
        const string textOutput = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
        var (input, output, serde, serdeParameters) = classification.Kind switch
        {
            Classification.Parquet => ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", new JsonObject { ["serialization.format"] = "1" }),
            Classification.Avro => ("org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat", "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
                "org.apache.hadoop.hive.serde2.avro.AvroSerDe", new JsonObject { ["avro.schema.literal"] = schema.AvroSchema }),
            Classification.Json => (text, textOutput, "org.openx.data.jsonserde.JsonSerDe",
                new JsonObject { ["paths"] = string.Join(',', schema.Columns.Select(c => c.Name).Order(StringComparer.Ordinal)) }),
            _ => (text, textOutput, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", new JsonObject { ["field.delim"] = schema.Delimiter ?? "," }),
        };
        return new JsonObject
        {
            ["Columns"] = new JsonArray([.. schema.Columns.Select(c => (JsonNode)new JsonObject { ["Name"] = c.Name, ["Type"] = c.Type })]),
            ["Location"] = location,
            ["InputFormat"] = input,
            ["OutputFormat"] = output,
            ["Compressed"] = classification.Gzip,
            ["NumberOfBuckets"] = -1,
            ["SerdeInfo"] = new JsonObject { ["SerializationLibrary"] = serde, ["Parameters"] = serdeParameters },
            ["BucketColumns"] = new JsonArray(),
            ["SortColumns"] = new JsonArray(),
            ["Parameters"] = parameters.DeepClone(),
            ["StoredAsSubDirectories"] = false,
        };
    }
}
