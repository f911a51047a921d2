using Tributary.Orc.Compression;
using Tributary.Orc.Metadata;
using Tributary.Orc.Protobuf;

namespace Tributary.Orc.Writer;

/// <summary>
/// Writes an ORC file to a stream: the header, stripes of at most about <see cref="OrcWriterOptions.StripeSizeBytes"/>
/// buffered bytes (the writer's memory bound), then the tail (stripe statistics, footer, PostScript). Rows are written
/// column by column through <see cref="Root"/>'s field writers, then closed with <see cref="EndRow"/>. The output is
/// written sequentially and never sought, so any stream (a spool file, a network stream) works; making the file durable
/// (temporary name, fsync, rename) is the caller's, as for the Parquet writer. Not thread-safe.
/// Keep in sync with: docs/formats/orc.md.
/// </summary>
public sealed class OrcWriter : IDisposable
{
    /// <summary>PostScript.writerVersion: ORC-135, the fixes every current reader expects (UTC timestamp statistics).</summary>
    public const uint WriterVersion = 6;

    private readonly Stream _output;
    private readonly System.IO.Hashing.Crc32 _checksum = new();
    private readonly bool _leaveOpen;
    private readonly OrcWriterOptions _options;
    private readonly OrcCodec _codec;
    private readonly StripeAssembly _stripe = new();
    private readonly List<StripeInformation> _stripes = [];
    private readonly List<List<ColumnStatistics>> _stripeStatistics = [];
    private readonly TypeDescription _schema;
    private long _offset;
    private long _rowsInStripe;
    private long _rowsInGroup;
    private bool _completed;

    public OrcWriter(Stream output, TypeDescription schema, OrcWriterOptions? options = null, bool leaveOpen = false)
    {
        _options = options ?? new OrcWriterOptions();
        if (schema.Kind != OrcTypeKind.Struct)
        {
            throw new OrcFormatException($"An ORC file's schema must be a struct, not {schema}.");
        }
        if (_options.Compression is OrcCompression.Lzo)
        {
            throw new OrcFormatException("The ORC writer does not write LZO (it reads it).");
        }
        if (_options.RowIndexStride < 0 || _options.StripeSizeBytes <= 0 || _options.DictionaryKeyThreshold is < 0 or > 1 || _options.PaddingTolerance is < 0 or > 1
            || _options.BloomFilterFalsePositiveProbability is <= 0 or >= 1)
        {
            throw new OrcFormatException("ORC writer options out of range: RowIndexStride >= 0, StripeSizeBytes > 0, DictionaryKeyThreshold and PaddingTolerance in 0..1, BloomFilterFalsePositiveProbability strictly between 0 and 1.");
        }
        _output = output;
        _leaveOpen = leaveOpen;
        _schema = schema.AssignIds();
        _codec = new OrcCodec(_options.Compression, _options.CompressionBlockSize, _options.CompressionLevel);
        Root = (StructColumnWriter)ColumnWriter.Create(_schema, new WriterContext(_options, _codec));
        // BloomFilterColumns names top-level columns, case-insensitively as Hive's names are; names of no column are ignored.
        for (var f = 0; f < _schema.Children.Count; f++)
        {
            if (_options.BloomFilterColumns.Contains(_schema.FieldNames[f], StringComparer.OrdinalIgnoreCase))
            {
                Root.Children[f].EnableBloomFilter();
            }
        }
        Emit("ORC"u8);
        _offset = 3;
        Root.StartRowGroup();
    }

    /// <summary>The root struct; its fields are the file's top-level columns.</summary>
    public StructColumnWriter Root { get; }

    public TypeDescription Schema => _schema;

    public long RowCount { get; private set; }

