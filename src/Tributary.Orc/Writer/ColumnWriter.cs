using System.Numerics;
using Tributary.Orc.Compression;
using Tributary.Orc.Metadata;

namespace Tributary.Orc.Writer;

/// <summary>What every column writer of a file shares: the options and the codec.</summary>
internal sealed class WriterContext(OrcWriterOptions options, OrcCodec codec)
{
    public OrcWriterOptions Options { get; } = options;
    public OrcCodec Codec { get; } = codec;
    public bool V2 => Options.FormatVersion == OrcFormatVersion.V0_12;
    public bool Compressed => Codec.Kind != OrcCompression.None;

    public IIntegerEncoder Integers(StreamBuffer stream, bool signed) =>
        V2 ? new IntegerRleV2Encoder(stream, signed) : new IntegerRleV1Encoder(stream, signed);
}

/// <summary>
/// Writes one column of the current stripe into its streams, with its statistics at row-group, stripe and file level
/// and the row index positions taken at the start of each row group. A column receives one entry per non-null value
/// of its parent: <see cref="WriteNull"/> or a typed write. PRESENT is written always and dropped at the end of a
/// stripe without nulls (with its positions), as Apache ORC's writers do. Not thread-safe.
/// </summary>
public abstract class ColumnWriter
{
    private readonly StreamBuffer _present;
    private readonly BooleanEncoder _presentEncoder;
    private bool _stripeHasNull;
    private readonly List<PositionRecorder> _presentPositions = [];
    private readonly List<PositionRecorder> _dataPositions = [];
    private readonly List<ColumnStatistics> _rowGroupStatistics = [];
    private protected readonly StatisticsBuilder RowGroup;
    private readonly StatisticsBuilder _stripe;
    private readonly StatisticsBuilder _file;
    private readonly List<StreamBuffer> _streams = [];

    /// <summary>This column's bloom filters, when it is one of <see cref="OrcWriterOptions.BloomFilterColumns"/>.</summary>
    private protected BloomFilterBuilder? Bloom { get; private set; }

    private protected ColumnWriter(TypeDescription type, WriterContext context)
    {
        Type = type;
        Context = context;
        _present = NewStream();
        _presentEncoder = new BooleanEncoder(_present);
        var scale = type.Kind == OrcTypeKind.Decimal ? type.Scale : 0;
        RowGroup = new StatisticsBuilder(type.Kind) { DecimalScale = scale };
        _stripe = new StatisticsBuilder(type.Kind) { DecimalScale = scale };
        _file = new StatisticsBuilder(type.Kind) { DecimalScale = scale };
    }

    public TypeDescription Type { get; }

    /// <summary>A stream of this column (registered so that <see cref="Release"/> finds it).</summary>
    private protected StreamBuffer NewStream()
    {
        var stream = new StreamBuffer(Context.Codec);
        _streams.Add(stream);
        return stream;
    }

    /// <summary>
    /// Gives this column bloom filters (one per row group), when it has a row index and a type they can hold; other
    /// columns are left without, as Apache ORC's writer leaves them.
    /// </summary>
    internal void EnableBloomFilter()
    {
        if (Context.Options.RowIndexStride > 0 && BloomFilterBuilder.Supports(Type.Kind))
        {
            Bloom = new BloomFilterBuilder(Context.Options.RowIndexStride, Context.Options.BloomFilterFalsePositiveProbability);
        }
    }

    /// <summary>Gives the streams' pooled arrays back (recursively); the writer is done.</summary>
    internal void Release()
    {
        foreach (var stream in _streams)
        {
            stream.Release();
        }
        foreach (var child in Children)
        {
            child.Release();
        }
    }

    private protected WriterContext Context { get; }

    public IReadOnlyList<ColumnWriter> Children { get; private protected set; } = [];

    /// <summary>Entries written to this column in the current stripe (null or not).</summary>
    private protected long Entries { get; private set; }

    public void WriteNull()
    {
        _presentEncoder.Write(false);
        _stripeHasNull = true;
        RowGroup.AddNull();
        Entries++;
    }

    private protected void Present()
    {
        _presentEncoder.Write(true);
        Entries++;
    }

    /// <summary>Bytes buffered for the current stripe (an estimate used against the stripe size).</summary>
    internal virtual long BufferedBytes => _present.Position;

