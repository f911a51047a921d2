using System.Text;

namespace Tributary.Connect.Tests;

/// <summary>
/// Scenario E's shape with Kafka's FileStream connectors: <c>tributary connect-standalone worker.properties
/// source.properties sink.properties</c> against a separate <c>tributary serve</c>; a file goes into a topic and back
/// out into another file byte for byte, and a restart resumes from the offsets file and the sink's group offsets
/// without losing or repeating a line.
/// </summary>
[Trait("Category", "process")]
public sealed class StandaloneFileStreamTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TributaryProcess _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = new TributaryProcess(_directory.File("data"), () => ["connect.rest.port=-1"]);
        await _broker.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_file_goes_through_a_topic_and_back_byte_equal_and_a_restart_neither_loses_nor_repeats()
    {
        var input = _directory.File("input.txt");
        var output = _directory.File("output.txt");
        var first = Lines(0, 5000);
        await System.IO.File.WriteAllTextAsync(input, first);
        var files = WriteConfigs(input, output);

        var worker = await ConnectStandaloneProcess.StartAsync(files);
        try
        {
            await Eventually.HoldsAsync(() => Read(output) == first, () => $"output has {Read(output).Length} of {first.Length} chars\n{worker.Output}", TimeSpan.FromSeconds(60));
            await worker.StopAsync();
        }
        finally
        {
            await worker.DisposeAsync();
        }
        Assert.True(System.IO.File.Exists(_directory.File("offsets.json")), "the offsets file was not written");

        var second = Lines(5000, 3000);
        await System.IO.File.AppendAllTextAsync(input, second);
        worker = await ConnectStandaloneProcess.StartAsync(files);
        try
        {
            var expected = first + second;
            await Eventually.HoldsAsync(() => Read(output).Length >= expected.Length, () => $"output has {Read(output).Length} of {expected.Length} chars\n{worker.Output}", TimeSpan.FromSeconds(60));
            await worker.StopAsync();
            Assert.Equal(expected, Read(output));
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    private string[] WriteConfigs(string input, string output)
    {
        var worker = _directory.File("worker.properties");
        System.IO.File.WriteAllText(worker, $"""
            # Kafka Connect worker, as a user writes it
            bootstrap.servers=127.0.0.1:{_broker.Ports.Kafka}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.storage.file.filename={_directory.File("offsets.json")}
            offset.flush.interval.ms=1000
            listeners=http://127.0.0.1:0
            """);
        var source = _directory.File("source.properties");
        System.IO.File.WriteAllText(source, $"""
            name=local-file-source
            connector.class=FileStreamSource
            tasks.max=1
            file={input}
            topic=connect-test
            """);
        var sink = _directory.File("sink.properties");
        System.IO.File.WriteAllText(sink, $"""
            name=local-file-sink
            connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector
            tasks.max=1
            file={output}
            topics=connect-test
            """);
        return [worker, source, sink];
    }

    private static string Lines(int from, int count)
    {
        var text = new StringBuilder();
        for (var i = from; i < from + count; i++)
        {
            text.Append("line ").Append(i).Append(" — ünïcode and, commas \"quotes\" {\"json\": ").Append(i).Append('}').Append('\n');
        }
        return text.ToString();
    }

    private static string Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, new UTF8Encoding(false));
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }
}
