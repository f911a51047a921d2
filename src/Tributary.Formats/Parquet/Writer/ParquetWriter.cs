using Tributary.Formats.Parquet.Encodings;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;

namespace Tributary.Formats.Parquet.Writer;

/// <summary>
/// A streaming Parquet writer: append rows, row groups are flushed by size (or on request), and
/// <see cref="Complete"/> writes the footer. Memory is bounded by the row group size plus one encoded
/// column chunk.
/// <para><b>Interrupted writes.</b> The footer and the closing magic are written only by
/// <see cref="Complete"/>. Disposing without completing leaves the stream without a footer, which every
/// Parquet reader rejects; <see cref="ParquetFile.Create"/> additionally writes to a temporary name and
/// renames only after completing, so a file under the final name is always whole.</para>
/// <para>Thread-safety: none; one thread writes at a time (row groups may be encoded on an internal background task).</para>
/// </summary>
public sealed class ParquetWriter : IDisposable
{
    /// <summary>"PAR1": the first and last four bytes of every Parquet file.</summary>
    public static ReadOnlySpan<byte> Magic => "PAR1"u8;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly ParquetWriterOptions _options;
    private readonly ColumnWriter[] _columns;
    private readonly List<RowGroup> _rowGroups = [];
    private readonly GrowableBuffer _chunkBuffer = new(1024 * 1024);
    private readonly RowShredder _shredder;
    private ColumnWriter[]? _spare;
    private Task? _pendingFlush;
    private long _position;
    private long _totalRows;
    private int _rowsInGroup;
    private bool _completed;
    private bool _disposed;