    internal static ColumnWriter Create(TypeDescription type, WriterContext context) => type.Kind switch
    {
        OrcTypeKind.Boolean => new BooleanColumnWriter(type, context),
        OrcTypeKind.Byte => new ByteColumnWriter(type, context),
        OrcTypeKind.Short or OrcTypeKind.Int or OrcTypeKind.Long or OrcTypeKind.Date => new IntegerColumnWriter(type, context),
        OrcTypeKind.Float or OrcTypeKind.Double => new FloatingColumnWriter(type, context),
        OrcTypeKind.String or OrcTypeKind.Varchar or OrcTypeKind.Char => new StringColumnWriter(type, context),
        OrcTypeKind.Binary => new BinaryColumnWriter(type, context),
        OrcTypeKind.Decimal => new DecimalColumnWriter(type, context),
        OrcTypeKind.Timestamp => new TimestampColumnWriter(type, context),
        OrcTypeKind.Struct => new StructColumnWriter(type, context),
        OrcTypeKind.List or OrcTypeKind.Map => new RepeatedColumnWriter(type, context),
        OrcTypeKind.Union => new UnionColumnWriter(type, context),
        _ => throw new OrcFormatException($"The ORC writer does not write {type.Kind} columns."),
    };

    /// <summary>Takes this column's positions for a new row group (recursively).</summary>
    internal void StartRowGroup()
    {
        var present = new PositionRecorder();
        _presentEncoder.RecordPosition(present);
        _presentPositions.Add(present);
        var data = new PositionRecorder();
        RecordDataPositions(data);
        _dataPositions.Add(data);
        foreach (var child in Children)
        {
            child.StartRowGroup();
        }
    }

    /// <summary>Closes the current row group's statistics (recursively).</summary>
    internal void FinishRowGroup()
    {
        _rowGroupStatistics.Add(RowGroup.Build());
        Bloom?.FinishRowGroup();
        _stripe.Merge(RowGroup);
        RowGroup.Reset();
        foreach (var child in Children)
        {
            child.FinishRowGroup();
        }
    }

    /// <summary>Positions of the data streams at the start of a row group, in the specification's stream order.</summary>
    private protected abstract void RecordDataPositions(PositionRecorder recorder);

    /// <summary>Flushes encoders into the stream buffers at the end of a stripe.</summary>
    private protected abstract void FlushData();

    /// <summary>The data streams of this column, in stripe order, and its encoding.</summary>
    private protected abstract IEnumerable<(OrcStreamKind Kind, StreamBuffer Stream)> DataStreams();

    private protected abstract ColumnEncoding Encoding();

    /// <summary>Resets per-stripe state once the stripe's streams were taken.</summary>
    private protected virtual void AfterStripe()
    {
    }

    /// <summary>Data positions recorded late (a string column decides its encoding at the end of the stripe).</summary>
    private protected List<PositionRecorder> DataPositions => _dataPositions;

    /// <summary>
    /// Ends the stripe for this column (recursively): flushes encoders, compresses streams into
    /// <paramref name="stripe"/>, and adds its stream descriptions, encoding, row index and statistics.
    /// </summary>
    internal void FinishStripe(StripeAssembly stripe)
    {
        _presentEncoder.Flush();
        FlushData();
        var compressed = Context.Compressed;
        var streams = new List<(OrcStreamKind, StreamBuffer)>();
        if (_stripeHasNull)
        {
            streams.Add((OrcStreamKind.Present, _present));
        }
        else
        {
            _present.Clear();
        }
        streams.AddRange(DataStreams());
        foreach (var (kind, buffer) in streams)
        {
            buffer.Finish();
            stripe.AddDataStream(Type.Id, kind, buffer);
        }
        var entries = new List<RowIndexEntry>(_rowGroupStatistics.Count);
        for (var g = 0; g < _rowGroupStatistics.Count; g++)
        {
            var positions = _stripeHasNull ? _presentPositions[g].Resolve(compressed) : [];
            positions.AddRange(_dataPositions[g].Resolve(compressed));
            entries.Add(new RowIndexEntry { Positions = positions, Statistics = _rowGroupStatistics[g] });
        }
        var encoding = Encoding();
        if (Bloom is not null)
        {
            encoding.BloomEncoding = 1; // UTF8_UTC: ORC-101's UTF-8 string hashing, ORC-135's UTC timestamps.
        }
        stripe.AddColumn(Type.Id, encoding, entries, _stripe.Build(), Bloom?.TakeStripe());
        _file.Merge(_stripe);
        _stripe.Reset();
        _stripeHasNull = false;
        _presentPositions.Clear();
        _dataPositions.Clear();
        _rowGroupStatistics.Clear();
        Entries = 0;
        AfterStripe();
        foreach (var child in Children)
        {
            child.FinishStripe(stripe);
        }
    }