    /// <summary>Ends a row whose top-level fields were each written once.</summary>
    public void EndRow()
    {
        Root.Write();
        RowCount++;
        _rowsInStripe++;
        _rowsInGroup++;
        if (_options.RowIndexStride > 0 && _rowsInGroup == _options.RowIndexStride)
        {
            Root.FinishRowGroup();
            _rowsInGroup = 0;
            Root.StartRowGroup();
        }
        if ((_rowsInStripe & 1023) == 0 && Root.BufferedBytes >= _options.StripeSizeBytes)
        {
            FlushStripe();
        }
    }

    private void FlushStripe()
    {
        if (_rowsInStripe == 0)
        {
            return;
        }
        if (_rowsInGroup > 0 || _options.RowIndexStride == 0)
        {
            Root.FinishRowGroup();
        }
        Root.FinishStripe(_stripe);
        var statistics = _stripe.Prepare(_codec, _options.RowIndexStride > 0, _rowsInStripe, out var information);
        var length = (long)(information.IndexLength + information.DataLength + information.FooterLength);
        if (_options.EnablePadding)
        {
            var block = _options.BlockSizeBytes;
            var available = block - (_offset % block);
            if (length > available && available <= _options.PaddingTolerance * _options.StripeSizeBytes)
            {
                EmitZeros(available);
                _offset += available;
            }
        }
        information.Offset = (ulong)_offset;
        Emit(_stripe.Index);
        foreach (var stream in _stripe.DataStreams)
        {
            Emit(stream.Output);
        }
        Emit(_stripe.Footer);
        _stripe.Reset();
        _offset += length;
        _stripes.Add(information);
        _stripeStatistics.Add(statistics);
        _rowsInStripe = 0;
        _rowsInGroup = 0;
        Root.StartRowGroup();
    }

    /// <summary>Writes the last stripe and the file tail. The file is complete once this returns.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }
        FlushStripe();
        var proto = new ProtoWriter();
        MetadataCodec.WriteMetadata(proto, _stripeStatistics);
        var metadata = new ByteBuffer(proto.Length + 16);
        StripeAssembly.Compress(_codec, proto.Written, metadata);
        var fileStatistics = new List<ColumnStatistics>();
        Root.CollectFileStatistics(fileStatistics);
        var footer = new Footer
        {
            HeaderLength = 3,
            ContentLength = (ulong)_offset,
            Stripes = _stripes,
            Types = _schema.ToOrcTypes(),
            NumberOfRows = (ulong)RowCount,
            Statistics = fileStatistics,
            RowIndexStride = (uint)_options.RowIndexStride,
            SoftwareVersion = "Tributary",
        };
        proto.Clear();
        MetadataCodec.WriteFooter(proto, footer);
        var footerBytes = new ByteBuffer(proto.Length + 16);
        StripeAssembly.Compress(_codec, proto.Written, footerBytes);
        Emit(metadata.Written);
        Emit(footerBytes.Written);
        var postScript = new PostScript
        {
            FooterLength = (ulong)footerBytes.Length,
            Compression = _options.Compression,
            CompressionBlockSize = (ulong)_options.CompressionBlockSize,
            Version = _options.FormatVersion == OrcFormatVersion.V0_11 ? [0, 11] : [0, 12],
            MetadataLength = (ulong)metadata.Length,
            WriterVersion = WriterVersion,
            Checksum = _options.WriteChecksum ? _checksum.GetCurrentHashAsUInt32() : null,
        };
        proto.Clear();
        MetadataCodec.WritePostScript(proto, postScript);
        _output.Write(proto.Written);
        _output.WriteByte((byte)proto.Length);
        _output.Flush();
        _completed = true;
    }

    private void EmitZeros(long count)
    {
        Span<byte> zeros = stackalloc byte[4096];
        zeros.Clear();
        for (var left = count; left > 0; left -= zeros.Length)
        {
            Emit(zeros[..(int)Math.Min(left, zeros.Length)]);
        }
    }

    /// <summary>Writes bytes before the PostScript, which the checksum covers.</summary>
    private void Emit(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _checksum.Append(bytes);
    }

    public void Dispose()
    {
        Root.Release();
        _stripe.Release();
        _codec.Dispose();
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }
}
