using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tributary.Bench;

/// <summary>
/// Kinesis throughput from one load client against several servers in the same run (bench/kinesis/run.sh starts
/// them): PutRecords with 500 × 100-byte records a call from <c>--concurrency</c> requests in flight for
/// <c>--seconds</c>, then GetRecords (Limit 10,000) draining every shard from TRIM_HORIZON. Each server gets a
/// fresh 4-shard stream. Bodies are prepared once, so the client measures the servers, not JSON encoding.
/// Prints, per server, records/s for both, with the first target (kinesalite) as the reference.
/// Requests carry a well-formed but unverified SigV4 Authorization header, which the emulators insist on.
/// </summary>
public static class KinesisBenchmark
{
    private const int RecordsPerCall = 500;
    private const int RecordBytes = 100;
    private const int Shards = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        var targets = new List<(string Name, string Endpoint)>();
        var seconds = 10;
        var concurrency = 8;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--target":
                    var pair = args[++i].Split('=', 2);
                    targets.Add((pair[0], pair[1]));
                    break;
                case "--seconds":
                    seconds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--concurrency":
                    concurrency = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }
        if (targets.Count == 0)
        {
            Console.Error.WriteLine("usage: Tributary.Bench kinesis --target NAME=URL [--target NAME=URL ...] [--seconds N] [--concurrency N]  (the first target is the reference)");
            return 2;
        }
        var results = new List<(string Name, double Put, double Get)>();
        foreach (var (name, endpoint) in targets)
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { Timeout = TimeSpan.FromSeconds(60) };
            var stream = "bench" + Guid.NewGuid().ToString("N")[..8];
            await CallAsync(http, endpoint, "CreateStream", $"{{\"StreamName\":\"{stream}\",\"ShardCount\":{Shards}}}");
            await WaitActiveAsync(http, endpoint, stream);
            var put = await PutAsync(http, endpoint, stream, seconds, concurrency);
            var get = await GetAsync(http, endpoint, stream);
            Console.Error.WriteLine($"{name}: PutRecords {put.Records} records in {put.Seconds:F1} s = {put.Records / put.Seconds:F0}/s ({put.Failed} failed); GetRecords {get.Records} records in {get.Seconds:F2} s = {get.Records / get.Seconds:F0}/s");
            if (get.Records != put.Records)
            {
                Console.Error.WriteLine($"{name}: read {get.Records} records but {put.Records} were stored");
            }
            results.Add((name, put.Records / put.Seconds, get.Records / get.Seconds));
            try
            {
                await CallAsync(http, endpoint, "DeleteStream", $"{{\"StreamName\":\"{stream}\"}}");
            }
            catch (InvalidOperationException)
            {
                // Cleanup only.
            }
        }
        var reference = results[0];
        foreach (var (name, putRate, getRate) in results)
        {
            Report.Line("kinesis_put_records", name, putRate, "records/s", reference.Put, reference.Name, $"PutRecords 500 x {RecordBytes} B, {concurrency} in flight, {seconds} s, {Shards} shards");
            Report.Line("kinesis_get_records", name, getRate, "records/s", reference.Get, reference.Name, "GetRecords Limit 10000 from TRIM_HORIZON, shards drained one after another");
        }
        return 0;
    }

    private static async Task<(long Records, long Failed, double Seconds)> PutAsync(HttpClient http, string endpoint, string stream, int seconds, int concurrency)
    {
        // A few distinct bodies, so records spread over the shards by partition key.
        var bodies = new byte[16][];
        var random = new Random(500);
        for (var b = 0; b < bodies.Length; b++)
        {
            var json = new StringBuilder($"{{\"StreamName\":\"{stream}\",\"Records\":[");
            for (var r = 0; r < RecordsPerCall; r++)
            {
                var data = new byte[RecordBytes];
                random.NextBytes(data);
                json.Append(r == 0 ? "" : ",").Append("{\"Data\":\"").Append(Convert.ToBase64String(data)).Append("\",\"PartitionKey\":\"pk-").Append(random.Next()).Append("\"}");
            }
            bodies[b] = Encoding.UTF8.GetBytes(json.Append("]}").ToString());
        }
        long records = 0, failed = 0;
        var stopwatch = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var next = worker;
            while (stopwatch.Elapsed < deadline)
            {
                var answer = await SendAsync(http, endpoint, "PutRecords", bodies[next++ % bodies.Length]);
                var failures = (int)ScanNumber(answer, "FailedRecordCount"u8);
                Interlocked.Add(ref records, RecordsPerCall - failures);
                Interlocked.Add(ref failed, failures);
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return (records, failed, stopwatch.Elapsed.TotalSeconds);
    }

    private static async Task<(long Records, double Seconds)> GetAsync(HttpClient http, string endpoint, string stream)
    {
        long records = 0;
        var stopwatch = Stopwatch.StartNew();
        for (var shard = 0; shard < Shards; shard++)
        {
            var iterator = (await CallAsync(http, endpoint, "GetShardIterator", $"{{\"StreamName\":\"{stream}\",\"ShardId\":\"shardId-{shard:D12}\",\"ShardIteratorType\":\"TRIM_HORIZON\"}}"))
                .GetProperty("ShardIterator").GetString();
            while (iterator is not null)
            {
                var page = await SendAsync(http, endpoint, "GetRecords", Encoding.UTF8.GetBytes($"{{\"ShardIterator\":\"{iterator}\",\"Limit\":10000}}"));
                var (count, next) = ScanRecords(page);
                records += count;
                iterator = count == 0 ? null : next;
            }
        }
        return (records, stopwatch.Elapsed.TotalSeconds);
    }

    private static async Task WaitActiveAsync(HttpClient http, string endpoint, string stream)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var description = await CallAsync(http, endpoint, "DescribeStream", $"{{\"StreamName\":\"{stream}\"}}");
            if (description.GetProperty("StreamDescription").GetProperty("StreamStatus").GetString() == "ACTIVE")
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"Stream {stream} at {endpoint} did not become ACTIVE.");
    }

    private static Task<JsonElement> CallAsync(HttpClient http, string endpoint, string operation, string body) => CallAsync(http, endpoint, operation, Encoding.UTF8.GetBytes(body));

    private static async Task<JsonElement> CallAsync(HttpClient http, string endpoint, string operation, byte[] body)
    {
        var bytes = await SendAsync(http, endpoint, operation, body);
        return JsonDocument.Parse(bytes.Length == 0 ? "{}"u8.ToArray() : bytes).RootElement.Clone();
    }

    /// <summary>A top-level number member, found with a forward-only reader (no document for 500-entry answers).</summary>
    private static long ScanNumber(byte[] json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(name))
            {
                reader.Read();
                return reader.GetInt64();
            }
        }
        throw new InvalidOperationException("Member not found in the answer.");
    }

    /// <summary>Counts GetRecords' records and finds NextShardIterator with a forward-only reader, so the client stays cheap.</summary>
    private static (int Count, string? NextIterator) ScanRecords(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        var count = 0;
        string? next = null;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }
            if (reader.CurrentDepth == 3 && reader.ValueTextEquals("SequenceNumber"u8))
            {
                count++;
            }
            else if (reader.CurrentDepth == 1 && reader.ValueTextEquals("NextShardIterator"u8))
            {
                reader.Read();
                next = reader.GetString();
            }
        }
        return (count, next);
    }

    private static async Task<byte[]> SendAsync(HttpClient http, string endpoint, string operation, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        var now = DateTime.UtcNow;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=bench/{now:yyyyMMdd}/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000");
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{operation} at {endpoint}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        }
        return bytes;
    }
}
