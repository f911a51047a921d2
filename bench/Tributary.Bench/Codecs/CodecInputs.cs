using System.Globalization;
using System.Text;
using Tributary.Protocol.Records;

namespace Tributary.Bench.Codecs;

/// <summary>
/// The bytes the codec benchmark compresses. <c>kafka_json</c> is the records section of a magic-v2 batch
/// (exactly what Kafka compresses) holding JSON events of 250-350 bytes with a key and one header, generated from a fixed
/// seed; <c>random</c> is incompressible. Both are cut to the exact size asked for.
/// </summary>
public static class CodecInputs
{
    public static readonly (string Name, int Size)[] Sizes = [("1KiB", 1 << 10), ("64KiB", 64 << 10), ("1MiB", 1 << 20)];

    public static readonly string[] Kinds = ["kafka_json", "random"];

    public static byte[] Create(string kind, int size) => kind switch
    {
        "kafka_json" => KafkaJsonRecords(size),
        "random" => RandomBytes(size),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static byte[] RandomBytes(int size)
    {
        var bytes = new byte[size];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private static byte[] KafkaJsonRecords(int size)
    {
        string[] actions = ["page_view", "add_to_cart", "checkout", "search", "login", "logout"];
        string[] countries = ["DE", "FR", "US", "BR", "JP", "IN", "GB", "NL"];
        string[] plans = ["free", "pro", "enterprise"];
        var random = new Random(42);
        var baseTimestamp = 1_767_225_600_000L;
        using var builder = new RecordBatchBuilder(baseTimestamp);
        var headers = new[] { new RecordHeader("content-type", "application/json"u8.ToArray()) };
        var json = new StringBuilder();
        var id = new byte[16];
        for (var i = 0; builder.RecordsSize < size; i++)
        {
            var userId = random.Next(1, 200_000);
            var timestamp = baseTimestamp + (i * 7) + random.Next(5);
            json.Clear();
            random.NextBytes(id);
            json.Append(CultureInfo.InvariantCulture, $"{{\"event_id\":\"{new Guid(id):D}\",");
            json.Append(CultureInfo.InvariantCulture, $"\"ts\":\"{DateTimeOffset.FromUnixTimeMilliseconds(timestamp):O}\",");
            json.Append(CultureInfo.InvariantCulture, $"\"user\":{{\"id\":{userId},\"country\":\"{countries[random.Next(countries.Length)]}\",\"plan\":\"{plans[random.Next(plans.Length)]}\"}},");
            json.Append(CultureInfo.InvariantCulture, $"\"action\":\"{actions[random.Next(actions.Length)]}\",\"path\":\"/products/{random.Next(10_000)}\",");
            json.Append(CultureInfo.InvariantCulture, $"\"duration_ms\":{random.Next(2, 5000)},\"price\":{random.Next(100, 100_000) / 100.0:0.00},");
            json.Append(CultureInfo.InvariantCulture, $"\"session\":\"{random.NextInt64():x16}\",\"tags\":[\"t{random.Next(50)}\",\"t{random.Next(50)}\"]}}");
            builder.Append(timestamp, Encoding.UTF8.GetBytes($"user-{userId}"), Encoding.UTF8.GetBytes(json.ToString()), headers: headers);
        }

        var batch = builder.ToArray(new BatchOptions());
        return batch.AsSpan(RecordBatchLayout.RecordsOffset, size).ToArray();
    }
}