    internal void CollectFileStatistics(List<ColumnStatistics> into)
    {
        into.Add(_file.Build());
        foreach (var child in Children)
        {
            child.CollectFileStatistics(into);
        }
    }
}

public sealed class BooleanColumnWriter : ColumnWriter
{
    private readonly StreamBuffer _data;
    private readonly BooleanEncoder _encoder;

    internal BooleanColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _data = NewStream();
        _encoder = new BooleanEncoder(_data);
    }

    public void Write(bool value)
    {
        Present();
        _encoder.Write(value);
        RowGroup.AddBoolean(value);
    }

    internal override long BufferedBytes => base.BufferedBytes + _data.Position;
    private protected override void RecordDataPositions(PositionRecorder recorder) => _encoder.RecordPosition(recorder);
    private protected override void FlushData() => _encoder.Flush();
    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [(OrcStreamKind.Data, _data)];
    private protected override ColumnEncoding Encoding() => new() { Kind = OrcColumnEncodingKind.Direct };
}

public sealed class ByteColumnWriter : ColumnWriter
{
    private readonly StreamBuffer _data;
    private readonly ByteRleEncoder _encoder;

    internal ByteColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _data = NewStream();
        _encoder = new ByteRleEncoder(_data);
    }

    public void Write(long value)
    {
        Present();
        _encoder.Write((byte)(sbyte)value);
        RowGroup.AddInteger(value);
        Bloom?.AddLong(value);
    }

    internal override long BufferedBytes => base.BufferedBytes + _data.Position;
    private protected override void RecordDataPositions(PositionRecorder recorder) => _encoder.RecordPosition(recorder);
    private protected override void FlushData() => _encoder.Flush();
    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [(OrcStreamKind.Data, _data)];
    private protected override ColumnEncoding Encoding() => new() { Kind = OrcColumnEncodingKind.Direct };
}

/// <summary>smallint, int, bigint, and date (days since 1970-01-01).</summary>
public sealed class IntegerColumnWriter : ColumnWriter
{
    private readonly StreamBuffer _data;
    private readonly IIntegerEncoder _encoder;

    internal IntegerColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _data = NewStream();
        _encoder = context.Integers(_data, signed: true);
    }

    public void Write(long value)
    {
        Present();
        _encoder.Write(value);
        RowGroup.AddInteger(value);
        Bloom?.AddLong(value);
    }

    internal override long BufferedBytes => base.BufferedBytes + _data.Position;
    private protected override void RecordDataPositions(PositionRecorder recorder) => _encoder.RecordPosition(recorder);
    private protected override void FlushData() => _encoder.Flush();
    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [(OrcStreamKind.Data, _data)];
    private protected override ColumnEncoding Encoding() => new() { Kind = Context.V2 ? OrcColumnEncodingKind.DirectV2 : OrcColumnEncodingKind.Direct };
}

public sealed class FloatingColumnWriter : ColumnWriter
{
    private readonly StreamBuffer _data;
    private readonly bool _float;

    internal FloatingColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _data = NewStream();
        _float = type.Kind == OrcTypeKind.Float;
    }

    public void Write(double value)
    {
        Present();
        if (_float)
        {
            var f = (float)value;
            LittleEndian.WriteFloat(_data.Data, f);
            RowGroup.AddDouble(f);
            Bloom?.AddDouble(f);
        }
        else
        {
            LittleEndian.WriteDouble(_data.Data, value);
            RowGroup.AddDouble(value);
            Bloom?.AddDouble(value);
        }
    }

    internal override long BufferedBytes => base.BufferedBytes + _data.Position;
    private protected override void RecordDataPositions(PositionRecorder recorder) => recorder.AddStream(_data, _data.Position);
    private protected override void FlushData()
    {
    }
    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [(OrcStreamKind.Data, _data)];
    private protected override ColumnEncoding Encoding() => new() { Kind = OrcColumnEncodingKind.Direct };
}