    public ParquetWriter(Stream output, ParquetSchema schema, ParquetWriterOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(schema);
        _options = options ?? new ParquetWriterOptions();
        _options.Validate();
        _output = output;
        _leaveOpen = leaveOpen;
        Schema = schema;
        _columns = new ColumnWriter[schema.Columns.Count];
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i] = new ColumnWriter(schema.Columns[i], _options);
        }
        _shredder = new RowShredder(schema, _columns);
        _output.Write(Magic);
        _position = Magic.Length;
    }

    public ParquetSchema Schema { get; }


    public ParquetWriterOptions Options => _options;

    /// <summary>Rows written so far, including those still buffered.</summary>
    public long RowCount => _totalRows + _rowsInGroup;

    /// <summary>Row groups written so far (one more may be in flight on the flush task).</summary>
    public int RowGroupCount => _rowGroups.Count;

    /// <summary>
    /// The column writers in schema order, for shredders that feed them directly (the JSON converter).
    /// Hold on to the array, not its elements: a background flush swaps the elements for a spare set.
    /// </summary>
    internal ColumnWriter[] Columns => _columns;

    /// <summary>
    /// Appends a row given as field name → value (see <see cref="RowShredder"/> for the .NET types each
    /// column accepts). A row that does not fit the schema throws <see cref="ParquetFormatException"/>
    /// naming the field and leaves the writer as it was before the call.
    /// </summary>
    public void WriteRow(IReadOnlyDictionary<string, object?> row)
    {
        ThrowIfClosed();
        var marks = MarkColumns();
        try
        {
            _shredder.Write(row);
        }
        catch (ParquetFormatException e)
        {
            RollbackColumns(marks);
            throw new ParquetFormatException($"Row {RowCount}: {e.Message}", e);
        }
        catch
        {
            RollbackColumns(marks);
            throw;
        }
        EndRow();
    }

    internal (int, int, int)[] MarkColumns()
    {
        var marks = new (int, int, int)[_columns.Length];
        for (var i = 0; i < _columns.Length; i++)
        {
            marks[i] = _columns[i].Mark();
        }
        return marks;
    }

    internal void RollbackColumns((int, int, int)[] marks)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i].Rollback(marks[i]);
        }
    }

    /// <summary>Counts a row that a shredder has written into every column; flushes the row group when full.</summary>
    internal void EndRow()
    {
        _rowsInGroup++;
        if (_rowsInGroup >= _options.RowGroupMaxRows || ((_rowsInGroup & 1023) == 0 && BufferedBytes() >= _options.RowGroupSizeBytes))
        {
            FlushRowGroup();
        }
    }

    /// <summary>Bytes of values buffered in the current row group.</summary>
    public long BufferedBytes()
    {
        long total = 0;
        foreach (var column in _columns)
        {
            total += column.BufferedBytes;
        }
        return total;
    }

    /// <summary>
    /// Hands the buffered rows over as a row group (no-op when empty). With
    /// <see cref="ParquetWriterOptions.BackgroundFlush"/> the row group is encoded and written on a
    /// background task while new rows go into a second set of column buffers; at most one row group is
    /// in flight, so memory stays at two row groups.
    /// </summary>
    public void FlushRowGroup()
    {
        ThrowIfClosed();
        if (_rowsInGroup == 0)
        {
            return;
        }
        WaitForPendingFlush();
        var rows = _rowsInGroup;
        _totalRows += rows;
        _rowsInGroup = 0;
        var flushing = (ColumnWriter[])_columns.Clone();
        if (!_options.BackgroundFlush)
        {
            WriteRowGroup(flushing, rows);
            return;
        }
        if (_spare is null)
        {
            _spare = new ColumnWriter[_columns.Length];
            for (var i = 0; i < _spare.Length; i++)
            {
                _spare[i] = new ColumnWriter(Schema.Columns[i], _options);
            }
        }
        // Shredders hold the _columns array itself: swapping its elements redirects them to the spare set.
        Array.Copy(_spare, _columns, _columns.Length);
        _spare = flushing;
        _pendingFlush = Task.Run(() => WriteRowGroup(flushing, rows));
    }

    private void WaitForPendingFlush()
    {
        if (_pendingFlush is { } pending)
        {
            _pendingFlush = null;
            pending.GetAwaiter().GetResult();
        }
    }

    /// <summary>Encodes one row group's columns and writes them; runs on one thread at a time (the caller's or the flush task).</summary>
    private void WriteRowGroup(ColumnWriter[] columns, int rows)
    {
        var rowGroup = new RowGroup { NumRows = rows, FileOffset = _position, Ordinal = (short)Math.Min(short.MaxValue, _rowGroups.Count) };
        long compressed = 0;
        foreach (var column in columns)
        {
            _chunkBuffer.Clear();
            var chunk = column.Flush(_chunkBuffer, _position);
            _output.Write(_chunkBuffer.WrittenSpan);
            _position += _chunkBuffer.Length;
            rowGroup.Columns.Add(chunk);
            rowGroup.TotalByteSize += chunk.MetaData.TotalUncompressedSize;
            compressed += chunk.MetaData.TotalCompressedSize;
        }
        rowGroup.TotalCompressedSize = compressed;
        _rowGroups.Add(rowGroup);
    }

    /// <summary>Flushes the last row group and writes the footer and closing magic. The file is valid only after this.</summary>
    public void Complete()
    {
        ThrowIfClosed();
        FlushRowGroup();
        WaitForPendingFlush();
        var metadata = new FileMetadata
        {
            Version = 2,
            Schema = Schema.ToElements(),
            NumRows = _totalRows,
            RowGroups = _rowGroups,
            CreatedBy = _options.CreatedBy,
            TypeDefinedColumnOrders = _columns.Length,
        };
        if (_options.KeyValueMetadata is { Count: > 0 } keyValues)
        {
            metadata.KeyValueMetadata = [];
            foreach (var (key, value) in keyValues)
            {
                metadata.KeyValueMetadata.Add(new KeyValue { Key = key, Value = value });
            }
        }
        _chunkBuffer.Clear();
        MetadataCodec.WriteFileMetadata(metadata, _chunkBuffer);
        var footerLength = _chunkBuffer.Length;
        _chunkBuffer.WriteInt32(footerLength);
        _chunkBuffer.Write(Magic);
        _output.Write(_chunkBuffer.WrittenSpan);
        _output.Flush();
        _position += _chunkBuffer.Length;
        _completed = true;
    }

    public bool IsCompleted => _completed;

    private void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The Parquet file is already complete.");
        }
    }

    /// <summary>Releases buffers; does not write the footer (see the class remarks).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            _pendingFlush?.Wait();
        }
        catch (AggregateException)
        {
            // Abandoned without Complete(): the file is invalid anyway; the failure was the caller's to see.
        }
        foreach (var column in _columns)
        {
            column.Dispose();
        }
        foreach (var column in _spare ?? [])
        {
            column.Dispose();
        }
        _chunkBuffer.Dispose();
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }
}

/// <summary>Writing Parquet files by path, never leaving a partial file under the final name.</summary>
public static class ParquetFile
{
    /// <summary>
    /// Opens a writer onto <c>path.&lt;random&gt;.tmp</c>. Call <see cref="ParquetFileWriter.Complete"/> to write the
    /// footer and rename the file to <paramref name="path"/>; disposing without completing deletes the temporary file.
    /// </summary>
    public static ParquetFileWriter Create(string path, ParquetSchema schema, ParquetWriterOptions? options = null) => new(path, schema, options);
}

/// <summary>A <see cref="ParquetWriter"/> on a temporary file that becomes <see cref="Path"/> when completed.</summary>
public sealed class ParquetFileWriter : IDisposable
{
    private readonly string _temporaryPath;
    private readonly FileStream _stream;
    private bool _renamed;

    internal ParquetFileWriter(string path, ParquetSchema schema, ParquetWriterOptions? options)
    {
        Path = System.IO.Path.GetFullPath(path);
        _temporaryPath = Path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        _stream = new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        Writer = new ParquetWriter(_stream, schema, options, leaveOpen: true);
    }

    public string Path { get; }

    public ParquetWriter Writer { get; }

    public void Complete()
    {
        Writer.Complete();
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temporaryPath, Path, overwrite: true);
        _renamed = true;
    }

    public void Dispose()
    {
        Writer.Dispose();
        _stream.Dispose();
        if (!_renamed)
        {
            File.Delete(_temporaryPath);
        }
    }
}
