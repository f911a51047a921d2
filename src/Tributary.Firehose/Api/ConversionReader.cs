using System.Text.Json;
using Tributary.Aws;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Api;

/// <summary>
/// DataFormatConversionConfiguration (JSON in, Parquet out). The schema is a table (SchemaConfiguration.DatabaseName
/// and TableName), or Tributary's extensions SchemaConfiguration.Schema (an inline Hive column list) and
/// SchemaConfiguration.RegistrySubject (a schema registry subject's Avro record, at VersionId), or, with none,
/// inferred from the records. ORC output is refused. MaxPaddingBytes is validated and not kept (Tributary pads nothing).
/// </summary>
internal static class ConversionReader
{
    public static FormatConversionDefinition Read(JsonElement configuration, string path, AwsValidation validation, List<string> invalid)
    {
        var enabled = configuration.GetBoolean("Enabled") ?? true;
        var definition = new FormatConversionDefinition { Enabled = enabled };
        var hasInput = false;
        var hasOutput = false;
        if (configuration.GetElement("SchemaConfiguration", JsonValueKind.Object) is { } schema)
        {
            definition = ReadSchema(schema, path + ".schemaConfiguration", definition, validation, invalid);
        }
        if (configuration.GetElement("InputFormatConfiguration", JsonValueKind.Object) is { } input
            && input.GetElement("Deserializer", JsonValueKind.Object) is { } deserializer)
        {
            var deserializerPath = path + ".inputFormatConfiguration.deserializer";
            var openX = deserializer.GetElement("OpenXJsonSerDe", JsonValueKind.Object);
            var hive = deserializer.GetElement("HiveJsonSerDe", JsonValueKind.Object);
            if (openX is not null && hive is not null)
            {
                invalid.Add("Deserializer takes either OpenXJsonSerDe or HiveJsonSerDe, not both.");
            }
            if (openX is { } openXSerDe)
            {
                hasInput = true;
                definition = ReadOpenX(openXSerDe, deserializerPath + ".openXJsonSerDe", definition, validation);
            }
            else if (hive is { } hiveSerDe)
            {
                hasInput = true;
                definition = ReadHive(hiveSerDe, deserializerPath + ".hiveJsonSerDe", definition, validation);
            }
        }
        if (configuration.GetElement("OutputFormatConfiguration", JsonValueKind.Object) is { } output
            && output.GetElement("Serializer", JsonValueKind.Object) is { } serializer)
        {
            var parquet = serializer.GetElement("ParquetSerDe", JsonValueKind.Object);
            var orc = serializer.GetElement("OrcSerDe", JsonValueKind.Object);
            if (orc is not null && parquet is not null)
            {
                invalid.Add("Serializer takes either ParquetSerDe or OrcSerDe, not both.");
            }
            if (orc is { } orcSerDe)
            {
                hasOutput = true;
                definition = ReadOrc(orcSerDe, path + ".outputFormatConfiguration.serializer.orcSerDe", definition, validation);
            }
            else if (parquet is { } parquetSerDe)
            {
                hasOutput = true;
                definition = ReadParquet(parquetSerDe, path + ".outputFormatConfiguration.serializer.parquetSerDe", definition, validation);
            }
        }
        if (enabled && !hasInput)
        {
            invalid.Add("InputFormatConfiguration.Deserializer (OpenXJsonSerDe or HiveJsonSerDe) is required when data format conversion is enabled.");
        }
        if (enabled && !hasOutput && invalid.Count == 0)
        {
            invalid.Add("OutputFormatConfiguration.Serializer (ParquetSerDe or OrcSerDe) is required when data format conversion is enabled.");
        }
        return definition;
    }

