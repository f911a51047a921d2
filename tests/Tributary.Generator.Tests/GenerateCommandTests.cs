using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tributary.Generator.Tests;

/// <summary>
/// <c>tributary generate</c> as its own process against a running server: records to a topic (read back with kcat),
/// to a Kinesis stream (read back with the AWS CLI) and to a delivery stream (the delivered objects), the progress
/// line and the summary, a malformed template or a missing stream refused before anything is sent, and records refused
/// mid-run (the stream deleted) counted as errors.
/// </summary>
[Trait("Category", "process")]
public sealed partial class GenerateCommandTests(GeneratorServer server) : IClassFixture<GeneratorServer>
{
    /// <summary>The Kinesis Data Generator's own sensor example.</summary>
    public const string SensorTemplate = """
        {
          "sensorId": {{random.number(50)}},
          "currentTemperature": {{random.number({"min":10,"max":150})}},
          "status": "{{random.arrayElement(["OK","FAIL","WARN"])}}",
          "reading": "{{random.uuid}}"
        }
        """;

    /// <summary>Checks one record has the sensor template's shape; returns its uuid.</summary>
    public static string AssertSensorShape(string record)
    {
        using var json = JsonDocument.Parse(record);
        var root = json.RootElement;
        Assert.Equal(["currentTemperature", "reading", "sensorId", "status"], root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.InRange(root.GetProperty("sensorId").GetInt32(), 0, 50);
        Assert.InRange(root.GetProperty("currentTemperature").GetInt32(), 10, 150);
        Assert.Contains(root.GetProperty("status").GetString(), new[] { "OK", "FAIL", "WARN" });
        var reading = root.GetProperty("reading").GetString()!;
        Assert.True(Guid.TryParse(reading, out _), reading);
        return reading;
    }

    [Fact]
    public async Task Records_go_to_a_topic_with_a_progress_line_each_second_and_a_summary()
    {
        var template = server.WriteFile("sensor.json", SensorTemplate);
        var result = (await server.GenerateAsync(TimeSpan.FromSeconds(120), "--template", template, "--rate", "1500", "--count", "3000", "--to", "kafka:generated")).EnsureSuccess();

        // The summary on stdout, the progress lines (records/s, total, errors) on stderr, at least one a second.
        var summary = Summary().Match(result.StandardOutput);
        Assert.True(summary.Success, result.ToString());
        Assert.Equal("3000", summary.Groups["sent"].Value);
        Assert.Equal("kafka:generated", summary.Groups["target"].Value);
        Assert.Equal("0", summary.Groups["errors"].Value);
        // 3000 records at 1500/s take two seconds.
        Assert.InRange(double.Parse(summary.Groups["seconds"].Value, CultureInfo.InvariantCulture), 1.5, 30);
        var progress = Progress().Matches(result.StandardError);
        Assert.True(progress.Count >= 1, result.ToString());
        Assert.All(progress, p => Assert.Equal("0", p.Groups["errors"].Value));
        var totals = progress.Select(p => long.Parse(p.Groups["sent"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(totals.Order(), totals);
        Assert.All(totals, t => Assert.InRange(t, 1, 3000));

        var records = await server.ConsumeAsync("generated");
        Assert.Equal(3000, records.Count);
        var readings = records.Select(r => AssertSensorShape(r.Value)).ToHashSet();
        Assert.Equal(3000, readings.Count);
    }

    [Fact]
    public async Task Records_go_to_a_kinesis_stream()
    {
        await server.CreateStreamAsync("generated-stream", 1);
        var template = server.WriteFile("kinesis.json", SensorTemplate);
        var result = (await server.GenerateAsync(TimeSpan.FromSeconds(120), "--template", template, "--rate", "max", "--count", "1200", "--to", "kinesis:generated-stream")).EnsureSuccess();
        Assert.Contains("Sent 1200 records to kinesis:generated-stream", result.StandardOutput);

        var shard = (await server.AwsAsync("kinesis", "list-shards", "--stream-name", "generated-stream")).GetProperty("Shards")[0].GetProperty("ShardId").GetString()!;
        var iterator = (await server.AwsAsync("kinesis", "get-shard-iterator", "--stream-name", "generated-stream", "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON"))
            .GetProperty("ShardIterator").GetString();
        var records = new List<(string Data, string PartitionKey)>();
        while (records.Count < 1200 && iterator is not null)
        {
            var page = await server.AwsAsync("kinesis", "get-records", "--shard-iterator", iterator, "--limit", "10000");
            foreach (var record in page.GetProperty("Records").EnumerateArray())
            {
                records.Add((Encoding.UTF8.GetString(record.GetProperty("Data").GetBytesFromBase64()), record.GetProperty("PartitionKey").GetString()!));
            }
            iterator = page.GetProperty("Records").GetArrayLength() == 0 ? null : page.GetProperty("NextShardIterator").GetString();
        }
        Assert.Equal(1200, records.Count);
        // As the Kinesis Data Generator sends them: the rendered template and a newline; a random integer partition key.
        Assert.All(records, r => Assert.EndsWith("\n", r.Data));
        Assert.Equal(1200, records.Select(r => AssertSensorShape(r.Data.TrimEnd('\n'))).Distinct().Count());
        Assert.All(records, r => Assert.Matches(@"^\d{1,10}$", r.PartitionKey));
        Assert.True(records.Select(r => r.PartitionKey).Distinct().Count() > 1000);
    }

    [Fact]
    public async Task Records_go_to_a_delivery_stream()
    {
        await server.CreateDeliveryStreamAsync("generated-delivery", "direct-lake");
        var template = server.WriteFile("firehose.json", SensorTemplate);
        var result = (await server.GenerateAsync(TimeSpan.FromSeconds(120), "--template", template, "--rate", "max", "--count", "1500", "--to", "firehose:generated-delivery")).EnsureSuccess();
        Assert.Contains("Sent 1500 records to firehose:generated-delivery", result.StandardOutput);
        await Eventually.HoldsAsync(() => server.DeliveredLines("direct-lake").Count >= 1500,
            () => $"1500 records delivered; have {server.DeliveredLines("direct-lake").Count}\n{server.Server.Output}", TimeSpan.FromSeconds(60));
        var lines = server.DeliveredLines("direct-lake");
        Assert.Equal(1500, lines.Count);
        Assert.Equal(1500, lines.Select(AssertSensorShape).Distinct().Count());
    }

    [Fact]
    public async Task A_missing_stream_is_refused_before_sending_and_records_refused_mid_run_end_with_exit_code_3()
    {
        var template = server.WriteFile("refused.json", SensorTemplate);
        var missing = "no-such-stream-" + Guid.NewGuid().ToString("N")[..8];
        // A stream that does not exist is looked up first: exit code 1, one line saying why, nothing sent.
        var refused = await Task.WhenAll(
            server.GenerateAsync(TimeSpan.FromSeconds(60), "--template", template, "--rate", "400", "--count", "1000", "--to", "kinesis:" + missing),
            server.GenerateAsync(TimeSpan.FromSeconds(60), "--template", template, "--rate", "400", "--count", "1000", "--to", "firehose:" + missing));
        foreach (var (result, kind) in refused.Zip(new[] { "kinesis", "firehose" }))
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal("", result.StandardOutput);
            Assert.Contains($"tributary generate: {kind}:{missing} cannot be used: ResourceNotFoundException", result.StandardError, StringComparison.Ordinal);
            Assert.DoesNotMatch(Progress(), result.StandardError);
        }

        // A stream deleted while records are being sent: the records refused from then on are errors, the service's
        // message is printed once however many requests it refused, and the run ends with exit code 3. (The run lasts
        // 25 s so the AWS CLI calls below, a second or more each on a loaded machine, delete the stream before its end.)
        var stream = "deleted-midway-" + Guid.NewGuid().ToString("N")[..8];
        await server.CreateStreamAsync(stream, 1);
        var run = server.GenerateAsync(TimeSpan.FromSeconds(120), "--template", template, "--rate", "200", "--count", "5000", "--to", "kinesis:" + stream);
        var shard = (await server.AwsAsync("kinesis", "list-shards", "--stream-name", stream)).GetProperty("Shards")[0].GetProperty("ShardId").GetString()!;
        await Eventually.HoldsAsync(async () =>
        {
            var iterator = (await server.AwsAsync("kinesis", "get-shard-iterator", "--stream-name", stream, "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON"))
                .GetProperty("ShardIterator").GetString()!;
            return (await server.AwsAsync("kinesis", "get-records", "--shard-iterator", iterator, "--limit", "1")).GetProperty("Records").GetArrayLength() > 0;
        }, "the generator's first records are in the stream", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        await server.AwsAsync("kinesis", "delete-stream", "--stream-name", stream);
        var midway = await run;
        Assert.True(midway.ExitCode == 3, midway.ToString());
        var summary = Summary().Match(midway.StandardOutput);
        Assert.True(summary.Success, midway.ToString());
        var sent = int.Parse(summary.Groups["sent"].Value, CultureInfo.InvariantCulture);
        var failed = int.Parse(summary.Groups["errors"].Value, CultureInfo.InvariantCulture);
        Assert.True(sent > 0 && failed > 0 && sent + failed == 5000, midway.ToString());
        var refusals = midway.StandardError.Split('\n').Where(l => l.StartsWith($"tributary generate: kinesis:{stream}: ", StringComparison.Ordinal)).ToList();
        var refusal = Assert.Single(refusals);
        Assert.Contains(stream, refusal[$"tributary generate: kinesis:{stream}: ".Length..], StringComparison.Ordinal);
        var progress = Progress().Matches(midway.StandardError);
        Assert.True(progress.Count >= 1, midway.ToString());
        var errors = progress.Select(p => long.Parse(p.Groups["errors"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(errors.Order(), errors);
        Assert.True(errors[^1] > 0, midway.ToString());
    }

    [Theory]
    [InlineData("{\"id\": {{random.number(5)}, \"x\": 1}", "Unterminated token at line 1, column 8")]
    [InlineData("{\n  \"status\": \"{{random.arrayElemnt([\"OK\"])}}\"\n}", "Invalid method: random.arrayElemnt (the token at line 2, column 14)")]
    [InlineData("{{random.weightedArrayElement({\"weights\":[1,2],\"data\":[\"a\"]})}}", "Bad argument of random.weightedArrayElement at line 1, column 31")]
    public async Task A_malformed_template_is_refused_before_anything_is_sent(string template, string message)
    {
        var file = server.WriteFile("bad-" + Guid.NewGuid().ToString("N") + ".json", template);
        var topic = "never-" + Guid.NewGuid().ToString("N")[..8];
        var result = await server.GenerateAsync(TimeSpan.FromSeconds(60), "--template", file, "--rate", "10", "--count", "10", "--to", "kafka:" + topic);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.StandardError);
        Assert.Equal("", result.StandardOutput);
        // Nothing reached the broker: not even the topic exists (the generator creates it when it connects).
        InteropClients.RequireKcat();
        var metadata = (await ClientProcess.RunAsync("kcat", ["-L", "-b", server.Bootstrap, "-J"], TimeSpan.FromSeconds(30))).EnsureSuccess();
        Assert.DoesNotContain(topic, metadata.StandardOutput);
    }

    [GeneratedRegex(@"^Sent (?<sent>\d+) records to (?<target>\S+) in (?<seconds>[\d.]+) s \(\d+ records/s\), (?<errors>\d+) errors\.$", RegexOptions.Multiline)]
    private static partial Regex Summary();

    [GeneratedRegex(@"^generate: (?<rate>[\d,]+) records/s, (?<sent>[\d,]+) sent, (?<errors>[\d,]+) errors, \d+ s$", RegexOptions.Multiline)]
    private static partial Regex Progress();
}