/// <summary>binary: DATA bytes and LENGTH, always direct.</summary>
public sealed class BinaryColumnWriter : ColumnWriter
{
    private readonly StreamBuffer _data;
    private readonly StreamBuffer _length;
    private readonly IIntegerEncoder _lengths;

    internal BinaryColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _data = NewStream();
        _length = NewStream();
        _lengths = context.Integers(_length, signed: false);
    }

    public void Write(ReadOnlySpan<byte> value)
    {
        Present();
        _data.Data.Write(value);
        _lengths.Write(value.Length);
        RowGroup.AddBytes(value, isString: false);
        Bloom?.AddBytes(value);
    }

    internal override long BufferedBytes => base.BufferedBytes + _data.Position + _length.Position;

    private protected override void RecordDataPositions(PositionRecorder recorder)
    {
        recorder.AddStream(_data, _data.Position);
        _lengths.RecordPosition(recorder);
    }

    private protected override void FlushData() => _lengths.Flush();
    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [(OrcStreamKind.Data, _data), (OrcStreamKind.Length, _length)];
    private protected override ColumnEncoding Encoding() => new() { Kind = Context.V2 ? OrcColumnEncodingKind.DirectV2 : OrcColumnEncodingKind.Direct };
}

/// <summary>decimal(p,s): DATA unbounded zigzag varints of the unscaled value at the column's scale, SECONDARY the scale.</summary>
public sealed class DecimalColumnWriter : ColumnWriter
{
    private readonly StreamBuffer _data;
    private readonly StreamBuffer _secondary;
    private readonly IIntegerEncoder _scales;

    internal DecimalColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _data = NewStream();
        _secondary = NewStream();
        _scales = context.Integers(_secondary, signed: true);
    }

    /// <summary>An unscaled value at the column's scale.</summary>
    public void Write(long unscaled)
    {
        Present();
        Varints.WriteSigned(_data.Data, unscaled);
        _scales.Write(Type.Scale);
        RowGroup.AddDecimal(unscaled);
    }

    /// <summary>An unscaled value at the column's scale.</summary>
    public void Write(BigInteger unscaled)
    {
        Present();
        Varints.WriteSignedBig(_data.Data, unscaled);
        _scales.Write(Type.Scale);
        RowGroup.AddDecimal(unscaled);
    }

    internal override long BufferedBytes => base.BufferedBytes + _data.Position + _secondary.Position;

    private protected override void RecordDataPositions(PositionRecorder recorder)
    {
        recorder.AddStream(_data, _data.Position);
        _scales.RecordPosition(recorder);
    }

    private protected override void FlushData() => _scales.Flush();
    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [(OrcStreamKind.Data, _data), (OrcStreamKind.Secondary, _secondary)];
    private protected override ColumnEncoding Encoding() => new() { Kind = Context.V2 ? OrcColumnEncodingKind.DirectV2 : OrcColumnEncodingKind.Direct };
}

/// <summary>
/// timestamp, written as UTC wall clock (the stripe's writer time zone is UTC): DATA seconds since 2015-01-01 00:00:00,
/// SECONDARY nanoseconds with trailing decimal zeros folded into the low three bits. As Apache ORC's writers do, a
/// negative time with a fraction stores its seconds rounded toward zero; readers subtract one again when the
/// nanoseconds exceed 999,999, so a negative time whose fraction is below one millisecond does not round-trip in any
/// ORC reader (a limitation of the format, see docs/formats/orc.md).
/// </summary>
public sealed class TimestampColumnWriter : ColumnWriter
{
    private const long OrcEpochSeconds = 1_420_070_400;
    private readonly StreamBuffer _data;
    private readonly StreamBuffer _secondary;
    private readonly IIntegerEncoder _seconds;
    private readonly IIntegerEncoder _nanos;

