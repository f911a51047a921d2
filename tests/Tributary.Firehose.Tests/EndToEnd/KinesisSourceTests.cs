using System.Text;
using System.Text.Json.Nodes;
using Tributary.Firehose.Processing;

namespace Tributary.Firehose.Tests.EndToEnd;

/// <summary>
/// KinesisStreamAsSource: a delivery stream reading a stream of the server's own Kinesis API, across a split and a
/// merge, with KPL aggregated records de-aggregated. All through the AWS CLI against the real server.
/// </summary>
[Trait("Category", "process")]
public sealed class KinesisSourceTests
{
    [Fact]
    public async Task A_Kinesis_stream_is_delivered_across_resharding_with_KPL_records_deaggregated()
    {
        await using var server = await DeliveryServer.StartAsync();
        var work = Path.Combine(server.Root, "work");
        Directory.CreateDirectory(work);
        (await server.AwsAsync("kinesis", "create-stream", "--stream-name", "source", "--shard-count", "1")).EnsureSuccess();
        var streamArn = (await server.AwsJsonAsync("kinesis", "describe-stream-summary", "--stream-name", "source"))
            .GetProperty("StreamDescriptionSummary").GetProperty("StreamARN").GetString()!;
        var create = new JsonObject
        {
            ["DeliveryStreamName"] = "from-kinesis",
            ["DeliveryStreamType"] = "KinesisStreamAsSource",
            ["KinesisStreamSourceConfiguration"] = new JsonObject { ["KinesisStreamARN"] = streamArn, ["RoleARN"] = "arn:aws:iam::000000000000:role/firehose" },
            ["ExtendedS3DestinationConfiguration"] = new JsonObject
            {
                ["RoleARN"] = "arn:aws:iam::000000000000:role/firehose",
                ["BucketARN"] = "arn:aws:s3:::kinesis-lake",
                ["BufferingHints"] = new JsonObject { ["SizeInMBs"] = 1, ["IntervalInSeconds"] = 1 },
                ["CompressionFormat"] = "GZIP",
                ["ProcessingConfiguration"] = new JsonObject
                {
                    ["Enabled"] = true,
                    ["Processors"] = new JsonArray { new JsonObject { ["Type"] = "AppendDelimiterToRecord", ["Parameters"] = new JsonArray() } },
                },
            },
        };
        var createFile = Path.Combine(work, "create.json");
        await File.WriteAllTextAsync(createFile, create.ToJsonString());
        (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + createFile)).EnsureSuccess();
        var expected = new List<string>();
        var sequence = 0;
        async Task PutAsync(int count)
        {
            var records = new JsonArray();
            for (var i = 0; i < count; i++)
            {
                var key = $"k{i % 5}";
                var line = $"{{\"key\":\"{key}\",\"seq\":{sequence++}}}";
                expected.Add(line);
                records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(line)), ["PartitionKey"] = key });
            }
            var file = Path.Combine(work, $"put{sequence}.json");
            await File.WriteAllTextAsync(file, records.ToJsonString());
            var result = await server.AwsJsonAsync("kinesis", "put-records", "--stream-name", "source", "--records", "file://" + file);
            Assert.Equal(0, result.GetProperty("FailedRecordCount").GetInt32());
        }
        async Task ActiveAsync()
        {
            var status = "";
            await Eventually.HoldsAsync(async () =>
            {
                status = (await server.AwsJsonAsync("kinesis", "describe-stream-summary", "--stream-name", "source"))
                    .GetProperty("StreamDescriptionSummary").GetProperty("StreamStatus").GetString()!;
                return status == "ACTIVE";
            }, "the stream ACTIVE again after resharding", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        }
        await PutAsync(200);
        // One KPL aggregated record carrying three user records.
        var aggregated = Deaggregation.BuildKpl([.. Enumerable.Range(0, 3).Select(i => ("kpl", Encoding.UTF8.GetBytes($"{{\"kpl\":{i}}}")))]);
        expected.AddRange(Enumerable.Range(0, 3).Select(i => $"{{\"kpl\":{i}}}"));
        (await server.AwsAsync("kinesis", "put-record", "--stream-name", "source", "--partition-key", "kpl", "--data", Convert.ToBase64String(aggregated))).EnsureSuccess();
        (await server.AwsAsync("kinesis", "split-shard", "--stream-name", "source", "--shard-to-split", "shardId-000000000000",
            "--new-starting-hash-key", "170141183460469231731687303715884105728")).EnsureSuccess();
        await ActiveAsync();
        await PutAsync(200);
        (await server.AwsAsync("kinesis", "merge-shards", "--stream-name", "source", "--shard-to-merge", "shardId-000000000001",
            "--adjacent-shard-to-merge", "shardId-000000000002")).EnsureSuccess();
        await ActiveAsync();
        await PutAsync(200);
        static List<string> Lines(IEnumerable<byte[]> objects) =>
            [.. objects.SelectMany(o => Encoding.UTF8.GetString(o).Split('\n', StringSplitOptions.RemoveEmptyEntries))];
        await DeliveryServer.WaitForAsync(() => Lines(server.Objects("kinesis-lake").Values).Count >= expected.Count, TimeSpan.FromSeconds(90),
            () => $"{expected.Count} records; have {Lines(server.Objects("kinesis-lake").Values).Count}\n{server.Output}");
        await server.WaitForIdleAsync();
        var objects = server.Objects("kinesis-lake");
        Assert.Equal(expected.Order(StringComparer.Ordinal), Lines(objects.Values).Order(StringComparer.Ordinal));
        // Within every object, each partition key's records are in the order they were put (children after parents).
        foreach (var o in objects.Values)
        {
            var seqs = Lines([o]).Select(l => JsonNode.Parse(l)!).Where(n => n["seq"] is not null).GroupBy(n => (string)n["key"]!);
            Assert.All(seqs, g => Assert.Equal(g.Select(n => (int)n["seq"]!).Order(), g.Select(n => (int)n["seq"]!)));
        }
    }
}
