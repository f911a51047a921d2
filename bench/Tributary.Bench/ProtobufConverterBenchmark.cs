using Google.Protobuf;
using Tributary.Bench.Protobuf;
using Tributary.Connect.Data;
using Tributary.Connect.Registry.Protobuf;
using Tributary.Registry;
using ConnectSchema = Tributary.Connect.Data.Schema;

namespace Tributary.Bench;

/// <summary>
/// ProtobufConverter on the record hot path beside Google.Protobuf's generated code (protoc's C# for the same message,
/// <c>Protobuf/customer.proto</c>) on the same records: a 9-field customer (int64 id, name, email, int32 age, float64
/// score, boolean, Timestamp, array of strings, optional note), 1,000 distinct ones cycled. Serialize: ours =
/// FromConnectData (Struct → magic byte, 4-byte id, message index 0, protobuf binary; schema id cached); reference =
/// the generated <c>Customer</c> (prebuilt) sized, then written after the same 6-byte header into a new array.
/// Deserialize: ours = ToConnectData (bytes → Struct); reference = <c>Customer.Parser.ParseFrom</c> on the same bytes
/// (header skipped). The registry runs in-process on an in-process broker (port 0). The two sides' bytes are checked
/// equal before measuring.
/// </summary>
public static class ProtobufConverterBenchmark
{
    private const int HeaderLength = 6;

    public static async Task<int> RunAsync(string[] args)
    {
        var records = 200_000;
        var repeat = 5;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--records": records = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        var directory = Path.Combine(Path.GetTempPath(), "tributary-bench-protobuf-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var broker = await Tributary.Broker.Broker.OpenAsync(new Tributary.Broker.BrokerOptions { DataDirectory = directory });
            await using var server = await RegistryServer.StartAsync(broker, new RegistryOptions { Port = 0 }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            Run($"http://127.0.0.1:{server.Port}", records, repeat);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        return 0;
    }

    private static void Run(string url, int records, int repeat)
    {
        var schema = SchemaBuilder.Struct().Name("com.example.Customer")
            .Field("id", ConnectSchema.Int64).Field("name", ConnectSchema.String).Field("email", ConnectSchema.String).Field("age", ConnectSchema.Int32)
            .Field("score", ConnectSchema.Float64).Field("active", ConnectSchema.Boolean).Field("created_at", Timestamp.Schema)
            .Field("tags", SchemaBuilder.Array(ConnectSchema.String).Build()).Field("note", ConnectSchema.OptionalString).Build();
        using var converter = new ProtobufConverter();
        converter.Configure(new Dictionary<string, string> { ["schema.registry.url"] = url }, isKey: false);
        var random = new Random(7);
        var structs = new Struct[1000];
        var messages = new Customer[1000];
        for (var i = 0; i < structs.Length; i++)
        {
            var message = new Customer
            {
                Id = random.NextInt64(1, long.MaxValue),
                Name = "Customer " + random.Next(1_000_000),
                Email = $"user{random.Next(1_000_000)}@example.com",
                Age = random.Next(18, 99),
                Score = Math.Round(random.NextDouble() * 1000, 3),
                Active = random.Next(2) == 0,
                CreatedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(Epoch.FromMillis(random.NextInt64(1_500_000_000_000, 1_800_000_000_000))),
                Tags = { "tag" + random.Next(100), "tier-" + random.Next(5) },
                Note = random.Next(3) == 0 ? "" : "note with \"quotes\" and ünïcode",
            };
            messages[i] = message;
            structs[i] = new Struct(schema).Put("id", message.Id).Put("name", message.Name).Put("email", message.Email).Put("age", message.Age)
                .Put("score", message.Score).Put("active", message.Active).Put("created_at", message.CreatedAt.ToDateTime())
                .Put("tags", message.Tags.Cast<object?>().ToList()).Put("note", message.Note.Length == 0 ? null : message.Note);
        }
        var encoded = structs.Select(s => converter.FromConnectData("customers", null, schema, s)!).ToArray();
        var header = encoded[0].AsSpan(0, HeaderLength).ToArray();
        byte[] Reference(Customer message)
        {
            var bytes = new byte[HeaderLength + message.CalculateSize()];
            header.CopyTo(bytes, 0);
            message.WriteTo(bytes.AsSpan(HeaderLength));
            return bytes;
        }
        for (var i = 0; i < encoded.Length; i++)
        {
            // The reference's bytes must be the converter's bytes: same message, same encoding.
            if (!Reference(messages[i]).AsSpan().SequenceEqual(encoded[i]))
            {
                throw new InvalidOperationException($"Google.Protobuf's bytes differ from the converter's for record {i}");
            }
        }
        Console.Error.WriteLine($"payload: {encoded[0].Length} bytes");

        ConverterComparison.Compare("protobuf_converter_from_connect", records, repeat,
            i => converter.FromConnectData("customers", null, schema, structs[i % structs.Length]),
            "Google.Protobuf generated Customer: CalculateSize + WriteTo(Span) after the 6-byte header, new array",
            i => Reference(messages[i % messages.Length]));
        ConverterComparison.Compare("protobuf_converter_to_connect", records, repeat,
            i => converter.ToConnectData("customers", null, encoded[i % encoded.Length]).Value,
            "Google.Protobuf generated Customer.Parser.ParseFrom (header skipped)",
            i =>
            {
                var bytes = encoded[i % encoded.Length];
                return Customer.Parser.ParseFrom(bytes, HeaderLength, bytes.Length - HeaderLength);
            });
    }
}