    private static FormatConversionDefinition ReadSchema(JsonElement schema, string path, FormatConversionDefinition definition, AwsValidation validation, List<string> invalid)
    {
        string? Member(string name)
        {
            var value = schema.GetString(name);
            var memberPath = path + "." + FirehoseDefinitions.Camel(name);
            validation.Length(value, 1, 1024, memberPath)
                .Pattern(value, FirehoseShapes.NonEmptyStringWithoutWhitespace(), FirehoseShapes.NonEmptyStringWithoutWhitespacePattern, memberPath);
            return value;
        }
        Member("RoleARN");
        var result = definition with
        {
            CatalogId = Member("CatalogId"),
            DatabaseName = Member("DatabaseName"),
            TableName = Member("TableName"),
            Region = Member("Region"),
            VersionId = Member("VersionId"),
            InlineSchema = schema.GetString("Schema"),
            RegistrySubject = Member("RegistrySubject"),
        };
        if (result.InlineSchema is { } inline && string.IsNullOrWhiteSpace(inline))
        {
            invalid.Add("SchemaConfiguration.Schema must not be empty: give Hive columns (name:type,name:type) or leave it out to infer the schema.");
        }
        if (result.TableName is not null && result.DatabaseName is null)
        {
            invalid.Add("SchemaConfiguration.TableName needs DatabaseName.");
        }
        if (result.TableName is not null && result.InlineSchema is not null)
        {
            invalid.Add("SchemaConfiguration takes either TableName (a table) or Schema (inline columns), not both.");
        }
        if (result.RegistrySubject is not null && (result.TableName is not null || result.InlineSchema is not null))
        {
            invalid.Add("SchemaConfiguration takes either RegistrySubject (a schema registry subject), TableName (a table) or Schema (inline columns), not several.");
        }
        if (result.RegistrySubject is not null && result.VersionId is { } version && version != "LATEST" && !int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            invalid.Add($"SchemaConfiguration.VersionId with RegistrySubject must be a version number or LATEST: {version}.");
        }
        return result;
    }

    private static FormatConversionDefinition ReadOpenX(JsonElement serDe, string path, FormatConversionDefinition definition, AwsValidation validation)
    {
        var mappings = new List<KeyValuePair<string, string>>();
        if (serDe.GetElement("ColumnToJsonKeyMappings", JsonValueKind.Object) is { } map)
        {
            foreach (var mapping in map.EnumerateObject())
            {
                if (mapping.Value.ValueKind != JsonValueKind.String)
                {
                    throw AwsRequestReader.WrongType("ColumnToJsonKeyMappings." + mapping.Name, "a string", mapping.Value);
                }
                var value = mapping.Value.GetString()!;
                validation.Length(mapping.Name, 1, 1024, path + ".columnToJsonKeyMappings.key")
                    .Pattern(mapping.Name, FirehoseShapes.NonEmptyStringWithoutWhitespace(), FirehoseShapes.NonEmptyStringWithoutWhitespacePattern, path + ".columnToJsonKeyMappings.key");
                validation.Length(value, 1, 1024, path + ".columnToJsonKeyMappings.value")
                    .Pattern(value, FirehoseShapes.NonEmptyString(), FirehoseShapes.NonEmptyStringPattern, path + ".columnToJsonKeyMappings.value");
                mappings.Add(new(mapping.Name, value));
            }
        }
        return definition with
        {
            InputSerDe = "OpenXJsonSerDe",
            ConvertDotsInJsonKeysToUnderscores = serDe.GetBoolean("ConvertDotsInJsonKeysToUnderscores") ?? false,
            CaseInsensitive = serDe.GetBoolean("CaseInsensitive") ?? true,
            ColumnToJsonKeyMappings = mappings,
        };
    }

