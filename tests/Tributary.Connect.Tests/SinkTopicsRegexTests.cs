namespace Tributary.Connect.Tests;

/// <summary>
/// A sink's <c>topics.regex</c> in the real worker: the task's consumer subscribes by pattern (the whole topic name must
/// match, as Java's), so it reads the matching topics there are, not the others, and a matching topic created while it
/// runs joins the subscription within <c>metadata.max.age.ms</c> (set low here through <c>consumer.override.</c>).
/// </summary>
[Trait("Category", "process")]
public sealed class SinkTopicsRegexTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private readonly TempDirectory _directory = cluster.Directory;

    [Fact]
    public async Task A_topics_regex_sink_reads_the_matching_topics_and_one_created_while_it_runs()
    {
        InteropClients.RequireKcat();
        var bootstrap = cluster.Bootstrap;
        async Task ProduceAsync(string topic, string line)
        {
            var input = _directory.File(topic + ".in");
            await System.IO.File.WriteAllTextAsync(input, line + "\n");
            (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-t", topic, "-P"], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();
        }
        await ProduceAsync("clicks-web", "from clicks-web");
        await ProduceAsync("clicks-web-old", "from clicks-web-old");
        await ProduceAsync("views", "from views");

        var output = _directory.File("sink.out");
        var worker = _directory.File("worker.properties");
        await System.IO.File.WriteAllTextAsync(worker, $"""
            bootstrap.servers={bootstrap}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.storage.file.filename={_directory.File("offsets.json")}
            offset.flush.interval.ms=500
            listeners=http://127.0.0.1:0
            """);
        var connector = _directory.File("sink.properties");
        await System.IO.File.WriteAllTextAsync(connector, $"""
            name=regex-sink
            connector.class=FileStreamSink
            topics.regex=clicks-[a-z]+
            file={output}
            consumer.override.metadata.max.age.ms=500
            """);
        var process = await ConnectStandaloneProcess.StartAsync(worker, connector);
        try
        {
            string[] Lines() => System.IO.File.Exists(output) ? System.IO.File.ReadAllLines(output) : [];
            await Eventually.HoldsAsync(() => Lines().Length == 1, () => $"clicks-web's line in the file (have [{string.Join(", ", Lines())}])\n{process.Output}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
            Assert.Equal(["from clicks-web"], Lines());

            await ProduceAsync("clicks-app", "from clicks-app");
            await Eventually.HoldsAsync(() => Lines().Length == 2, () => $"clicks-app's line too (have [{string.Join(", ", Lines())}])\n{process.Output}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
            Assert.Equal(["from clicks-web", "from clicks-app"], Lines());
            await process.StopAsync();
        }
        finally
        {
            await process.DisposeAsync();
        }
    }
}
