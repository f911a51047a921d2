using Tributary.Firehose.Model;
using Tributary.Formats.Json;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;

namespace Tributary.Firehose.Objects;

/// <summary>
/// DataFormatConversionConfiguration with ParquetSerDe: the records (JSON) as one Parquet file (what every conversion
/// shares is in <see cref="ConversionObjectEncoder{TSchema}"/>). Stateless between calls.
/// </summary>
internal sealed class ParquetObjectEncoder(FormatConversionDefinition conversion, ITableSchemas tables)
    : ConversionObjectEncoder<ParquetSchema>(conversion, tables)
{
    protected override ParquetSchema FromTable(TableDefinition table) => table.ToSchema();

    protected override ParquetSchema FromInference(SchemaInference inference) => inference.ToSchema();

    protected override void WriteFile(Stream output, ParquetSchema schema, JsonSerDeOptions serde, Action<IJsonRecordConverter> writeRecords)
    {
        using var writer = new ParquetWriter(output, schema, Options(Conversion), leaveOpen: true);
        writeRecords(new JsonToParquetConverter(writer, serde));
        writer.Complete();
    }

    /// <summary>ParquetSerDe's settings as writer options.</summary>
    internal static ParquetWriterOptions Options(FormatConversionDefinition conversion) => new()
    {
        Compression = conversion.ParquetCompression switch
        {
            "GZIP" => CompressionCodec.Gzip,
            "UNCOMPRESSED" => CompressionCodec.Uncompressed,
            _ => CompressionCodec.Snappy,
        },
        RowGroupSizeBytes = conversion.ParquetBlockSizeBytes,
        PageSizeBytes = conversion.ParquetPageSizeBytes,
        EnableDictionary = conversion.EnableDictionaryCompression,
        DataPageVersion = conversion.WriterVersion == "V2" ? 2 : 1,
        BackgroundFlush = false,
    };
}