    internal TimestampColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _data = NewStream();
        _secondary = NewStream();
        _seconds = context.Integers(_data, signed: true);
        _nanos = context.Integers(_secondary, signed: false);
    }

    /// <summary>Seconds since 1970-01-01T00:00:00Z (floor) and nanoseconds 0..999,999,999 beyond them.</summary>
    public void Write(long seconds, int nanos)
    {
        Present();
        RowGroup.AddTimestamp(seconds, nanos);
        Bloom?.AddLong((seconds * 1000) + (nanos / 1_000_000));
        var stored = seconds < 0 && nanos != 0 ? seconds + 1 : seconds;
        _seconds.Write(stored - OrcEpochSeconds);
        _nanos.Write(EncodeNanos(nanos));
    }

    /// <summary>Nanoseconds since 1970-01-01T00:00:00Z.</summary>
    public void WriteNanos(long epochNanos) => Write(Math.DivRem(epochNanos, 1_000_000_000L, out var r) - (r < 0 ? 1 : 0), (int)(r < 0 ? r + 1_000_000_000L : r));

    internal static long EncodeNanos(int nanos)
    {
        if (nanos == 0)
        {
            return 0;
        }
        if (nanos % 100 != 0)
        {
            return (long)nanos << 3;
        }
        nanos /= 100;
        var zeros = 1;
        while (nanos % 10 == 0 && zeros < 7)
        {
            nanos /= 10;
            zeros++;
        }
        return ((long)nanos << 3) | (long)zeros;
    }

    internal override long BufferedBytes => base.BufferedBytes + _data.Position + _secondary.Position;

    private protected override void RecordDataPositions(PositionRecorder recorder)
    {
        _seconds.RecordPosition(recorder);
        _nanos.RecordPosition(recorder);
    }

    private protected override void FlushData()
    {
        _seconds.Flush();
        _nanos.Flush();
    }

    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [(OrcStreamKind.Data, _data), (OrcStreamKind.Secondary, _secondary)];
    private protected override ColumnEncoding Encoding() => new() { Kind = Context.V2 ? OrcColumnEncodingKind.DirectV2 : OrcColumnEncodingKind.Direct };
}

/// <summary>struct: PRESENT only; each field gets one entry per present struct.</summary>
public sealed class StructColumnWriter : ColumnWriter
{
    internal StructColumnWriter(TypeDescription type, WriterContext context) : base(type, context) =>
        Children = [.. type.Children.Select(c => Create(c, context))];

    public ColumnWriter Field(int index) => Children[index];

    public void Write()
    {
        Present();
        RowGroup.AddCount();
    }

    internal override long BufferedBytes => base.BufferedBytes + Children.Sum(c => c.BufferedBytes);
    private protected override void RecordDataPositions(PositionRecorder recorder)
    {
    }
    private protected override void FlushData()
    {
    }
    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [];
    private protected override ColumnEncoding Encoding() => new() { Kind = OrcColumnEncodingKind.Direct };
}

/// <summary>array (one child) and map (key and value children): LENGTH per present value.</summary>
public sealed class RepeatedColumnWriter : ColumnWriter
{
    private readonly StreamBuffer _length;
    private readonly IIntegerEncoder _lengths;

    internal RepeatedColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _length = NewStream();
        _lengths = context.Integers(_length, signed: false);
        Children = [.. type.Children.Select(c => Create(c, context))];
    }

    public void Write(int length)
    {
        Present();
        _lengths.Write(length);
        RowGroup.AddChildren((ulong)length);
    }

    internal override long BufferedBytes => base.BufferedBytes + _length.Position + Children.Sum(c => c.BufferedBytes);
    private protected override void RecordDataPositions(PositionRecorder recorder) => _lengths.RecordPosition(recorder);
    private protected override void FlushData() => _lengths.Flush();
    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [(OrcStreamKind.Length, _length)];
    private protected override ColumnEncoding Encoding() => new() { Kind = Context.V2 ? OrcColumnEncodingKind.DirectV2 : OrcColumnEncodingKind.Direct };
}

/// <summary>uniontype: DATA tags (byte RLE); variant i gets one entry per value with tag i.</summary>
public sealed class UnionColumnWriter : ColumnWriter
{
    private readonly StreamBuffer _data;
    private readonly ByteRleEncoder _tags;

    internal UnionColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _data = NewStream();
        _tags = new ByteRleEncoder(_data);
        Children = [.. type.Children.Select(c => Create(c, context))];
    }

    public void Write(int tag)
    {
        Present();
        _tags.Write((byte)tag);
        RowGroup.AddCount();
    }

    internal override long BufferedBytes => base.BufferedBytes + _data.Position + Children.Sum(c => c.BufferedBytes);
    private protected override void RecordDataPositions(PositionRecorder recorder) => _tags.RecordPosition(recorder);
    private protected override void FlushData() => _tags.Flush();
    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams() => [(OrcStreamKind.Data, _data)];
    private protected override ColumnEncoding Encoding() => new() { Kind = OrcColumnEncodingKind.Direct };
}
