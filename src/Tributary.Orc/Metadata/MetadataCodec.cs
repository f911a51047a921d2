using Tributary.Orc.Protobuf;

namespace Tributary.Orc.Metadata;

/// <summary>
/// Reads and writes ORC's metadata messages with the field numbers of orc_proto.proto (Apache ORC's specification,
/// "File Tail" and "Stripes"). Fields this reader does not model (encryption details, calendar, attributes) are skipped
/// on read. Keep in sync with: docs/formats/orc.md.
/// </summary>
internal static class MetadataCodec
{
    /// <summary>PostScript field of Tributary's checksum: far above ORC's fields (1..8000 used) and protobuf's reserved 19000-19999.</summary>
    public const int ChecksumField = 27000;

    public static PostScript ReadPostScript(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "PostScript");
        var ps = new PostScript();
        var version = new List<ulong>();
        while (r.TryReadKey(out var field, out var type))
        {
            switch (field)
            {
                case 1: r.Expect(type, WireType.Varint, field); ps.FooterLength = r.ReadVarint(); break;
                case 2: r.Expect(type, WireType.Varint, field); ps.Compression = (OrcCompression)r.ReadVarint(); break;
                case 3: r.Expect(type, WireType.Varint, field); ps.CompressionBlockSize = r.ReadVarint(); break;
                case 4: r.ReadRepeatedVarint(type, version); break;
                case 5: r.Expect(type, WireType.Varint, field); ps.MetadataLength = r.ReadVarint(); break;
                case 6: r.Expect(type, WireType.Varint, field); ps.WriterVersion = r.ReadUInt32(); break;
                case 7: r.Expect(type, WireType.Varint, field); ps.StripeStatisticsLength = r.ReadVarint(); break;
                case 8000: r.Expect(type, WireType.LengthDelimited, field); ps.Magic = r.ReadString(); break;
                case ChecksumField: r.Expect(type, WireType.Varint, field); ps.Checksum = r.ReadUInt32(); break;
                default: r.Skip(type); break;
            }
        }
        ps.Version = version.Select(v => (uint)v).ToList();
        return ps;
    }

    public static void WritePostScript(ProtoWriter w, PostScript ps)
    {
        w.WriteVarintField(1, ps.FooterLength);
        w.WriteVarintField(2, (ulong)ps.Compression);
        if (ps.Compression != OrcCompression.None)
        {
            w.WriteVarintField(3, ps.CompressionBlockSize);
        }
        w.WritePackedVarints(4, ps.Version.Select(v => (ulong)v).ToArray());
        w.WriteVarintField(5, ps.MetadataLength);
        w.WriteVarintField(6, ps.WriterVersion);
        w.WriteStringField(8000, "ORC");
        if (ps.Checksum is { } checksum)
        {
            w.WriteVarintField(ChecksumField, checksum);
        }
    }

    public static Footer ReadFooter(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "Footer");
        var footer = new Footer();
        while (r.TryReadKey(out var field, out var type))
        {
            switch (field)
            {
                case 1: r.Expect(type, WireType.Varint, field); footer.HeaderLength = r.ReadVarint(); break;
                case 2: r.Expect(type, WireType.Varint, field); footer.ContentLength = r.ReadVarint(); break;
                case 3: r.Expect(type, WireType.LengthDelimited, field); footer.Stripes.Add(ReadStripeInformation(r.ReadBytes())); break;
                case 4: r.Expect(type, WireType.LengthDelimited, field); footer.Types.Add(ReadType(r.ReadBytes())); break;
                case 5: r.Expect(type, WireType.LengthDelimited, field); footer.Metadata.Add(ReadUserMetadata(r.ReadBytes())); break;
                case 6: r.Expect(type, WireType.Varint, field); footer.NumberOfRows = r.ReadVarint(); break;
                case 7: r.Expect(type, WireType.LengthDelimited, field); footer.Statistics.Add(ReadStatistics(r.ReadBytes())); break;
                case 8: r.Expect(type, WireType.Varint, field); footer.RowIndexStride = r.ReadUInt32(); break;
                case 9: r.Expect(type, WireType.Varint, field); footer.Writer = r.ReadUInt32(); break;
                case 10: r.Skip(type); footer.HasEncryption = true; break;
                case 12: r.Expect(type, WireType.LengthDelimited, field); footer.SoftwareVersion = r.ReadString(); break;
                default: r.Skip(type); break;
            }
        }
        return footer;
    }

    public static void WriteFooter(ProtoWriter w, Footer footer)
    {
        w.WriteVarintField(1, footer.HeaderLength);
        w.WriteVarintField(2, footer.ContentLength);
        var inner = new ProtoWriter();
        foreach (var stripe in footer.Stripes)
        {
            inner.Clear();
            inner.WriteVarintField(1, stripe.Offset);
            inner.WriteVarintField(2, stripe.IndexLength);
            inner.WriteVarintField(3, stripe.DataLength);
            inner.WriteVarintField(4, stripe.FooterLength);
            inner.WriteVarintField(5, stripe.NumberOfRows);
            w.WriteMessage(3, inner);
        }
        foreach (var t in footer.Types)
        {
            inner.Clear();
            WriteType(inner, t);
            w.WriteMessage(4, inner);
        }
        foreach (var item in footer.Metadata)
        {
            inner.Clear();
            inner.WriteStringField(1, item.Name);
            inner.WriteBytesField(2, item.Value);
            w.WriteMessage(5, inner);
        }
        w.WriteVarintField(6, footer.NumberOfRows);
        foreach (var s in footer.Statistics)
        {
            inner.Clear();
            WriteStatistics(inner, s);
            w.WriteMessage(7, inner);
        }
        w.WriteVarintField(8, footer.RowIndexStride);
        if (footer.Writer is { } writer)
        {
            w.WriteVarintField(9, writer);
        }
        if (footer.SoftwareVersion is { } version)
        {
            w.WriteStringField(12, version);
        }
    }

    /// <summary>Metadata: the per-stripe statistics (one list of column statistics per stripe).</summary>
    public static List<List<ColumnStatistics>> ReadMetadata(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "Metadata");
        var result = new List<List<ColumnStatistics>>();
        while (r.TryReadKey(out var field, out var type))
        {
            if (field == 1)
            {
                r.Expect(type, WireType.LengthDelimited, field);
                var stripe = new ProtoReader(r.ReadBytes(), "StripeStatistics");
                var columns = new List<ColumnStatistics>();
                while (stripe.TryReadKey(out var f, out var t))
                {
                    if (f == 1)
                    {
                        stripe.Expect(t, WireType.LengthDelimited, f);
                        columns.Add(ReadStatistics(stripe.ReadBytes()));
                    }
                    else
                    {
                        stripe.Skip(t);
                    }
                }
                result.Add(columns);
            }
            else
            {
                r.Skip(type);
            }
        }
        return result;
    }

    public static void WriteMetadata(ProtoWriter w, List<List<ColumnStatistics>> stripes)
    {
        var stripe = new ProtoWriter();
        var column = new ProtoWriter();
        foreach (var columns in stripes)
        {
            stripe.Clear();
            foreach (var s in columns)
            {
                column.Clear();
                WriteStatistics(column, s);
                stripe.WriteMessage(1, column);
            }
            w.WriteMessage(1, stripe);
        }
    }

    public static StripeFooter ReadStripeFooter(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "StripeFooter");
        var footer = new StripeFooter();
        while (r.TryReadKey(out var field, out var type))
        {
            switch (field)
            {
                case 1:
                    {
                        r.Expect(type, WireType.LengthDelimited, field);
                        var s = new ProtoReader(r.ReadBytes(), "Stream");
                        var stream = new OrcStream();
                        while (s.TryReadKey(out var f, out var t))
                        {
                            switch (f)
                            {
                                case 1: s.Expect(t, WireType.Varint, f); stream.Kind = (OrcStreamKind)s.ReadVarint(); break;
                                case 2: s.Expect(t, WireType.Varint, f); stream.Column = s.ReadUInt32(); break;
                                case 3: s.Expect(t, WireType.Varint, f); stream.Length = s.ReadVarint(); break;
                                default: s.Skip(t); break;
                            }
                        }
                        footer.Streams.Add(stream);
                        break;
                    }
                case 2:
                    {
                        r.Expect(type, WireType.LengthDelimited, field);
                        var e = new ProtoReader(r.ReadBytes(), "ColumnEncoding");
                        var encoding = new ColumnEncoding();
                        while (e.TryReadKey(out var f, out var t))
                        {
                            switch (f)
                            {
                                case 1: e.Expect(t, WireType.Varint, f); encoding.Kind = (OrcColumnEncodingKind)e.ReadVarint(); break;
                                case 2: e.Expect(t, WireType.Varint, f); encoding.DictionarySize = e.ReadUInt32(); break;
                                case 3: e.Expect(t, WireType.Varint, f); encoding.BloomEncoding = e.ReadUInt32(); break;
                                default: e.Skip(t); break;
                            }
                        }
                        footer.Columns.Add(encoding);
                        break;
                    }
                case 3: r.Expect(type, WireType.LengthDelimited, field); footer.WriterTimezone = r.ReadString(); break;
                default: r.Skip(type); break;
            }
        }
        return footer;
    }

    public static void WriteStripeFooter(ProtoWriter w, StripeFooter footer)
    {
        var inner = new ProtoWriter();
        foreach (var s in footer.Streams)
        {
            inner.Clear();
            inner.WriteVarintField(1, (ulong)s.Kind);
            inner.WriteVarintField(2, s.Column);
            inner.WriteVarintField(3, s.Length);
            w.WriteMessage(1, inner);
        }
        foreach (var e in footer.Columns)
        {
            inner.Clear();
            inner.WriteVarintField(1, (ulong)e.Kind);
            if (e.Kind is OrcColumnEncodingKind.Dictionary or OrcColumnEncodingKind.DictionaryV2)
            {
                inner.WriteVarintField(2, e.DictionarySize);
            }
            if (e.BloomEncoding is { } bloom)
            {
                inner.WriteVarintField(3, bloom);
            }
            w.WriteMessage(2, inner);
        }
        if (footer.WriterTimezone is { } zone)
        {
            w.WriteStringField(3, zone);
        }
    }

    public static List<RowIndexEntry> ReadRowIndex(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "RowIndex");
        var entries = new List<RowIndexEntry>();
        while (r.TryReadKey(out var field, out var type))
        {
            if (field != 1)
            {
                r.Skip(type);
                continue;
            }
            r.Expect(type, WireType.LengthDelimited, field);
            var e = new ProtoReader(r.ReadBytes(), "RowIndexEntry");
            var entry = new RowIndexEntry();
            while (e.TryReadKey(out var f, out var t))
            {
                switch (f)
                {
                    case 1: e.ReadRepeatedVarint(t, entry.Positions); break;
                    case 2: e.Expect(t, WireType.LengthDelimited, f); entry.Statistics = ReadStatistics(e.ReadBytes()); break;
                    default: e.Skip(t); break;
                }
            }
            entries.Add(entry);
        }
        return entries;
    }

    public static void WriteRowIndex(ProtoWriter w, List<RowIndexEntry> entries)
    {
        var entry = new ProtoWriter();
        var stats = new ProtoWriter();
        foreach (var e in entries)
        {
            entry.Clear();
            entry.WritePackedVarints(1, e.Positions.ToArray());
            if (e.Statistics is { } s)
            {
                stats.Clear();
                WriteStatistics(stats, s);
                entry.WriteMessage(2, stats);
            }
            w.WriteMessage(1, entry);
        }
    }

    public static List<BloomFilter> ReadBloomFilterIndex(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "BloomFilterIndex");
        var filters = new List<BloomFilter>();
        while (r.TryReadKey(out var field, out var type))
        {
            if (field != 1)
            {
                r.Skip(type);
                continue;
            }
            r.Expect(type, WireType.LengthDelimited, field);
            var b = new ProtoReader(r.ReadBytes(), "BloomFilter");
            var filter = new BloomFilter();
            var bits = new List<long>();
            while (b.TryReadKey(out var f, out var t))
            {
                switch (f)
                {
                    case 1: b.Expect(t, WireType.Varint, f); filter.NumHashFunctions = b.ReadUInt32(); break;
                    case 2:
                        if (t == WireType.LengthDelimited)
                        {
                            var packed = b.ReadBytes();
                            if (packed.Length % 8 != 0)
                            {
                                throw new OrcFormatException("Malformed ORC BloomFilter: a packed bitset is not a whole number of 64-bit words.");
                            }
                            for (var i = 0; i < packed.Length; i += 8)
                            {
                                bits.Add(BitConverter.ToInt64(packed.Slice(i, 8)));
                            }
                        }
                        else
                        {
                            b.Expect(t, WireType.Fixed64, f);
                            bits.Add((long)b.ReadFixed64());
                        }
                        break;
                    case 3: b.Expect(t, WireType.LengthDelimited, f); filter.Utf8Bitset = b.ReadBytes().ToArray(); break;
                    default: b.Skip(t); break;
                }
            }
            filter.Bitset = [.. bits];
            filters.Add(filter);
        }
        return filters;
    }

    public static void WriteBloomFilterIndex(ProtoWriter w, List<BloomFilter> filters)
    {
        var inner = new ProtoWriter();
        foreach (var f in filters)
        {
            inner.Clear();
            inner.WriteVarintField(1, f.NumHashFunctions);
            if (f.Utf8Bitset is { } utf8)
            {
                inner.WriteBytesField(3, utf8);
            }
            else
            {
                inner.WritePackedFixed64(2, f.Bitset);
            }
            w.WriteMessage(1, inner);
        }
    }

    private static StripeInformation ReadStripeInformation(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "StripeInformation");
        var s = new StripeInformation();
        while (r.TryReadKey(out var field, out var type))
        {
            switch (field)
            {
                case 1: r.Expect(type, WireType.Varint, field); s.Offset = r.ReadVarint(); break;
                case 2: r.Expect(type, WireType.Varint, field); s.IndexLength = r.ReadVarint(); break;
                case 3: r.Expect(type, WireType.Varint, field); s.DataLength = r.ReadVarint(); break;
                case 4: r.Expect(type, WireType.Varint, field); s.FooterLength = r.ReadVarint(); break;
                case 5: r.Expect(type, WireType.Varint, field); s.NumberOfRows = r.ReadVarint(); break;
                default: r.Skip(type); break;
            }
        }
        return s;
    }

    private static OrcType ReadType(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "Type");
        var t = new OrcType();
        var subtypes = new List<ulong>();
        while (r.TryReadKey(out var field, out var type))
        {
            switch (field)
            {
                case 1: r.Expect(type, WireType.Varint, field); t.Kind = (OrcTypeKind)r.ReadVarint(); break;
                case 2: r.ReadRepeatedVarint(type, subtypes); break;
                case 3: r.Expect(type, WireType.LengthDelimited, field); t.FieldNames.Add(r.ReadString()); break;
                case 4: r.Expect(type, WireType.Varint, field); t.MaximumLength = r.ReadUInt32(); break;
                case 5: r.Expect(type, WireType.Varint, field); t.Precision = r.ReadUInt32(); break;
                case 6: r.Expect(type, WireType.Varint, field); t.Scale = r.ReadUInt32(); break;
                default: r.Skip(type); break;
            }
        }
        foreach (var s in subtypes)
        {
            t.Subtypes.Add(s > uint.MaxValue ? throw new OrcFormatException("Malformed ORC Type: a subtype id is out of range.") : (uint)s);
        }
        return t;
    }

    private static void WriteType(ProtoWriter w, OrcType t)
    {
        w.WriteVarintField(1, (ulong)t.Kind);
        if (t.Subtypes.Count > 0)
        {
            w.WritePackedVarints(2, t.Subtypes.Select(s => (ulong)s).ToArray());
        }
        foreach (var name in t.FieldNames)
        {
            w.WriteStringField(3, name);
        }
        if (t.Kind is OrcTypeKind.Varchar or OrcTypeKind.Char)
        {
            w.WriteVarintField(4, t.MaximumLength);
        }
        if (t.Kind == OrcTypeKind.Decimal)
        {
            w.WriteVarintField(5, t.Precision);
            w.WriteVarintField(6, t.Scale);
        }
    }

    private static UserMetadataItem ReadUserMetadata(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "UserMetadataItem");
        var item = new UserMetadataItem();
        while (r.TryReadKey(out var field, out var type))
        {
            switch (field)
            {
                case 1: r.Expect(type, WireType.LengthDelimited, field); item.Name = r.ReadString(); break;
                case 2: r.Expect(type, WireType.LengthDelimited, field); item.Value = r.ReadBytes().ToArray(); break;
                default: r.Skip(type); break;
            }
        }
        return item;
    }

    public static ColumnStatistics ReadStatistics(ReadOnlySpan<byte> data)
    {
        var r = new ProtoReader(data, "ColumnStatistics");
        var s = new ColumnStatistics();
        while (r.TryReadKey(out var field, out var type))
        {
            if (field is >= 2 and <= 9 or 12)
            {
                r.Expect(type, WireType.LengthDelimited, field);
            }
            switch (field)
            {
                case 1: r.Expect(type, WireType.Varint, field); s.NumberOfValues = r.ReadVarint(); break;
                case 2:
                    {
                        var i = new ProtoReader(r.ReadBytes(), "IntegerStatistics");
                        var stats = s.Integer = new IntegerStatistics();
                        while (i.TryReadKey(out var f, out var t))
                        {
                            switch (f)
                            {
                                case 1: i.Expect(t, WireType.Varint, f); stats.Minimum = i.ReadSInt64(); break;
                                case 2: i.Expect(t, WireType.Varint, f); stats.Maximum = i.ReadSInt64(); break;
                                case 3: i.Expect(t, WireType.Varint, f); stats.Sum = i.ReadSInt64(); break;
                                default: i.Skip(t); break;
                            }
                        }
                        break;
                    }
                case 3:
                    {
                        var d = new ProtoReader(r.ReadBytes(), "DoubleStatistics");
                        var stats = s.Double = new DoubleStatistics();
                        while (d.TryReadKey(out var f, out var t))
                        {
                            switch (f)
                            {
                                case 1: d.Expect(t, WireType.Fixed64, f); stats.Minimum = d.ReadDouble(); break;
                                case 2: d.Expect(t, WireType.Fixed64, f); stats.Maximum = d.ReadDouble(); break;
                                case 3: d.Expect(t, WireType.Fixed64, f); stats.Sum = d.ReadDouble(); break;
                                default: d.Skip(t); break;
                            }
                        }
                        break;
                    }
                case 4:
                    {
                        var x = new ProtoReader(r.ReadBytes(), "StringStatistics");
                        var stats = s.String = new StringStatistics();
                        while (x.TryReadKey(out var f, out var t))
                        {
                            switch (f)
                            {
                                case 1: x.Expect(t, WireType.LengthDelimited, f); stats.Minimum = x.ReadString(); break;
                                case 2: x.Expect(t, WireType.LengthDelimited, f); stats.Maximum = x.ReadString(); break;
                                case 3: x.Expect(t, WireType.Varint, f); stats.Sum = x.ReadSInt64(); break;
                                case 4: x.Expect(t, WireType.LengthDelimited, f); stats.LowerBound = x.ReadString(); break;
                                case 5: x.Expect(t, WireType.LengthDelimited, f); stats.UpperBound = x.ReadString(); break;
                                default: x.Skip(t); break;
                            }
                        }
                        break;
                    }
                case 5:
                    {
                        var b = new ProtoReader(r.ReadBytes(), "BucketStatistics");
                        var stats = s.Bucket = new BucketStatistics();
                        while (b.TryReadKey(out var f, out var t))
                        {
                            if (f == 1)
                            {
                                b.ReadRepeatedVarint(t, stats.Count);
                            }
                            else
                            {
                                b.Skip(t);
                            }
                        }
                        break;
                    }
                case 6:
                    {
                        var d = new ProtoReader(r.ReadBytes(), "DecimalStatistics");
                        var stats = s.Decimal = new DecimalStatistics();
                        while (d.TryReadKey(out var f, out var t))
                        {
                            switch (f)
                            {
                                case 1: d.Expect(t, WireType.LengthDelimited, f); stats.Minimum = d.ReadString(); break;
                                case 2: d.Expect(t, WireType.LengthDelimited, f); stats.Maximum = d.ReadString(); break;
                                case 3: d.Expect(t, WireType.LengthDelimited, f); stats.Sum = d.ReadString(); break;
                                default: d.Skip(t); break;
                            }
                        }
                        break;
                    }
                case 7:
                    {
                        var d = new ProtoReader(r.ReadBytes(), "DateStatistics");
                        var stats = s.Date = new DateStatistics();
                        while (d.TryReadKey(out var f, out var t))
                        {
                            switch (f)
                            {
                                case 1: d.Expect(t, WireType.Varint, f); stats.Minimum = (int)d.ReadSInt64(); break;
                                case 2: d.Expect(t, WireType.Varint, f); stats.Maximum = (int)d.ReadSInt64(); break;
                                default: d.Skip(t); break;
                            }
                        }
                        break;
                    }
                case 8:
                    {
                        var b = new ProtoReader(r.ReadBytes(), "BinaryStatistics");
                        var stats = s.Binary = new BinaryStatistics();
                        while (b.TryReadKey(out var f, out var t))
                        {
                            if (f == 1)
                            {
                                b.Expect(t, WireType.Varint, f);
                                stats.Sum = b.ReadSInt64();
                            }
                            else
                            {
                                b.Skip(t);
                            }
                        }
                        break;
                    }
                case 9:
                    {
                        var x = new ProtoReader(r.ReadBytes(), "TimestampStatistics");
                        var stats = s.Timestamp = new TimestampStatistics();
                        while (x.TryReadKey(out var f, out var t))
                        {
                            x.Expect(t, WireType.Varint, f);
                            switch (f)
                            {
                                case 1: stats.Minimum = x.ReadSInt64(); break;
                                case 2: stats.Maximum = x.ReadSInt64(); break;
                                case 3: stats.MinimumUtc = x.ReadSInt64(); break;
                                case 4: stats.MaximumUtc = x.ReadSInt64(); break;
                                case 5: stats.MinimumNanos = (int)x.ReadVarint(); break;
                                case 6: stats.MaximumNanos = (int)x.ReadVarint(); break;
                                default: x.Skip(t); break;
                            }
                        }
                        break;
                    }
                case 10: r.Expect(type, WireType.Varint, field); s.HasNull = r.ReadBool(); break;
                case 11: r.Expect(type, WireType.Varint, field); s.BytesOnDisk = r.ReadVarint(); break;
                case 12:
                    {
                        var c = new ProtoReader(r.ReadBytes(), "CollectionStatistics");
                        var stats = s.Collection = new CollectionStatistics();
                        while (c.TryReadKey(out var f, out var t))
                        {
                            c.Expect(t, WireType.Varint, f);
                            switch (f)
                            {
                                case 1: stats.MinChildren = c.ReadVarint(); break;
                                case 2: stats.MaxChildren = c.ReadVarint(); break;
                                case 3: stats.TotalChildren = c.ReadVarint(); break;
                                default: c.Skip(t); break;
                            }
                        }
                        break;
                    }
                default: r.Skip(type); break;
            }
        }
        return s;
    }

    public static void WriteStatistics(ProtoWriter w, ColumnStatistics s)
    {
        w.WriteVarintField(1, s.NumberOfValues);
        var inner = new ProtoWriter();
        if (s.Integer is { } i)
        {
            if (i.Minimum is { } min) inner.WriteSInt64Field(1, min);
            if (i.Maximum is { } max) inner.WriteSInt64Field(2, max);
            if (i.Sum is { } sum) inner.WriteSInt64Field(3, sum);
            w.WriteMessage(2, inner);
        }
        if (s.Double is { } d)
        {
            inner.Clear();
            if (d.Minimum is { } min) inner.WriteDoubleField(1, min);
            if (d.Maximum is { } max) inner.WriteDoubleField(2, max);
            if (d.Sum is { } sum) inner.WriteDoubleField(3, sum);
            w.WriteMessage(3, inner);
        }
        if (s.String is { } str)
        {
            inner.Clear();
            if (str.Minimum is { } min) inner.WriteStringField(1, min);
            if (str.Maximum is { } max) inner.WriteStringField(2, max);
            if (str.Sum is { } sum) inner.WriteSInt64Field(3, sum);
            if (str.LowerBound is { } lower) inner.WriteStringField(4, lower);
            if (str.UpperBound is { } upper) inner.WriteStringField(5, upper);
            w.WriteMessage(4, inner);
        }
        if (s.Bucket is { } bucket)
        {
            inner.Clear();
            inner.WritePackedVarints(1, bucket.Count.ToArray());
            w.WriteMessage(5, inner);
        }
        if (s.Decimal is { } dec)
        {
            inner.Clear();
            if (dec.Minimum is { } min) inner.WriteStringField(1, min);
            if (dec.Maximum is { } max) inner.WriteStringField(2, max);
            if (dec.Sum is { } sum) inner.WriteStringField(3, sum);
            w.WriteMessage(6, inner);
        }
        if (s.Date is { } date)
        {
            inner.Clear();
            if (date.Minimum is { } min) inner.WriteSInt64Field(1, min);
            if (date.Maximum is { } max) inner.WriteSInt64Field(2, max);
            w.WriteMessage(7, inner);
        }
        if (s.Binary is { } binary)
        {
            inner.Clear();
            if (binary.Sum is { } sum) inner.WriteSInt64Field(1, sum);
            w.WriteMessage(8, inner);
        }
        if (s.Timestamp is { } ts)
        {
            inner.Clear();
            if (ts.Minimum is { } min) inner.WriteSInt64Field(1, min);
            if (ts.Maximum is { } max) inner.WriteSInt64Field(2, max);
            if (ts.MinimumUtc is { } minUtc) inner.WriteSInt64Field(3, minUtc);
            if (ts.MaximumUtc is { } maxUtc) inner.WriteSInt64Field(4, maxUtc);
            if (ts.MinimumNanos is { } minNanos) inner.WriteVarintField(5, (ulong)minNanos);
            if (ts.MaximumNanos is { } maxNanos) inner.WriteVarintField(6, (ulong)maxNanos);
            w.WriteMessage(9, inner);
        }
        if (s.HasNull is { } hasNull)
        {
            w.WriteBoolField(10, hasNull);
        }
        if (s.Collection is { } c)
        {
            inner.Clear();
            if (c.MinChildren is { } min) inner.WriteVarintField(1, min);
            if (c.MaxChildren is { } max) inner.WriteVarintField(2, max);
            if (c.TotalChildren is { } total) inner.WriteVarintField(3, total);
            w.WriteMessage(12, inner);
        }
    }
}
