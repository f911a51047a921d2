using Tributary.Firehose.Model;
using Tributary.Formats;
using Tributary.Formats.Json;
using Tributary.Orc;
using Tributary.Orc.Json;
using Tributary.Orc.Metadata;
using Tributary.Orc.Writer;

namespace Tributary.Firehose.Objects;

/// <summary>
/// DataFormatConversionConfiguration with OrcSerDe: the records (JSON) as one ORC file, with the same table definitions
/// and OpenX/Hive SerDe behaviours as Parquet (what every conversion shares is in
/// <see cref="ConversionObjectEncoder{TSchema}"/>). Stateless between calls.
/// </summary>
internal sealed class OrcObjectEncoder(FormatConversionDefinition conversion, ITableSchemas tables)
    : ConversionObjectEncoder<TypeDescription>(conversion, tables)
{
    protected override TypeDescription FromTable(TableDefinition table) => OrcSchemas.FromTable(table);

    protected override TypeDescription FromInference(SchemaInference inference) => OrcSchemas.FromTable(inference.ToTable("inferred"));

    protected override bool IsSchemaError(Exception error) => error is ParquetFormatException or OrcFormatException;

    protected override void WriteFile(Stream output, TypeDescription schema, JsonSerDeOptions serde, Action<IJsonRecordConverter> writeRecords)
    {
        using var writer = new OrcWriter(output, schema, Options(Conversion), leaveOpen: true);
        writeRecords(new JsonToOrcConverter(writer, serde));
        writer.Complete();
    }

    /// <summary>OrcSerDe's settings as writer options.</summary>
    internal static OrcWriterOptions Options(FormatConversionDefinition conversion) => new()
    {
        Compression = conversion.OrcCompression switch
        {
            "NONE" => OrcCompression.None,
            "ZLIB" => OrcCompression.Zlib,
            _ => OrcCompression.Snappy,
        },
        StripeSizeBytes = conversion.OrcStripeSizeBytes,
        BlockSizeBytes = conversion.OrcBlockSizeBytes,
        RowIndexStride = conversion.OrcRowIndexStride,
        EnablePadding = conversion.OrcEnablePadding,
        PaddingTolerance = conversion.OrcPaddingTolerance,
        BloomFilterColumns = conversion.OrcBloomFilterColumns,
        BloomFilterFalsePositiveProbability = conversion.OrcBloomFilterFalsePositiveProbability,
        DictionaryKeyThreshold = conversion.OrcDictionaryKeyThreshold ?? new OrcWriterOptions().DictionaryKeyThreshold,
        FormatVersion = conversion.OrcFormatVersion == "V0_11" ? OrcFormatVersion.V0_11 : OrcFormatVersion.V0_12,
    };
}
