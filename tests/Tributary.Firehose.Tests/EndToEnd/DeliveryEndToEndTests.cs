using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Firehose.Tests.EndToEnd;

/// <summary>
/// Delivery streams end to end: the real server as a process, driven by the AWS CLI (control plane, PutRecord and
/// PutRecordBatch), kcat (producing to a topic), a Python transformation endpoint, jq 1.6 (partition-key parity) and
/// DuckDB (reading the Parquet objects). Objects go to a local directory laid out as bucket/key.
/// </summary>
[Trait("Category", "process")]
public sealed class DeliveryEndToEndTests
{
    private const string Role = "arn:aws:iam::000000000000:role/firehose";

    private static string WriteJson(string directory, string name, JsonNode json)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static JsonObject Destination(string bucket, string? prefix, int sizeMb, int intervalSeconds, string compression = "GZIP") => new()
    {
        ["RoleARN"] = Role,
        ["BucketARN"] = "arn:aws:s3:::" + bucket,
        ["Prefix"] = prefix,
        ["BufferingHints"] = new JsonObject { ["SizeInMBs"] = sizeMb, ["IntervalInSeconds"] = intervalSeconds },
        ["CompressionFormat"] = compression,
    };

    /// <summary>A stream reading a topic of the embedded cluster from its start; kcat strips the newline of each
    /// message, so AppendDelimiterToRecord puts one back (what Firehose users do for newline-delimited JSON).</summary>
    private static JsonObject MskStream(string name, string topic, JsonObject destination)
    {
        destination["ProcessingConfiguration"] = new JsonObject
        {
            ["Enabled"] = true,
            ["Processors"] = new JsonArray { new JsonObject { ["Type"] = "AppendDelimiterToRecord", ["Parameters"] = new JsonArray() } },
        };
        return MskCreate(name, topic, destination);
    }

    private static JsonObject MskCreate(string name, string topic, JsonObject destination) => new()
    {
        ["DeliveryStreamName"] = name,
        ["DeliveryStreamType"] = "MSKAsSource",
        ["MSKSourceConfiguration"] = new JsonObject
        {
            ["MSKClusterARN"] = "arn:aws:kafka:us-east-1:000000000000:cluster/tributary/embedded",
            ["TopicName"] = topic,
            ["AuthenticationConfiguration"] = new JsonObject { ["RoleARN"] = Role, ["Connectivity"] = "PRIVATE" },
            ["ReadFromTimestamp"] = 0,
        },
        ["ExtendedS3DestinationConfiguration"] = destination,
    };

