using System.Buffers;
using Tributary.Formats.Parquet.Thrift;

namespace Tributary.Formats.Parquet.Metadata;

/// <summary>
/// Encodes and decodes the footer (FileMetaData) and page headers with the Thrift compact protocol,
/// using the field ids of parquet.thrift. Keep in sync with docs/formats/parquet.md. Stateless, thread-safe.
/// </summary>
public static class MetadataCodec
{
    // ---------------------------------------------------------------- writing

    public static void WriteFileMetadata(FileMetadata metadata, IBufferWriter<byte> output)
    {
        var w = new CompactProtocolWriter(output);
        w.BeginStruct();
        w.WriteI32Field(1, metadata.Version);
        w.BeginListField(2, CompactType.Struct, metadata.Schema.Count);
        foreach (var element in metadata.Schema)
        {
            WriteSchemaElement(w, element);
        }
        w.WriteI64Field(3, metadata.NumRows);
        w.BeginListField(4, CompactType.Struct, metadata.RowGroups.Count);
        foreach (var rowGroup in metadata.RowGroups)
        {
            WriteRowGroup(w, rowGroup);
        }
        if (metadata.KeyValueMetadata is { Count: > 0 } keyValues)
        {
            w.BeginListField(5, CompactType.Struct, keyValues.Count);
            foreach (var keyValue in keyValues)
            {
                w.BeginStruct();
                w.WriteStringField(1, keyValue.Key);
                if (keyValue.Value is not null)
                {
                    w.WriteStringField(2, keyValue.Value);
                }
                w.EndStruct();
            }
        }
        if (metadata.CreatedBy is not null)
        {
            w.WriteStringField(6, metadata.CreatedBy);
        }
        if (metadata.TypeDefinedColumnOrders > 0)
        {
            // ColumnOrder is a union whose only member is TYPE_ORDER (field 1, an empty struct).
            w.BeginListField(7, CompactType.Struct, metadata.TypeDefinedColumnOrders);
            for (var i = 0; i < metadata.TypeDefinedColumnOrders; i++)
            {
                w.BeginStruct();
                w.BeginStructField(1);
                w.EndStruct();
                w.EndStruct();
            }
        }
        w.EndStruct();
    }

    private static void WriteSchemaElement(CompactProtocolWriter w, SchemaElement e)
    {
        w.BeginStruct();
        if (e.Type is { } type)
        {
            w.WriteI32Field(1, (int)type);
        }
        if (e.TypeLength is { } typeLength)
        {
            w.WriteI32Field(2, typeLength);
        }
        if (e.RepetitionType is { } repetition)
        {
            w.WriteI32Field(3, (int)repetition);
        }
        w.WriteStringField(4, e.Name);
        if (e.NumChildren is { } children)
        {
            w.WriteI32Field(5, children);
        }
        if (e.ConvertedType is { } converted)
        {
            w.WriteI32Field(6, (int)converted);
        }
        if (e.Scale is { } scale)
        {
            w.WriteI32Field(7, scale);
        }
        if (e.Precision is { } precision)
        {
            w.WriteI32Field(8, precision);
        }
        if (e.FieldId is { } fieldId)
        {
            w.WriteI32Field(9, fieldId);
        }
        if (e.LogicalType is { } logical)
        {
            w.BeginStructField(10);
            w.BeginStructField((short)logical.Kind);
            switch (logical.Kind)
            {
                case LogicalTypeKind.Decimal:
                    w.WriteI32Field(1, logical.Scale);
                    w.WriteI32Field(2, logical.Precision);
                    break;
                case LogicalTypeKind.Timestamp or LogicalTypeKind.Time:
                    w.WriteBoolField(1, logical.IsAdjustedToUtc);
                    w.BeginStructField(2);
                    w.BeginStructField((short)logical.Unit);
                    w.EndStruct();
                    w.EndStruct();
                    break;
                case LogicalTypeKind.Integer:
                    w.WriteByteField(1, (sbyte)logical.BitWidth);
                    w.WriteBoolField(2, logical.IsSigned);
                    break;
            }
            w.EndStruct();
            w.EndStruct();
        }
        w.EndStruct();
    }

