using System.Text;
using Tributary.Connect.Config;
using Tributary.Connect.Plugins;
using Tributary.Connect.Sink;

namespace Tributary.Connect.File;

/// <summary>
/// Kafka's <c>FileStreamSinkTask</c>: appends <c>value + "\n"</c> per record (a null value prints <c>null</c>, as
/// Java's println does) through a buffered writer written out at the end of each put; flush fsyncs, so the offsets committed after
/// it point past lines that are on disk. One caller at a time.
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.file.FileStreamSinkTask")]
public sealed class FileStreamSinkTask : SinkTask
{
    private FileStream? _file;
    private Stream? _output;
    private StreamWriter? _writer;

    public override string Version => FileStreamVersion.Value;

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        var config = new AbstractConfig(FileStreamSinkConnector.Definition, properties);
        var filename = config.GetString(FileStreamSinkConnector.FileConfig);
        if (filename is { Length: > 0 })
        {
            _file = new FileStream(filename, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1);
            _output = _file;
        }
        else
        {
            _output = Console.OpenStandardOutput();
        }
        _writer = new StreamWriter(_output, new UTF8Encoding(false), 64 * 1024) { AutoFlush = false, NewLine = "\n" };
        return Task.CompletedTask;
    }

    public override Task PutAsync(IReadOnlyList<SinkRecord> records, CancellationToken cancellationToken)
    {
        var writer = _writer!;
        for (var i = 0; i < records.Count; i++)
        {
            var value = records[i].Value;
            if (value is string text)
            {
                writer.Write(text);
            }
            else
            {
                writer.Write(value?.ToString() ?? "null");
            }
            writer.Write('\n');
        }
        // Kafka's task prints through an unbuffered PrintStream, so a put's lines are in the file when put returns;
        // here one write per put hands them to the OS (flush still fsyncs before offsets are committed).
        writer.Flush();
        return Task.CompletedTask;
    }

    public override Task FlushAsync(IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> currentOffsets, CancellationToken cancellationToken)
    {
        _writer?.Flush();
        _file?.Flush(flushToDisk: true);
        return Task.CompletedTask;
    }

    public override Task StopAsync()
    {
        _writer?.Flush();
        _file?.Flush(flushToDisk: true);
        if (_file is not null)
        {
            _writer?.Dispose();
        }
        _writer = null;
        _file = null;
        return Task.CompletedTask;
    }
}
