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

    /// <summary>How long an idle poll waits before returning nothing (Kafka waits up to 1 s).</summary>
    public static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(250);

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
            await Task.Delay(IdleWait, cancellationToken).ConfigureAwait(false);
            return null;
        }
        List<SourceRecord>? records = null;
        while (true)
        {
            while (TryExtractLine(out var line))
            {
                records ??= new List<SourceRecord>(Math.Min(_batchSize, 1024));
                records.Add(new SourceRecord(_partition, new Dictionary<string, object?> { [PositionField] = _position }, _topic, null, null, null, Schema.String, line, null));
                if (records.Count >= _batchSize)
                {
                    return records;
                }
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
            var read = await _stream!.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
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
}