    private static void WriteRowGroup(CompactProtocolWriter w, RowGroup rowGroup)
    {
        w.BeginStruct();
        w.BeginListField(1, CompactType.Struct, rowGroup.Columns.Count);
        foreach (var chunk in rowGroup.Columns)
        {
            w.BeginStruct();
            w.WriteI64Field(2, chunk.FileOffset);
            w.BeginStructField(3);
            WriteColumnMetaData(w, chunk.MetaData);
            w.EndStruct();
            w.EndStruct();
        }
        w.WriteI64Field(2, rowGroup.TotalByteSize);
        w.WriteI64Field(3, rowGroup.NumRows);
        if (rowGroup.FileOffset is { } fileOffset)
        {
            w.WriteI64Field(5, fileOffset);
        }
        if (rowGroup.TotalCompressedSize is { } compressed)
        {
            w.WriteI64Field(6, compressed);
        }
        if (rowGroup.Ordinal is { } ordinal)
        {
            w.WriteFieldHeader(7, CompactType.I16);
            w.WriteI32(ordinal);
        }
        w.EndStruct();
    }

    private static void WriteColumnMetaData(CompactProtocolWriter w, ColumnMetaData m)
    {
        w.WriteI32Field(1, (int)m.Type);
        w.BeginListField(2, CompactType.I32, m.Encodings.Count);
        foreach (var encoding in m.Encodings)
        {
            w.WriteI32((int)encoding);
        }
        w.BeginListField(3, CompactType.Binary, m.PathInSchema.Count);
        foreach (var part in m.PathInSchema)
        {
            w.WriteString(part);
        }
        w.WriteI32Field(4, (int)m.Codec);
        w.WriteI64Field(5, m.NumValues);
        w.WriteI64Field(6, m.TotalUncompressedSize);
        w.WriteI64Field(7, m.TotalCompressedSize);
        w.WriteI64Field(9, m.DataPageOffset);
        if (m.DictionaryPageOffset is { } dictionaryOffset)
        {
            w.WriteI64Field(11, dictionaryOffset);
        }
        if (m.Statistics is { } statistics)
        {
            w.BeginStructField(12);
            WriteStatisticsFields(w, statistics);
            w.EndStruct();
        }
        if (m.EncodingStats is { Count: > 0 } encodingStats)
        {
            w.BeginListField(13, CompactType.Struct, encodingStats.Count);
            foreach (var stat in encodingStats)
            {
                w.BeginStruct();
                w.WriteI32Field(1, (int)stat.PageType);
                w.WriteI32Field(2, (int)stat.Encoding);
                w.WriteI32Field(3, stat.Count);
                w.EndStruct();
            }
        }
    }

    private static void WriteStatisticsFields(CompactProtocolWriter w, Statistics s)
    {
        if (s.NullCount is { } nullCount)
        {
            w.WriteI64Field(3, nullCount);
        }
        if (s.DistinctCount is { } distinct)
        {
            w.WriteI64Field(4, distinct);
        }
        if (s.MaxValue is { } max)
        {
            w.WriteBinaryField(5, max);
        }
        if (s.MinValue is { } min)
        {
            w.WriteBinaryField(6, min);
        }
    }

