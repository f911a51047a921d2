using System.Diagnostics;
using System.Numerics;
using Avro;
using Avro.Generic;
using Avro.IO;
using Tributary.Connect.Data;
using Tributary.Connect.Registry.Avro;
using Tributary.Registry;
using ConnectSchema = Tributary.Connect.Data.Schema;

namespace Tributary.Bench;

/// <summary>
/// AvroConverter on the record hot path beside Apache.Avro's own generic writer and reader on the same records, and
/// the registry's lookups per second. Records: the 10-field customer of connect-json (int64 id, name, email, int32 age,
/// float64 score, boolean, Timestamp, Decimal(2), array of strings, optional note), 1,000 distinct ones cycled.
/// Serialize: ours = FromConnectData (Struct → 5-byte header + Avro binary, schema id cached); reference =
/// GenericDatumWriter&lt;GenericRecord&gt; writing the same values (prebuilt GenericRecords) after the same 5-byte header
/// into a reused MemoryStream, then ToArray. Deserialize: ours = ToConnectData (bytes → Struct); reference =
/// GenericDatumReader&lt;GenericRecord&gt; on the same bytes (header skipped). The registry runs in-process on an
/// in-process broker (port 0). Lookups: GET /schemas/ids/{id} and POST /subjects/{subject} (lookup) over HTTP from 4
/// concurrent clients, beside GET / (the same server and pipeline answering {}) as the HTTP floor.
/// </summary>
public static class AvroConverterBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = 200_000;
        var repeat = 5;
        var lookups = 20_000;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--records": records = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--lookups": lookups = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        var directory = Path.Combine(Path.GetTempPath(), "tributary-bench-avro-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var broker = await Tributary.Broker.Broker.OpenAsync(new Tributary.Broker.BrokerOptions { DataDirectory = directory });
            await using var server = await RegistryServer.StartAsync(broker, new RegistryOptions { Port = 0 }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            var url = $"http://127.0.0.1:{server.Port}";
            Converters(url, records, repeat);
            await LookupsAsync(url, lookups, repeat);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        return 0;
    }

    private static void Converters(string url, int records, int repeat)
    {
        var schema = SchemaBuilder.Struct().Name("com.example.Customer")
            .Field("id", ConnectSchema.Int64).Field("name", ConnectSchema.String).Field("email", ConnectSchema.String).Field("age", ConnectSchema.Int32)
            .Field("score", ConnectSchema.Float64).Field("active", ConnectSchema.Boolean).Field("created_at", Timestamp.Schema)
            .Field("balance", Tributary.Connect.Data.Decimal.Schema(2)).Field("tags", SchemaBuilder.Array(ConnectSchema.String).Build()).Field("note", ConnectSchema.OptionalString).Build();
        using var converter = new AvroConverter();
        converter.Configure(new Dictionary<string, string> { ["schema.registry.url"] = url }, isKey: false);
        var (avroJson, _) = AvroData.FromConnect(schema);
        var avroSchema = (RecordSchema)Avro.Schema.Parse(avroJson);
        var random = new Random(42);
        var structs = new Struct[1000];
        var generics = new GenericRecord[1000];
        for (var i = 0; i < structs.Length; i++)
        {
            var id = random.NextInt64(1, long.MaxValue);
            var name = "Customer " + random.Next(1_000_000);
            var email = $"user{random.Next(1_000_000)}@example.com";
            var age = random.Next(18, 99);
            var score = Math.Round(random.NextDouble() * 1000, 3);
            var active = random.Next(2) == 0;
            var created = Epoch.FromMillis(random.NextInt64(1_500_000_000_000, 1_800_000_000_000));
            var unscaled = new BigInteger(random.Next(0, 100_000_000));
            var tags = new List<object?> { "tag" + random.Next(100), "tier-" + random.Next(5) };
            var note = random.Next(3) == 0 ? null : "note with \"quotes\" and ünïcode";
            structs[i] = new Struct(schema).Put("id", id).Put("name", name).Put("email", email).Put("age", age).Put("score", score)
                .Put("active", active).Put("created_at", created).Put("balance", new BigDecimal(unscaled, 2)).Put("tags", tags).Put("note", note);
            var generic = new GenericRecord(avroSchema);
            generic.Add("id", id);
            generic.Add("name", name);
            generic.Add("email", email);
            generic.Add("age", age);
            generic.Add("score", score);
            generic.Add("active", active);
            generic.Add("created_at", created);
            generic.Add("balance", new AvroDecimal(unscaled, 2));
            generic.Add("tags", tags.Cast<string>().ToArray());
            generic.Add("note", note);
            generics[i] = generic;
        }
        var encoded = structs.Select(s => converter.FromConnectData("customers", null, schema, s)!).ToArray();
        var writer = new GenericDatumWriter<GenericRecord>(avroSchema);
        var reader = new GenericDatumReader<GenericRecord>(avroSchema, avroSchema);
        var stream = new MemoryStream(512);
        var encoder = new BinaryEncoder(stream);
        // The reference's bytes must be the converter's bytes: same encoding, same record.
        stream.SetLength(0);
        stream.Write(encoded[0].AsSpan(0, 5));
        writer.Write(generics[0], encoder);
        if (!stream.ToArray().AsSpan().SequenceEqual(encoded[0]))
        {
            throw new InvalidOperationException("Apache.Avro's bytes differ from the converter's for the same record");
        }
        Console.Error.WriteLine($"payload: {encoded[0].Length} bytes");

        ConverterComparison.Compare("avro_converter_from_connect", records, repeat,
            i => converter.FromConnectData("customers", null, schema, structs[i % structs.Length]),
            "Apache.Avro GenericDatumWriter<GenericRecord> + 5-byte header, ToArray",
            i =>
            {
                stream.SetLength(0);
                stream.Write(encoded[0].AsSpan(0, 5));
                writer.Write(generics[i % generics.Length], encoder);
                return stream.ToArray();
            });
        ConverterComparison.Compare("avro_converter_to_connect", records, repeat,
            i => converter.ToConnectData("customers", null, encoded[i % encoded.Length]).Value,
            "Apache.Avro GenericDatumReader<GenericRecord> (header skipped)",
            i =>
            {
                var bytes = encoded[i % encoded.Length];
                return reader.Read(null!, new BinaryDecoder(new MemoryStream(bytes, 5, bytes.Length - 5, writable: false)));
            });
    }

    private static async Task LookupsAsync(string url, int lookups, int repeat)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
        var schema = """{"type":"record","name":"Lookup","fields":[{"name":"a","type":"string"}]}""";
        var body = System.Text.Json.JsonSerializer.Serialize(new { schema });
        using var register = new StringContent(body, System.Text.Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
        var registered = await (await http.PostAsync("subjects/lookup-value/versions", register)).Content.ReadAsStringAsync();
        var id = System.Text.Json.JsonDocument.Parse(registered).RootElement.GetProperty("id").GetInt32();
        async Task<double> Rate(Func<Task> call)
        {
            await call();
            var watch = Stopwatch.StartNew();
            var next = 0;
            async Task Worker()
            {
                while (Interlocked.Increment(ref next) <= lookups)
                {
                    await call();
                }
            }
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Worker()));
            return lookups / watch.Elapsed.TotalSeconds;
        }
        async Task Get(string path)
        {
            using var response = await http.GetAsync(path);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }
        async Task Lookup()
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
            using var response = await http.PostAsync("subjects/lookup-value", content);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }
        foreach (var (bench, call) in new (string, Func<Task>)[] { ("registry_get_schema_by_id", () => Get($"schemas/ids/{id}")), ("registry_lookup_schema", Lookup) })
        {
            var rates = new List<double>();
            var floors = new List<double>();
            for (var run = 0; run < repeat; run++)
            {
                rates.Add(await Rate(call));
                floors.Add(await Rate(() => Get("")));
            }
            Report.Line(bench, "requests_per_second", Report.Median(rates), "requests/s", Report.Median(floors), "GET / on the same server (HTTP floor), 4 concurrent clients",
                "runs (ours/floor): " + string.Join(", ", rates.Zip(floors, (a, b) => $"{a:F0}/{b:F0}")));
        }
    }
}
