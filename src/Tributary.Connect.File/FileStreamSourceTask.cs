using System.Runtime.CompilerServices;
using System.Text;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Plugins;
using Tributary.Connect.Source;

namespace Tributary.Connect.File;

/// <summary>
/// Kafka's <c>FileStreamSourceTask</c>: each line (ended by <c>\n</c>, <c>\r</c> or <c>\r\n</c>, terminator dropped)
/// becomes a record with a STRING value and no key, source partition <c>{"filename":…}</c> and source offset
/// <c>{"position":…}</c>: the byte position just after the line (Kafka counts characters of its decoder; bytes are the
/// same for ASCII and exact for anything else). A poll returns up to batch.size lines; with nothing new it waits up to
/// <see cref="IdleWait"/> for the file to grow. Restarts seek to the committed position. One poll at a time.
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.file.FileStreamSourceTask")]
public sealed class FileStreamSourceTask : SourceTask
{
    public const string FilenameField = "filename";
    public const string PositionField = "position";

    /// <summary>How long a poll at the end of the file waits before returning nothing (Kafka waits up to 1 s).</summary>
    public static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a poll waits while the file does not exist yet: an open attempt is one failed stat, so looking 20 times a
    /// second costs nothing measurable and a file moved into place is picked up within 50 ms (Kafka waits up to 1 s).
    /// </summary>
    public static readonly TimeSpan MissingFileWait = TimeSpan.FromMilliseconds(50);

    private const int ReadSize = 64 * 1024;

    private string? _filename;
    private string _topic = "";
    private int _batchSize;
    private Stream? _stream;
    private byte[] _buffer = new byte[ReadSize];
    private int _start;
    private int _end;
    private long _position;
    private IReadOnlyDictionary<string, object?> _partition = new Dictionary<string, object?>();

    public override string Version => FileStreamVersion.Value;

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        var config = new AbstractConfig(FileStreamSourceConnector.Definition, properties);
        _filename = config.GetString(FileStreamSourceConnector.FileConfig) is { Length: > 0 } file ? file : null;
        _topic = config.GetList(FileStreamSourceConnector.TopicConfig)[0].Trim();
        _batchSize = config.GetInt(FileStreamSourceConnector.BatchSizeConfig);
        _partition = new Dictionary<string, object?> { [FilenameField] = _filename ?? "stdin" };
        if (_filename is null)
        {
            _stream = Console.OpenStandardInput();
        }
        return Task.CompletedTask;
    }

    public override async ValueTask<IReadOnlyList<SourceRecord>?> PollAsync(CancellationToken cancellationToken)
    {
        if (_stream is null && !TryOpen())
        {
            await Task.Delay(MissingFileWait, cancellationToken).ConfigureAwait(false);
            return null;
        }
        List<SourceRecord>? records = null;
        while (true)
        {
            if (ExtractLines(ref records))
            {
                return records;
            }
            if (records is not null && _end - _start == 0)
            {
                return records;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            // A file is read synchronously (as Kafka's task does): a read from the page cache takes microseconds, while
            // an asynchronous read of a non-overlapped file is a hop through the thread pool per read. Standard input
            // may block indefinitely, so it is read asynchronously.
            var read = _filename is not null
                ? _stream!.Read(_buffer.AsSpan(_end))
                : await _stream!.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (records is not null)
                {
                    return records;
                }
                await Task.Delay(IdleWait, cancellationToken).ConfigureAwait(false);
                return null;
            }
            _end += read;
        }
    }

    /// <summary>
    /// Turns the complete lines of the buffer into records, up to batch.size in all; true when the batch is full. The
    /// per-line loop lives here, outside the poll's state machine, and is compiled optimised from its first call: a
    /// task reads a file in a burst that is over before tiered compilation has promoted it (with tiering, a
    /// million-line file ran mostly in unoptimised and instrumented code, and recompiling it cost more than reading).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ExtractLines(ref List<SourceRecord>? records)
    {
        while (TryExtractLine(out var line))
        {
            records ??= new List<SourceRecord>(Math.Min(_batchSize, 1024));
            records.Add(new SourceRecord(_partition, new PositionOffset(_position), _topic, null, null, null, Schema.String, line, null));
            if (records.Count >= _batchSize)
            {
                return true;
            }
        }
        return false;
    }

    public override Task StopAsync()
    {
        if (_filename is not null)
        {
            _stream?.Dispose();
        }
        _stream = null;
        return Task.CompletedTask;
    }

    private bool TryOpen()
    {
        try
        {
            var stream = new FileStream(_filename!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            var committed = Context.OffsetStorageReader.Offset(_partition);
            if (committed is not null && committed.TryGetValue(PositionField, out var value) && value is long position and > 0)
            {
                stream.Seek(Math.Min(position, stream.Length), SeekOrigin.Begin);
                _position = stream.Position;
            }
            _stream = stream;
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// The next complete line of the buffer; a <c>\r</c> at the end of the buffered bytes waits for the next byte (it
    /// may be the first half of <c>\r\n</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryExtractLine(out string line)
    {
        var span = _buffer.AsSpan(_start, _end - _start);
        var index = span.IndexOfAny((byte)'\n', (byte)'\r');
        if (index < 0 || (span[index] == '\r' && index == span.Length - 1))
        {
            line = "";
            return false;
        }
        var terminator = span[index] == '\r' && span[index + 1] == '\n' ? 2 : 1;
        line = Encoding.UTF8.GetString(span[..index]);
        _start += index + terminator;
        _position += index + terminator;
        return true;
    }

    /// <summary>
    /// The source offset <c>{"position": n}</c> as a one-entry read-only map: one small object per line where a
    /// Dictionary would be several (Kafka's task uses Collections.singletonMap for the same reason).
    /// </summary>
    private sealed class PositionOffset(long position) : IReadOnlyDictionary<string, object?>
    {
        public object? this[string key] => key == PositionField ? position : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => [PositionField];

        public IEnumerable<object?> Values => [position];

        public int Count => 1;

        public bool ContainsKey(string key) => key == PositionField;

        public bool TryGetValue(string key, out object? value)
        {
            value = key == PositionField ? position : null;
            return key == PositionField;
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return new KeyValuePair<string, object?>(PositionField, position);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