    public static void WritePageHeader(PageHeader header, IBufferWriter<byte> output)
    {
        var w = new CompactProtocolWriter(output);
        w.BeginStruct();
        w.WriteI32Field(1, (int)header.Type);
        w.WriteI32Field(2, header.UncompressedPageSize);
        w.WriteI32Field(3, header.CompressedPageSize);
        if (header.DataPageHeader is { } v1)
        {
            w.BeginStructField(5);
            w.WriteI32Field(1, v1.NumValues);
            w.WriteI32Field(2, (int)v1.Encoding);
            w.WriteI32Field(3, (int)v1.DefinitionLevelEncoding);
            w.WriteI32Field(4, (int)v1.RepetitionLevelEncoding);
            if (v1.Statistics is { } statistics)
            {
                w.BeginStructField(5);
                WriteStatisticsFields(w, statistics);
                w.EndStruct();
            }
            w.EndStruct();
        }
        if (header.DictionaryPageHeader is { } dictionary)
        {
            w.BeginStructField(7);
            w.WriteI32Field(1, dictionary.NumValues);
            w.WriteI32Field(2, (int)dictionary.Encoding);
            w.EndStruct();
        }
        if (header.DataPageHeaderV2 is { } v2)
        {
            w.BeginStructField(8);
            w.WriteI32Field(1, v2.NumValues);
            w.WriteI32Field(2, v2.NumNulls);
            w.WriteI32Field(3, v2.NumRows);
            w.WriteI32Field(4, (int)v2.Encoding);
            w.WriteI32Field(5, v2.DefinitionLevelsByteLength);
            w.WriteI32Field(6, v2.RepetitionLevelsByteLength);
            w.WriteBoolField(7, v2.IsCompressed);
            if (v2.Statistics is { } statistics)
            {
                w.BeginStructField(8);
                WriteStatisticsFields(w, statistics);
                w.EndStruct();
            }
            w.EndStruct();
        }
        w.EndStruct();
    }

    // ---------------------------------------------------------------- reading

