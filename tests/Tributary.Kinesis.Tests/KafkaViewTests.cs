using System.Net.Http.Headers;
using System.Text.Json;

namespace Tributary.Kinesis.Tests;

/// <summary>A Kinesis stream read by a Kafka client (kcat) as the topic kinesis.&lt;stream&gt;: partition = shard, key = partition key, value = data.</summary>
[Trait("Category", "process")]
public class KafkaViewTests(KinesisServer server) : IClassFixture<KinesisServer>
{
    [Fact]
    public async Task Kcat_reads_a_stream_as_a_topic_with_shards_as_partitions()
    {
        InteropClients.RequireKcat();
        using var http = new HttpClient();
        var name = "view-" + Guid.NewGuid().ToString("N")[..8];
        await CallAsync(http, "CreateStream", new { StreamName = name, ShardCount = 2 });
        var put = await CallAsync(http, "PutRecords", new
        {
            StreamName = name,
            Records = new[]
            {
                new { Data = Convert.ToBase64String("low"u8), PartitionKey = "a", ExplicitHashKey = "0" },
                new { Data = Convert.ToBase64String("high"u8), PartitionKey = "b", ExplicitHashKey = "340282366920938463463374607431768211455" },
            },
        });
        Assert.Equal(0, put.GetProperty("FailedRecordCount").GetInt32());
        var result = (await ClientProcess.RunAsync("kcat", ["-b", $"127.0.0.1:{server.KafkaPort}", "-C", "-t", "kinesis." + name, "-o", "beginning", "-e", "-q", "-f", "%p %k %s %o\\n"], TimeSpan.FromSeconds(60))).EnsureSuccess();
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray();
        Assert.Equal(["0 a low 0", "1 b high 0"], lines);
    }

    private async Task<JsonElement> CallAsync(HttpClient http, string operation, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/") { Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        AwsClients.Sign(request);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation}: {response.StatusCode} {text}");
        // Operations without an output shape (CreateStream...) answer no body at all, as AWS does.
        return JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
    }
}