    private static FormatConversionDefinition ReadHive(JsonElement serDe, string path, FormatConversionDefinition definition, AwsValidation validation)
    {
        var formats = new List<string>();
        if (serDe.GetElement("TimestampFormats", JsonValueKind.Array) is { } list)
        {
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                index++;
                var format = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw AwsRequestReader.WrongType("TimestampFormats", "a list of strings", item);
                var itemPath = FirehoseDefinitions.Index(path + ".timestampFormats", index);
                validation.Length(format, 1, 1024, itemPath).Pattern(format, FirehoseShapes.NonEmptyString(), FirehoseShapes.NonEmptyStringPattern, itemPath);
                formats.Add(format);
            }
        }
        return definition with { InputSerDe = "HiveJsonSerDe", TimestampFormats = formats };
    }

    private static FormatConversionDefinition ReadParquet(JsonElement serDe, string path, FormatConversionDefinition definition, AwsValidation validation)
    {
        var blockSize = serDe.GetInt32("BlockSizeBytes");
        var pageSize = serDe.GetInt32("PageSizeBytes");
        var compression = serDe.GetString("Compression");
        var padding = serDe.GetInt32("MaxPaddingBytes");
        var writerVersion = serDe.GetString("WriterVersion");
        validation.Range(blockSize, 64 * 1024 * 1024, int.MaxValue, path + ".blockSizeBytes");
        validation.Range(pageSize, 64 * 1024, int.MaxValue, path + ".pageSizeBytes");
        validation.Enum(compression, FirehoseShapes.ParquetCompressions, path + ".compression");
        validation.Range(padding, 0, int.MaxValue, path + ".maxPaddingBytes");
        validation.Enum(writerVersion, FirehoseShapes.ParquetWriterVersions, path + ".writerVersion");
        var defaults = new FormatConversionDefinition();
        return definition with
        {
            ParquetBlockSizeBytes = blockSize ?? defaults.ParquetBlockSizeBytes,
            ParquetPageSizeBytes = pageSize ?? defaults.ParquetPageSizeBytes,
            ParquetCompression = compression ?? defaults.ParquetCompression,
            EnableDictionaryCompression = serDe.GetBoolean("EnableDictionaryCompression") ?? defaults.EnableDictionaryCompression,
            WriterVersion = writerVersion ?? defaults.WriterVersion,
        };
    }

    private static FormatConversionDefinition ReadOrc(JsonElement serDe, string path, FormatConversionDefinition definition, AwsValidation validation)
    {
        var stripeSize = serDe.GetInt32("StripeSizeBytes");
        var blockSize = serDe.GetInt32("BlockSizeBytes");
        var stride = serDe.GetInt32("RowIndexStride");
        var compression = serDe.GetString("Compression");
        var version = serDe.GetString("FormatVersion");
        var tolerance = serDe.GetDouble("PaddingTolerance");
        var probability = serDe.GetDouble("BloomFilterFalsePositiveProbability");
        var threshold = serDe.GetDouble("DictionaryKeyThreshold");
        validation.Range(stripeSize, 8 * 1024 * 1024, int.MaxValue, path + ".stripeSizeBytes");
        validation.Range(blockSize, 64 * 1024 * 1024, int.MaxValue, path + ".blockSizeBytes");
        validation.Range(stride, 1000, int.MaxValue, path + ".rowIndexStride");
        validation.Enum(compression, FirehoseShapes.OrcCompressions, path + ".compression");
        validation.Enum(version, FirehoseShapes.OrcFormatVersions, path + ".formatVersion");
        Fraction(tolerance, path + ".paddingTolerance", validation);
        Fraction(probability, path + ".bloomFilterFalsePositiveProbability", validation);
        Fraction(threshold, path + ".dictionaryKeyThreshold", validation);
        var columns = new List<string>();
        if (serDe.GetElement("BloomFilterColumns", JsonValueKind.Array) is { } list)
        {
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var itemPath = $"{path}.bloomFilterColumns.{++i}.member";
                var column = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw AwsErrorException.Serialization("BloomFilterColumns must hold strings.");
                validation.Length(column, 1, 1024, itemPath).Pattern(column, FirehoseShapes.NonEmptyStringWithoutWhitespace(), FirehoseShapes.NonEmptyStringWithoutWhitespacePattern, itemPath);
                columns.Add(column);
            }
        }
        var defaults = new FormatConversionDefinition();
        return definition with
        {
            OutputFormat = "ORC",
            OrcStripeSizeBytes = stripeSize ?? defaults.OrcStripeSizeBytes,
            OrcBlockSizeBytes = blockSize ?? defaults.OrcBlockSizeBytes,
            OrcRowIndexStride = stride ?? defaults.OrcRowIndexStride,
            OrcCompression = compression ?? defaults.OrcCompression,
            OrcFormatVersion = version ?? defaults.OrcFormatVersion,
            OrcEnablePadding = serDe.GetBoolean("EnablePadding") ?? defaults.OrcEnablePadding,
            OrcPaddingTolerance = tolerance ?? defaults.OrcPaddingTolerance,
            OrcBloomFilterColumns = columns,
            OrcBloomFilterFalsePositiveProbability = probability ?? defaults.OrcBloomFilterFalsePositiveProbability,
            OrcDictionaryKeyThreshold = threshold,
        };
    }

    /// <summary>OrcSerDe's doubles: minimum 0, maximum 1.</summary>
    private static void Fraction(double? value, string path, AwsValidation validation)
    {
        if (value is { } v && !(v >= 0 && v <= 1))
        {
            validation.Add(v.ToString(System.Globalization.CultureInfo.InvariantCulture), path, v < 0 ? "Member must have value greater than or equal to 0" : "Member must have value less than or equal to 1");
        }
    }
}
