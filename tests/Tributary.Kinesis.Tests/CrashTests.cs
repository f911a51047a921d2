using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// kill -9 during PutRecords: boto3 writes batches of 100 and prints every record it got a sequence number for;
/// the server is killed with SIGKILL mid-run and restarted on the same data; every acknowledged record must then
/// be readable with its sequence number and data (PutRecords answers only after the batch is fsynced).
/// </summary>
[Trait("Category", "crash")]
public class CrashTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Every_acknowledged_record_survives_kill_9_during_PutRecords()
    {
        await AwsClients.RequireBoto3();
        var server = new KinesisServer();
        await server.StartAsync();
        try
        {
            const string Stream = "crash";
            await CallAsync(server, "CreateStream", new { StreamName = Stream, ShardCount = 3 });

            var start = new ProcessStartInfo(AwsClients.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AwsClients.Scripts, "kinesis_crash_producer.py"));
            start.ArgumentList.Add(server.Endpoint);
            start.ArgumentList.Add(Stream);
            using var producer = Process.Start(start)!;
            var acknowledged = new List<(string Shard, string Sequence, string Data)>();
            var killed = false;
            var stderr = producer.StandardError.ReadToEndAsync();
            while (await producer.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
            {
                var parts = line.Split(' ');
                if (parts[0] == "ACK")
                {
                    acknowledged.Add((parts[1], parts[2], parts[3]));
                }
                if (!killed && acknowledged.Count >= 3000)
                {
                    await server.KillAsync();
                    killed = true;
                }
            }
            await producer.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(killed, "the producer stopped before the server was killed:\n" + await stderr);
            Assert.True(producer.ExitCode == 0, "producer failed:\n" + await stderr);

            await server.StartAsync();
            var stored = new Dictionary<string, (string Shard, string Data)>();
            foreach (var shard in new[] { "shardId-000000000000", "shardId-000000000001", "shardId-000000000002" })
            {
                var iterator = (await CallAsync(server, "GetShardIterator", new { StreamName = Stream, ShardId = shard, ShardIteratorType = "TRIM_HORIZON" })).GetProperty("ShardIterator").GetString();
                while (iterator is not null)
                {
                    var page = await CallAsync(server, "GetRecords", new { ShardIterator = iterator });
                    var records = page.GetProperty("Records");
                    foreach (var record in records.EnumerateArray())
                    {
                        stored[record.GetProperty("SequenceNumber").GetString()!] = (shard, Encoding.UTF8.GetString(record.GetProperty("Data").GetBytesFromBase64()));
                    }
                    iterator = records.GetArrayLength() == 0 ? null : page.GetProperty("NextShardIterator").GetString();
                }
            }
            Assert.True(acknowledged.Count >= 3000);
            foreach (var (shard, sequence, data) in acknowledged)
            {
                Assert.True(stored.TryGetValue(sequence, out var found), $"acknowledged record {data} ({sequence}) is missing after kill -9");
                Assert.Equal((shard, data), found);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<JsonElement> CallAsync(KinesisServer server, string operation, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/") { Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        AwsClients.Sign(request);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation}: {response.StatusCode} {text}");
        // Operations without an output shape (CreateStream...) answer no body at all, as AWS does.
        return JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
    }
}