    public static FileMetadata ReadFileMetadata(ReadOnlySpan<byte> data)
    {
        Span<short> stack = stackalloc short[CompactProtocolReader.MaxDepth];
        var r = new CompactProtocolReader(data, stack);
        var m = new FileMetadata { Version = 0 };
        var seen = 0;
        r.BeginStruct();
        while (r.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32:
                    m.Version = r.ReadI32();
                    seen |= 1;
                    break;
                case 2 when type == CompactType.List:
                    {
                        var count = r.ReadListHeader(out _);
                        for (var i = 0; i < count; i++)
                        {
                            m.Schema.Add(ReadSchemaElement(ref r));
                        }
                        seen |= 2;
                        break;
                    }
                case 3 when type == CompactType.I64:
                    m.NumRows = r.ReadI64();
                    seen |= 4;
                    break;
                case 4 when type == CompactType.List:
                    {
                        var count = r.ReadListHeader(out _);
                        for (var i = 0; i < count; i++)
                        {
                            m.RowGroups.Add(ReadRowGroup(ref r));
                        }
                        seen |= 8;
                        break;
                    }
                case 5 when type == CompactType.List:
                    {
                        var count = r.ReadListHeader(out _);
                        m.KeyValueMetadata = new List<KeyValue>(count);
                        for (var i = 0; i < count; i++)
                        {
                            var keyValue = new KeyValue();
                            r.BeginStruct();
                            while (r.ReadFieldHeader(out var kvId, out var kvType))
                            {
                                if (kvId == 1 && kvType == CompactType.Binary)
                                {
                                    keyValue.Key = r.ReadString();
                                }
                                else if (kvId == 2 && kvType == CompactType.Binary)
                                {
                                    keyValue.Value = r.ReadString();
                                }
                                else
                                {
                                    r.Skip(kvType);
                                }
                            }
                            r.EndStruct();
                            m.KeyValueMetadata.Add(keyValue);
                        }
                        break;
                    }
                case 6 when type == CompactType.Binary:
                    m.CreatedBy = r.ReadString();
                    break;
                case 7 when type == CompactType.List:
                    {
                        var count = r.ReadListHeader(out var elementType);
                        for (var i = 0; i < count; i++)
                        {
                            r.Skip(elementType, inList: true);
                        }
                        m.TypeDefinedColumnOrders = count;
                        break;
                    }
                default:
                    r.Skip(type);
                    break;
            }
        }
        r.EndStruct();
        if (seen != 15)
        {
            throw new ParquetFormatException("Parquet footer lacks a required field (version, schema, num_rows or row_groups).");
        }
        return m;
    }

    private static SchemaElement ReadSchemaElement(ref CompactProtocolReader r)
    {
        var e = new SchemaElement();
        r.BeginStruct();
        while (r.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: e.Type = (PhysicalType)r.ReadI32(); break;
                case 2 when type == CompactType.I32: e.TypeLength = r.ReadI32(); break;
                case 3 when type == CompactType.I32: e.RepetitionType = (Repetition)r.ReadI32(); break;
                case 4 when type == CompactType.Binary: e.Name = r.ReadString(); break;
                case 5 when type == CompactType.I32: e.NumChildren = r.ReadI32(); break;
                case 6 when type == CompactType.I32: e.ConvertedType = (ConvertedType)r.ReadI32(); break;
                case 7 when type == CompactType.I32: e.Scale = r.ReadI32(); break;
                case 8 when type == CompactType.I32: e.Precision = r.ReadI32(); break;
                case 9 when type == CompactType.I32: e.FieldId = r.ReadI32(); break;
                case 10 when type == CompactType.Struct: e.LogicalType = ReadLogicalType(ref r); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        return e;
    }

    private static LogicalType? ReadLogicalType(ref CompactProtocolReader r)
    {
        LogicalType? result = null;
        r.BeginStruct();
        while (r.ReadFieldHeader(out var id, out var type))
        {
            if (type != CompactType.Struct)
            {
                r.Skip(type);
                continue;
            }
            var kind = (LogicalTypeKind)id;
            var logical = new LogicalType(kind);
            r.BeginStruct();
            while (r.ReadFieldHeader(out var fieldId, out var fieldType))
            {
                switch (kind, fieldId, fieldType)
                {
                    case (LogicalTypeKind.Decimal, 1, CompactType.I32): logical = logical with { Scale = r.ReadI32() }; break;
                    case (LogicalTypeKind.Decimal, 2, CompactType.I32): logical = logical with { Precision = r.ReadI32() }; break;
                    case (LogicalTypeKind.Timestamp or LogicalTypeKind.Time, 1, CompactType.BooleanTrue or CompactType.BooleanFalse):
                        logical = logical with { IsAdjustedToUtc = r.ReadBool() };
                        break;
                    case (LogicalTypeKind.Timestamp or LogicalTypeKind.Time, 2, CompactType.Struct):
                        r.BeginStruct();
                        while (r.ReadFieldHeader(out var unitId, out var unitType))
                        {
                            if (unitType == CompactType.Struct)
                            {
                                logical = logical with { Unit = (TimeUnit)unitId };
                            }
                            r.Skip(unitType);
                        }
                        r.EndStruct();
                        break;
                    case (LogicalTypeKind.Integer, 1, CompactType.Byte): logical = logical with { BitWidth = r.ReadSByte() }; break;
                    case (LogicalTypeKind.Integer, 2, CompactType.BooleanTrue or CompactType.BooleanFalse): logical = logical with { IsSigned = r.ReadBool() }; break;
                    default: r.Skip(fieldType); break;
                }
            }
            r.EndStruct();
            result = logical;
        }
        r.EndStruct();
        return result;
    }

    private static RowGroup ReadRowGroup(ref CompactProtocolReader r)
    {
        var g = new RowGroup();
        r.BeginStruct();
        while (r.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.List:
                    {
                        var count = r.ReadListHeader(out _);
                        for (var i = 0; i < count; i++)
                        {
                            g.Columns.Add(ReadColumnChunk(ref r));
                        }
                        break;
                    }
                case 2 when type == CompactType.I64: g.TotalByteSize = r.ReadI64(); break;
                case 3 when type == CompactType.I64: g.NumRows = r.ReadI64(); break;
                case 5 when type == CompactType.I64: g.FileOffset = r.ReadI64(); break;
                case 6 when type == CompactType.I64: g.TotalCompressedSize = r.ReadI64(); break;
                case 7 when type == CompactType.I16: g.Ordinal = (short)r.ReadI32(); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        return g;
    }

    private static ColumnChunk ReadColumnChunk(ref CompactProtocolReader r)
    {
        var c = new ColumnChunk();
        var hasMetaData = false;
        r.BeginStruct();
        while (r.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 2 when type == CompactType.I64: c.FileOffset = r.ReadI64(); break;
                case 3 when type == CompactType.Struct:
                    r.BeginStruct();
                    c.MetaData = ReadColumnMetaData(ref r);
                    r.EndStruct();
                    hasMetaData = true;
                    break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        if (!hasMetaData)
        {
            throw new ParquetFormatException("A column chunk has no meta_data (external or encrypted column chunks are not supported).");
        }
        return c;
    }

    private static ColumnMetaData ReadColumnMetaData(ref CompactProtocolReader r)
    {
        var m = new ColumnMetaData();
        while (r.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: m.Type = (PhysicalType)r.ReadI32(); break;
                case 2 when type == CompactType.List:
                    {
                        var count = r.ReadListHeader(out _);
                        for (var i = 0; i < count; i++)
                        {
                            m.Encodings.Add((Encoding)r.ReadI32());
                        }
                        break;
                    }
                case 3 when type == CompactType.List:
                    {
                        var count = r.ReadListHeader(out _);
                        for (var i = 0; i < count; i++)
                        {
                            m.PathInSchema.Add(r.ReadString());
                        }
                        break;
                    }
                case 4 when type == CompactType.I32: m.Codec = (CompressionCodec)r.ReadI32(); break;
                case 5 when type == CompactType.I64: m.NumValues = r.ReadI64(); break;
                case 6 when type == CompactType.I64: m.TotalUncompressedSize = r.ReadI64(); break;
                case 7 when type == CompactType.I64: m.TotalCompressedSize = r.ReadI64(); break;
                case 9 when type == CompactType.I64: m.DataPageOffset = r.ReadI64(); break;
                case 11 when type == CompactType.I64: m.DictionaryPageOffset = r.ReadI64(); break;
                case 12 when type == CompactType.Struct: m.Statistics = ReadStatistics(ref r); break;
                case 13 when type == CompactType.List:
                    {
                        var count = r.ReadListHeader(out _);
                        m.EncodingStats = new List<PageEncodingStats>(count);
                        for (var i = 0; i < count; i++)
                        {
                            var stat = new PageEncodingStats();
                            r.BeginStruct();
                            while (r.ReadFieldHeader(out var statId, out var statType))
                            {
                                switch (statId)
                                {
                                    case 1 when statType == CompactType.I32: stat.PageType = (PageType)r.ReadI32(); break;
                                    case 2 when statType == CompactType.I32: stat.Encoding = (Encoding)r.ReadI32(); break;
                                    case 3 when statType == CompactType.I32: stat.Count = r.ReadI32(); break;
                                    default: r.Skip(statType); break;
                                }
                            }
                            r.EndStruct();
                            m.EncodingStats.Add(stat);
                        }
                        break;
                    }
                default: r.Skip(type); break;
            }
        }
        return m;
    }

    private static Statistics ReadStatistics(ref CompactProtocolReader r)
    {
        var s = new Statistics();
        r.BeginStruct();
        while (r.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.Binary: s.LegacyMax = r.ReadBinary().ToArray(); break;
                case 2 when type == CompactType.Binary: s.LegacyMin = r.ReadBinary().ToArray(); break;
                case 3 when type == CompactType.I64: s.NullCount = r.ReadI64(); break;
                case 4 when type == CompactType.I64: s.DistinctCount = r.ReadI64(); break;
                case 5 when type == CompactType.Binary: s.MaxValue = r.ReadBinary().ToArray(); break;
                case 6 when type == CompactType.Binary: s.MinValue = r.ReadBinary().ToArray(); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        return s;
    }

    /// <summary>Decodes a page header at the start of <paramref name="data"/>; <paramref name="length"/> is its encoded size.</summary>
    public static PageHeader ReadPageHeader(ReadOnlySpan<byte> data, out int length)
    {
        Span<short> stack = stackalloc short[CompactProtocolReader.MaxDepth];
        var r = new CompactProtocolReader(data, stack);
        var h = new PageHeader();
        r.BeginStruct();
        while (r.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: h.Type = (PageType)r.ReadI32(); break;
                case 2 when type == CompactType.I32: h.UncompressedPageSize = r.ReadI32(); break;
                case 3 when type == CompactType.I32: h.CompressedPageSize = r.ReadI32(); break;
                case 5 when type == CompactType.Struct:
                    {
                        var v1 = new DataPageHeader();
                        r.BeginStruct();
                        while (r.ReadFieldHeader(out var fid, out var ftype))
                        {
                            switch (fid)
                            {
                                case 1 when ftype == CompactType.I32: v1.NumValues = r.ReadI32(); break;
                                case 2 when ftype == CompactType.I32: v1.Encoding = (Encoding)r.ReadI32(); break;
                                case 3 when ftype == CompactType.I32: v1.DefinitionLevelEncoding = (Encoding)r.ReadI32(); break;
                                case 4 when ftype == CompactType.I32: v1.RepetitionLevelEncoding = (Encoding)r.ReadI32(); break;
                                case 5 when ftype == CompactType.Struct: v1.Statistics = ReadStatistics(ref r); break;
                                default: r.Skip(ftype); break;
                            }
                        }
                        r.EndStruct();
                        h.DataPageHeader = v1;
                        break;
                    }
                case 7 when type == CompactType.Struct:
                    {
                        var d = new DictionaryPageHeader();
                        r.BeginStruct();
                        while (r.ReadFieldHeader(out var fid, out var ftype))
                        {
                            switch (fid)
                            {
                                case 1 when ftype == CompactType.I32: d.NumValues = r.ReadI32(); break;
                                case 2 when ftype == CompactType.I32: d.Encoding = (Encoding)r.ReadI32(); break;
                                default: r.Skip(ftype); break;
                            }
                        }
                        r.EndStruct();
                        h.DictionaryPageHeader = d;
                        break;
                    }
                case 8 when type == CompactType.Struct:
                    {
                        var v2 = new DataPageHeaderV2();
                        r.BeginStruct();
                        while (r.ReadFieldHeader(out var fid, out var ftype))
                        {
                            switch (fid)
                            {
                                case 1 when ftype == CompactType.I32: v2.NumValues = r.ReadI32(); break;
                                case 2 when ftype == CompactType.I32: v2.NumNulls = r.ReadI32(); break;
                                case 3 when ftype == CompactType.I32: v2.NumRows = r.ReadI32(); break;
                                case 4 when ftype == CompactType.I32: v2.Encoding = (Encoding)r.ReadI32(); break;
                                case 5 when ftype == CompactType.I32: v2.DefinitionLevelsByteLength = r.ReadI32(); break;
                                case 6 when ftype == CompactType.I32: v2.RepetitionLevelsByteLength = r.ReadI32(); break;
                                case 7 when ftype is CompactType.BooleanTrue or CompactType.BooleanFalse: v2.IsCompressed = r.ReadBool(); break;
                                case 8 when ftype == CompactType.Struct: v2.Statistics = ReadStatistics(ref r); break;
                                default: r.Skip(ftype); break;
                            }
                        }
                        r.EndStruct();
                        h.DataPageHeaderV2 = v2;
                        break;
                    }
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        length = r.Position;
        return h;
    }
}