    private static List<string> Lines(IEnumerable<byte[]> objects) =>
        [.. objects.SelectMany(o => Encoding.UTF8.GetString(o).Split('\n', StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>Produces the lines of <paramref name="file"/> to a topic with kcat (acks=all).</summary>
    private static async Task KcatProduceAsync(DeliveryServer server, string topic, string file)
    {
        InteropClients.RequireKcat();
        (await ClientProcess.RunAsync("kcat", ["-P", "-b", server.Bootstrap, "-t", topic, "-X", "acks=all", "-l", file], TimeSpan.FromSeconds(120))).EnsureSuccess();
    }

    [Fact]
    public async Task A_stream_reading_a_topic_delivers_what_kcat_produced_once_each_in_gzip_objects()
    {
        await using var server = await DeliveryServer.StartAsync();
        var work = Path.Combine(server.Root, "work");
        (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json",
            "file://" + WriteJson(work, "create.json", MskStream("clicks-to-lake", "clicks", Destination("lake", "clicks/", 1, 1))))).EnsureSuccess();
        var described = await server.AwsJsonAsync("firehose", "describe-delivery-stream", "--delivery-stream-name", "clicks-to-lake");
        Assert.Equal("ACTIVE", described.GetProperty("DeliveryStreamDescription").GetProperty("DeliveryStreamStatus").GetString());
        var expected = Enumerable.Range(0, 20_000).Select(i => $"{{\"user\":\"u{i % 97}\",\"n\":{i}}}").ToList();
        var input = Path.Combine(work, "clicks.jsonl");
        await File.WriteAllLinesAsync(input, expected);
        await KcatProduceAsync(server, "clicks", input);
        await DeliveryServer.WaitForAsync(() => Lines(server.Objects("lake").Values).Count >= expected.Count, TimeSpan.FromSeconds(60),
            () => $"{expected.Count} records; have {Lines(server.Objects("lake").Values).Count}\n{server.Output}");
        var objects = server.Objects("lake");
        Assert.Equal(expected.Order(StringComparer.Ordinal), Lines(objects.Values).Order(StringComparer.Ordinal));
        Assert.All(objects.Keys, key => Assert.Matches(@"^clicks/\d{4}/\d{2}/\d{2}/\d{2}/clicks-to-lake-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}\.gz$", key));
        var list = await server.AwsJsonAsync("firehose", "list-delivery-streams");
        Assert.Equal(["clicks-to-lake"], list.GetProperty("DeliveryStreamNames").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Two_instances_share_an_external_clusters_topic_as_one_consumer_group()
    {
        // The "external" cluster is a third Tributary broker reached over TCP by Tributary's own Kafka client.
        await using var cluster = await DeliveryServer.StartAsync("num.partitions=6");
        await using var first = await DeliveryServer.StartAsync();
        await using var second = await DeliveryServer.StartAsync();
        var work = Path.Combine(cluster.Root, "work");
        InteropClients.RequireKcat();
        var expected = Enumerable.Range(0, 6_000).Select(i => $"{{\"n\":{i}}}").ToList();
        var input = Path.Combine(work, "external.jsonl");
        Directory.CreateDirectory(work);
        await File.WriteAllLinesAsync(input, expected);
        InteropClients.RequireKafkaPython();
        // A first record creates the topic (6 partitions by the cluster's num.partitions) before the members join.
        var first10 = Path.Combine(work, "first.jsonl");
        await File.WriteAllLinesAsync(first10, ["{\"first\":true}"]);
        (await ClientProcess.RunAsync("kcat", ["-P", "-b", cluster.Bootstrap, "-t", "external", "-X", "acks=all", "-l", first10], TimeSpan.FromSeconds(60))).EnsureSuccess();
        expected.Add("{\"first\":true}");
        foreach (var instance in new[] { first, second })
        {
            var create = MskStream("shared", "external", Destination("lake", "ext/", 1, 1));
            create["MSKSourceConfiguration"]!["BootstrapServers"] = cluster.Bootstrap;
            create["MSKSourceConfiguration"]!["ConsumerGroup"] = "lake-loaders";
            create["MSKSourceConfiguration"]!["ReadFromTimestamp"] = 0;
            (await instance.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + WriteJson(Path.Combine(instance.Root, "work"), "create.json", create))).EnsureSuccess();
        }
        // Wait until both instances are members of the group (kafka-python's admin client, on the cluster), then
        // produce with a random partitioner so that every one of the 6 partitions, and so both members, get records
        // (sticky partitioning off: librdkafka otherwise keeps keyless records on one partition for 10 ms, which can be
        // the whole burst).
        const string Members = "import sys\nfrom kafka.admin import KafkaAdminClient\na = KafkaAdminClient(bootstrap_servers=sys.argv[1])\n"
            + "g = a.describe_consumer_groups(['lake-loaders'])[0]\nprint(g.state, len(g.members))\n";
        await DeliveryServer.WaitForAsync(() =>
        {
            var result = ClientProcess.RunAsync(InteropClients.Python, ["-c", Members, cluster.Bootstrap], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            return result.ExitCode == 0 && result.StandardOutput.Trim() == "Stable 2";
        }, TimeSpan.FromSeconds(60), () => "two stable members of lake-loaders\n" + first.Output + "\n" + second.Output);
        (await ClientProcess.RunAsync("kcat", ["-P", "-b", cluster.Bootstrap, "-t", "external", "-X", "acks=all", "-X", "topic.partitioner=random", "-X", "sticky.partitioning.linger.ms=0", "-l", input], TimeSpan.FromSeconds(120))).EnsureSuccess();
        int Delivered() => Lines(first.Objects("lake").Values).Count + Lines(second.Objects("lake").Values).Count;
        await DeliveryServer.WaitForAsync(() => Delivered() >= expected.Count, TimeSpan.FromSeconds(120),
            () => $"{expected.Count} records; have {Delivered()}\n{first.Output}\n{second.Output}");
        await first.WaitForIdleAsync();
        await second.WaitForIdleAsync();
        var fromFirst = Lines(first.Objects("lake").Values);
        var fromSecond = Lines(second.Objects("lake").Values);
        Assert.Equal(expected.Order(StringComparer.Ordinal), fromFirst.Concat(fromSecond).Order(StringComparer.Ordinal));
        // Both members of the group got partitions (a range assignment of 6 partitions over 2 members).
        if (fromFirst.Count == 0 || fromSecond.Count == 0)
        {
            const string Assignment = "import sys\nfrom kafka.admin import KafkaAdminClient\na = KafkaAdminClient(bootstrap_servers=sys.argv[1])\n"
                + "g = a.describe_consumer_groups(['lake-loaders'])[0]\nprint(g.state, g.generation if hasattr(g, 'generation') else '')\n"
                + "[print(m.member_id, m.client_host, m.member_assignment.assignment if m.member_assignment else None) for m in g.members]\n"
                + "print(a.list_consumer_group_offsets('lake-loaders'))\n";
            var described = await ClientProcess.RunAsync(InteropClients.Python, ["-c", Assignment, cluster.Bootstrap], TimeSpan.FromSeconds(30));
            Assert.Fail($"both members deliver: {fromFirst.Count} and {fromSecond.Count} records\n{described.StandardOutput}{described.StandardError}\n"
                + $"first objects: {string.Join(", ", first.Objects("lake").Keys)}\nsecond objects: {string.Join(", ", second.Objects("lake").Keys)}");
        }
        // The group's committed offsets are on the cluster, so Kafka tools see the delivery lag (zero once delivered).
        await DeliveryServer.WaitForAsync(() =>
        {
            var metrics = cluster.MetricsAsync().GetAwaiter().GetResult();
            var lags = metrics.Split('\n').Where(l => l.StartsWith("tributary_consumer_group_lag{group=\"lake-loaders\"", StringComparison.Ordinal)).ToList();
            return lags.Count == 6 && lags.All(l => l.EndsWith(" 0", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), () => "zero lag for lake-loaders\n" + cluster.MetricsAsync().GetAwaiter().GetResult());
    }

    [Fact]
    public async Task PutRecordBatch_and_PutRecord_are_delivered_once_each()
    {
        await using var server = await DeliveryServer.StartAsync();
        var work = Path.Combine(server.Root, "work");
        var create = new JsonObject
        {
            ["DeliveryStreamName"] = "puts",
            ["DeliveryStreamType"] = "DirectPut",
            ["ExtendedS3DestinationConfiguration"] = Destination("puts-bucket", "direct/", 1, 1),
        };
        (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + WriteJson(work, "create.json", create))).EnsureSuccess();
        var expected = new List<string>();
        for (var batch = 0; batch < 4; batch++)
        {
            var records = new JsonArray();
            for (var i = 0; i < 500; i++)
            {
                var line = $"{{\"batch\":{batch},\"i\":{i}}}";
                expected.Add(line);
                records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(line + "\n")) });
            }
            var result = await server.AwsJsonAsync("firehose", "put-record-batch", "--delivery-stream-name", "puts", "--records", "file://" + WriteJson(work, $"batch{batch}.json", records));
            Assert.Equal(0, result.GetProperty("FailedPutCount").GetInt32());
            Assert.Equal(500, result.GetProperty("RequestResponses").GetArrayLength());
        }
        var single = await server.AwsJsonAsync("firehose", "put-record", "--delivery-stream-name", "puts", "--record", "Data=" + Convert.ToBase64String("{\"single\":true}\n"u8.ToArray()));
        Assert.False(string.IsNullOrEmpty(single.GetProperty("RecordId").GetString()));
        expected.Add("{\"single\":true}");
        await DeliveryServer.WaitForAsync(() => Lines(server.Objects("puts-bucket").Values).Count >= expected.Count, TimeSpan.FromSeconds(60),
            () => $"{expected.Count} records\n{server.Output}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), Lines(server.Objects("puts-bucket").Values).Order(StringComparer.Ordinal));
        // The stream's figures on the admin port, under Firehose's metric names. An object becomes visible in the
        // bucket before its checkpoint commits, and the delivered counters move with the commit: wait for them.
        var metrics = "";
        await Eventually.HoldsAsync(async () =>
        {
            metrics = await server.MetricsAsync();
            return metrics.Contains("tributary_delivery_delivered_records_total{stream=\"puts\"} 2001\n", StringComparison.Ordinal);
        }, () => "delivered_records_total to reach 2001; metrics:\n" + metrics, TimeSpan.FromSeconds(30));
        Assert.Contains("tributary_delivery_incoming_records_total{stream=\"puts\"} 2001\n", metrics, StringComparison.Ordinal);
        Assert.Contains("tributary_delivery_incoming_put_requests_total{stream=\"puts\"} 5\n", metrics, StringComparison.Ordinal);
        Assert.Contains("tributary_delivery_delivered_records_total{stream=\"puts\"} 2001\n", metrics, StringComparison.Ordinal);
        Assert.Contains("tributary_delivery_data_freshness_seconds{stream=\"puts\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Matches("tributary_delivery_delivered_objects_total\\{stream=\"puts\"\\} [1-9]", metrics);
        var missing = await server.AwsAsync("firehose", "put-record", "--delivery-stream-name", "nope", "--record", "Data=eA==");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("ResourceNotFoundException", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streams_declared_in_the_configuration_file_and_created_through_the_API_persist_across_restarts()
    {
        var declared = Path.Combine(Path.GetTempPath(), "tributary-declared-" + Guid.NewGuid().ToString("N") + ".json");
        var streams = new JsonArray
        {
            new JsonObject
            {
                ["DeliveryStreamName"] = "declared",
                ["DeliveryStreamType"] = "DirectPut",
                ["ExtendedS3DestinationConfiguration"] = Destination("declared-bucket", "from-config/", 1, 1),
            },
        };
        await File.WriteAllTextAsync(declared, streams.ToJsonString());
        try
        {
            await using var server = await DeliveryServer.StartAsync($"delivery.streams.file={declared}");
            var work = Path.Combine(server.Root, "work");
            var description = await server.AwsJsonAsync("firehose", "describe-delivery-stream", "--delivery-stream-name", "declared");
            Assert.Equal("from-config/", description.GetProperty("DeliveryStreamDescription").GetProperty("Destinations")[0]
                .GetProperty("ExtendedS3DestinationDescription").GetProperty("Prefix").GetString());
            var create = new JsonObject { ["DeliveryStreamName"] = "api-made", ["ExtendedS3DestinationConfiguration"] = Destination("declared-bucket", "from-api/", 1, 1) };
            (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + WriteJson(work, "create.json", create))).EnsureSuccess();
            (await server.AwsAsync("firehose", "tag-delivery-stream", "--delivery-stream-name", "api-made", "--tags", "Key=team,Value=data")).EnsureSuccess();
            await server.RestartAsync();
            var names = (await server.AwsJsonAsync("firehose", "list-delivery-streams")).GetProperty("DeliveryStreamNames").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(["api-made", "declared"], names);
            var tags = await server.AwsJsonAsync("firehose", "list-tags-for-delivery-stream", "--delivery-stream-name", "api-made");
            Assert.Equal("data", tags.GetProperty("Tags")[0].GetProperty("Value").GetString());
            foreach (var name in new[] { "declared", "api-made" })
            {
                (await server.AwsAsync("firehose", "put-record", "--delivery-stream-name", name, "--record", "Data=" + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"to\":\"{name}\"}}\n")))).EnsureSuccess();
            }
            await DeliveryServer.WaitForAsync(() => Lines(server.Objects("declared-bucket").Values).Count >= 2, TimeSpan.FromSeconds(60), () => "two records\n" + server.Output);
            var objects = server.Objects("declared-bucket");
            Assert.Contains(objects, o => o.Key.StartsWith("from-config/", StringComparison.Ordinal) && Encoding.UTF8.GetString(o.Value).Contains("declared", StringComparison.Ordinal));
            Assert.Contains(objects, o => o.Key.StartsWith("from-api/", StringComparison.Ordinal) && Encoding.UTF8.GetString(o.Value).Contains("api-made", StringComparison.Ordinal));
            (await server.AwsAsync("firehose", "delete-delivery-stream", "--delivery-stream-name", "api-made")).EnsureSuccess();
            var after = (await server.AwsJsonAsync("firehose", "list-delivery-streams")).GetProperty("DeliveryStreamNames").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(["declared"], after);
        }
        finally
        {
            File.Delete(declared);
        }
    }

    [Fact]
    public async Task Dynamic_partitioning_keys_match_jq_and_malformed_json_goes_to_the_error_output()
    {
        Assert.True(File.Exists("/usr/bin/jq"), "jq 1.6 is not installed: run ./test.sh (Debian package jq)");
        await using var server = await DeliveryServer.StartAsync();
        var work = Path.Combine(server.Root, "work");
        const string Query = "{customer: .customer_id | ascii_downcase, day: (.ts | strftime(\"%Y-%m-%d\"))}";
        var destination = Destination("partitioned", "customer=!{partitionKeyFromQuery:customer}/day=!{partitionKeyFromQuery:day}/", 64, 1);
        destination["ErrorOutputPrefix"] = "errors/!{firehose:error-output-type}/!{timestamp:yyyy}/";
        destination["DynamicPartitioningConfiguration"] = new JsonObject { ["Enabled"] = true };
        destination["ProcessingConfiguration"] = new JsonObject
        {
            ["Enabled"] = true,
            ["Processors"] = new JsonArray
            {
                new JsonObject
                {
                    ["Type"] = "MetadataExtraction",
                    ["Parameters"] = new JsonArray
                    {
                        new JsonObject { ["ParameterName"] = "MetadataExtractionQuery", ["ParameterValue"] = Query },
                        new JsonObject { ["ParameterName"] = "JsonParsingEngine", ["ParameterValue"] = "JQ-1.6" },
                    },
                },
                new JsonObject { ["Type"] = "AppendDelimiterToRecord", ["Parameters"] = new JsonArray() },
            },
        };
        var create = new JsonObject { ["DeliveryStreamName"] = "by-customer", ["DeliveryStreamType"] = "DirectPut", ["ExtendedS3DestinationConfiguration"] = destination };
        (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + WriteJson(work, "create.json", create))).EnsureSuccess();
        var good = Enumerable.Range(0, 300).Select(i => $"{{\"customer_id\":\"C{i % 4}\",\"ts\":{1700000000 + i * 7200},\"i\":{i}}}").ToList();
        var malformed = new List<string> { "{\"customer_id\": \"C1\", ", "not json at all", "{\"customer_id\":\"C9\",\"ts\":\"yesterday\"}" };
        var records = new JsonArray();
        foreach (var line in good.Concat(malformed))
        {
            records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(line)) });
        }
        var put = await server.AwsJsonAsync("firehose", "put-record-batch", "--delivery-stream-name", "by-customer", "--records", "file://" + WriteJson(work, "records.json", records));
        Assert.Equal(0, put.GetProperty("FailedPutCount").GetInt32());
        bool Done()
        {
            var objects = server.Objects("partitioned");
            return Lines(objects.Where(o => !o.Key.StartsWith("errors/", StringComparison.Ordinal)).Select(o => o.Value)).Count >= good.Count
                && Lines(objects.Where(o => o.Key.StartsWith("errors/", StringComparison.Ordinal)).Select(o => o.Value)).Count >= malformed.Count;
        }
        await DeliveryServer.WaitForAsync(Done, TimeSpan.FromSeconds(60), () => "all records\n" + server.Output);
        var all = server.Objects("partitioned");
        var data = all.Where(o => !o.Key.StartsWith("errors/", StringComparison.Ordinal)).ToList();
        Assert.Equal(good.Order(StringComparer.Ordinal), Lines(data.Select(o => o.Value)).Order(StringComparer.Ordinal));
        // Parity with jq 1.6: every record's keys, as jq computes them, are the ones its object's prefix names.
        var inputFile = Path.Combine(work, "parity.jsonl");
        var pairs = data.SelectMany(o => Lines([o.Value]).Select(line => (o.Key, line))).ToList();
        await File.WriteAllLinesAsync(inputFile, pairs.Select(p => p.line));
        var jq = (await ClientProcess.RunAsync("/usr/bin/jq", ["-c", Query, inputFile], TimeSpan.FromSeconds(60))).EnsureSuccess();
        var jqKeys = jq.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(pairs.Count, jqKeys.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            Assert.StartsWith($"customer={(string)jqKeys[i]["customer"]!}/day={(string)jqKeys[i]["day"]!}/by-customer-1-", pairs[i].Key);
        }
        Assert.Equal(jqKeys.Select(k => k.ToJsonString()).Distinct().Count(), data.Select(o => o.Key[..o.Key.IndexOf("/by-customer", StringComparison.Ordinal)]).Distinct().Count());
        var errors = all.Where(o => o.Key.StartsWith("errors/processing-failed/", StringComparison.Ordinal)).SelectMany(o => Lines([o.Value])).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(malformed.Order(StringComparer.Ordinal), errors.Select(e => Encoding.UTF8.GetString(Convert.FromBase64String((string)e["rawData"]!))).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal("DynamicPartitioning.MetadataExtractionFailed", (string)e["errorCode"]!));
    }

    [Fact]
    public async Task A_transformation_endpoint_drops_rewrites_and_fails_records()
    {
        await using var server = await DeliveryServer.StartAsync();
        var (transform, port) = await StartTransformServerAsync();
        using var stopTransform = transform;
        var work = Path.Combine(server.Root, "work");
        var destination = Destination("transformed", "ok/", 1, 1, "UNCOMPRESSED");
        destination["ErrorOutputPrefix"] = "failed/!{firehose:error-output-type}/";
        destination["ProcessingConfiguration"] = new JsonObject
        {
            ["Enabled"] = true,
            ["Processors"] = new JsonArray
            {
                new JsonObject
                {
                    ["Type"] = "Lambda",
                    ["Parameters"] = new JsonArray { new JsonObject { ["ParameterName"] = "LambdaArn", ["ParameterValue"] = $"http://127.0.0.1:{port}/" } },
                },
            },
        };
        var create = new JsonObject { ["DeliveryStreamName"] = "transform", ["DeliveryStreamType"] = "DirectPut", ["ExtendedS3DestinationConfiguration"] = destination };
        (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + WriteJson(work, "create.json", create))).EnsureSuccess();
        var records = new JsonArray();
        for (var n = 0; n < 90; n++)
        {
            records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"n\":{n}}}")) });
        }
        (await server.AwsAsync("firehose", "put-record-batch", "--delivery-stream-name", "transform", "--records", "file://" + WriteJson(work, "records.json", records))).EnsureSuccess();
        await DeliveryServer.WaitForAsync(() =>
        {
            var objects = server.Objects("transformed");
            return Lines(objects.Where(o => o.Key.StartsWith("ok/", StringComparison.Ordinal)).Select(o => o.Value)).Count >= 30
                && Lines(objects.Where(o => o.Key.StartsWith("failed/", StringComparison.Ordinal)).Select(o => o.Value)).Count >= 30;
        }, TimeSpan.FromSeconds(60), () => "transformed and failed records\n" + server.Output);
        var all = server.Objects("transformed");
        var ok = Lines(all.Where(o => o.Key.StartsWith("ok/", StringComparison.Ordinal)).Select(o => o.Value)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Enumerable.Range(0, 90).Where(n => n % 3 == 1), ok.Select(r => (int)r["n"]!).Order());
        Assert.All(ok, r => Assert.True((bool)r["transformed"]!));
        var failed = Lines(all.Where(o => o.Key.StartsWith("failed/processing-failed/", StringComparison.Ordinal)).Select(o => o.Value)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Enumerable.Range(0, 90).Where(n => n % 3 == 2), failed.Select(e => (int)JsonNode.Parse(Convert.FromBase64String((string)e["rawData"]!))!["n"]!).Order());
        Assert.All(failed, e =>
        {
            Assert.Equal("Lambda.ProcessingFailed", (string)e["errorCode"]!);
            Assert.NotNull(e["attemptsMade"]);
            Assert.NotNull(e["arrivalTimestamp"]);
            Assert.NotNull(e["attemptEndingTimestamp"]);
            Assert.NotNull(e["errorMessage"]);
        });
    }

    [Fact]
    public async Task Parquet_output_is_read_back_by_DuckDB()
    {
        var duckdb = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "formats-node");
        Assert.True(Directory.Exists(Path.Combine(duckdb, "node_modules", "@duckdb", "node-api")), "DuckDB is not installed: run ./test.sh (npm ci in tests/interop/formats-node)");
        await using var server = await DeliveryServer.StartAsync();
        var work = Path.Combine(server.Root, "work");
        var destination = Destination("tables", "events/", 64, 1, "UNCOMPRESSED");
        destination["ErrorOutputPrefix"] = "errors/!{firehose:error-output-type}/";
        destination["DataFormatConversionConfiguration"] = new JsonObject
        {
            ["Enabled"] = true,
            ["InputFormatConfiguration"] = new JsonObject { ["Deserializer"] = new JsonObject { ["OpenXJsonSerDe"] = new JsonObject() } },
            ["OutputFormatConfiguration"] = new JsonObject { ["Serializer"] = new JsonObject { ["ParquetSerDe"] = new JsonObject { ["Compression"] = "SNAPPY" } } },
            ["SchemaConfiguration"] = new JsonObject { ["RoleARN"] = Role, ["Schema"] = "id bigint, name string, score double" },
        };
        var create = new JsonObject { ["DeliveryStreamName"] = "to-parquet", ["DeliveryStreamType"] = "DirectPut", ["ExtendedS3DestinationConfiguration"] = destination };
        (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + WriteJson(work, "create.json", create))).EnsureSuccess();
        var records = new JsonArray();
        for (var i = 0; i < 200; i++)
        {
            records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"id\":{i},\"name\":\"n{i}\",\"score\":{i}.5}}\n")) });
        }
        records.Add(new JsonObject { ["Data"] = Convert.ToBase64String("{\"id\":\"not a number\"}\n"u8.ToArray()) });
        (await server.AwsAsync("firehose", "put-record-batch", "--delivery-stream-name", "to-parquet", "--records", "file://" + WriteJson(work, "records.json", records))).EnsureSuccess();
        await DeliveryServer.WaitForAsync(() => server.Objects("tables").Keys.Any(k => k.EndsWith(".parquet", StringComparison.Ordinal))
            && server.Objects("tables").Keys.Any(k => k.StartsWith("errors/format-conversion-failed/", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), () => "a Parquet object\n" + server.Output);
        var key = server.Objects("tables").Keys.Single(k => k.EndsWith(".parquet", StringComparison.Ordinal));
        Assert.Matches(@"^events/\d{4}/\d{2}/\d{2}/\d{2}/to-parquet-1-.*\.parquet$", key);
        var file = Path.Combine(server.ObjectsDirectory, "tables", key);
        var rows = (await ClientProcess.RunAsync(InteropClients.Node, [Path.Combine(duckdb, "duckdb_read.mjs"), "rows", file], TimeSpan.FromSeconds(60), workingDirectory: duckdb)).EnsureSuccess();
        var read = rows.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), read.Select(r => (long)r["id"]!).Order());
        Assert.All(read, r => Assert.Equal($"n{(long)r["id"]!}", (string)r["name"]!));
        Assert.All(read, r => Assert.Equal((long)r["id"]! + 0.5, (double)r["score"]!));
    }

    [Fact]
    public async Task Killing_the_server_repeatedly_during_delivery_leaves_every_record_in_exactly_one_object()
    {
        await using var server = await DeliveryServer.StartAsync();
        var work = Path.Combine(server.Root, "work");
        (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json",
            "file://" + WriteJson(work, "create.json", MskStream("crashy", "crash-topic", Destination("crash", "c/", 1, 1))))).EnsureSuccess();
        var expected = new List<string>();
        var random = new Random(20261122);
        for (var round = 0; round < 4; round++)
        {
            var lines = Enumerable.Range(0, 5_000).Select(i => $"{{\"round\":{round},\"i\":{i},\"pad\":\"{new string('x', 100)}\"}}").ToList();
            expected.AddRange(lines);
            var input = Path.Combine(work, $"round{round}.jsonl");
            await File.WriteAllLinesAsync(input, lines);
            await KcatProduceAsync(server, "crash-topic", input);
            // Kill while the engine is between reading, spooling, saving its state and uploading.
            await Task.Delay(random.Next(100, 1200));
            await server.KillAsync();
            await server.StartAgainAsync();
        }
        await DeliveryServer.WaitForAsync(() => Lines(server.Objects("crash").Values).Count >= expected.Count, TimeSpan.FromSeconds(90),
            () => $"{expected.Count} records; have {Lines(server.Objects("crash").Values).Count}\n{server.Output}");
        // Once nothing is in flight, check that nothing is duplicated or missing.
        await server.WaitForIdleAsync();
        var delivered = Lines(server.Objects("crash").Values);
        var duplicates = delivered.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).Take(3).ToList();
        Assert.True(duplicates.Count == 0, "duplicated: " + string.Join('\n', duplicates));
        Assert.Equal(expected.Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
    }

    /// <summary>The transformation endpoint on a port it binds itself (0) and names in its "ready PORT" line.</summary>
    private static async Task<(BackgroundProcess Process, int Port)> StartTransformServerAsync()
    {
        var script = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "firehose", "transform_server.py");
        var process = BackgroundProcess.Start(FirehoseClients.Python, [script], "ready");
        var line = await process.WaitForLineAsync(TimeSpan.FromSeconds(30));
        return (process, int.Parse(line["ready ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A helper program that runs beside the test (a transformation endpoint), killed on dispose.</summary>
    private sealed class BackgroundProcess : IDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly StringBuilder _output = new();
        private readonly string _expect;

        private BackgroundProcess(Process process, string expect)
        {
            _process = process;
            _expect = expect;
        }

        public static BackgroundProcess Start(string file, IEnumerable<string> args, string readyText)
        {
            var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            var process = new BackgroundProcess(Process.Start(start)!, readyText);
            process._process.OutputDataReceived += (_, e) => process.Line(e.Data);
            process._process.ErrorDataReceived += (_, e) => process.Line(e.Data);
            process._process.BeginOutputReadLine();
            process._process.BeginErrorReadLine();
            return process;
        }

        private void Line(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(line);
            }
            if (line.Contains(_expect, StringComparison.Ordinal))
            {
                _ready.TrySetResult(line);
            }
        }

        /// <summary>The first line that contains the expected text.</summary>
        public async Task<string> WaitForLineAsync(TimeSpan timeout)
        {
            var first = await Task.WhenAny(_ready.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
            Assert.True(first == _ready.Task, "the helper process did not start:\n" + _output);
            return await _ready.Task;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
    }
}
