using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tributary.Connect.Data;
using Tributary.Connect.Json;
using JsonConverter = Tributary.Connect.Json.JsonConverter;

namespace Tributary.Bench;

/// <summary>
/// JsonConverter on the record hot path: FromConnectData (source side: value → bytes) and ToConnectData (sink side:
/// bytes → value), schemaless and with schemas, for a realistic 10-field customer record (int64 id, name, email,
/// int32 age, float64 score, boolean, Timestamp, Decimal(2), array of strings, optional note), 1,000 distinct records
/// cycled. The reference, in the same run, is System.Text.Json doing the equivalent work on the same payloads: a
/// typed POCO serialized (with the envelope: the cached schema bytes written raw, then the POCO) and deserialized
/// (with the envelope: an envelope class whose schema is a JsonElement); the schemaless read is also compared with
/// System.Text.Json's untyped read into a dictionary, the closer equivalent of Connect's map of values. Reports records/s and bytes allocated per
/// record (GC.GetAllocatedBytesForCurrentThread) for both; each figure is the median of --repeat runs.
/// </summary>
public static class ConnectJsonBenchmark
{
    private static readonly JsonSerializerOptions Options = new();

    public static int Run(string[] args)
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
        var schema = SchemaBuilder.Struct().Name("com.example.Customer")
            .Field("id", Schema.Int64).Field("name", Schema.String).Field("email", Schema.String).Field("age", Schema.Int32)
            .Field("score", Schema.Float64).Field("active", Schema.Boolean).Field("created_at", Timestamp.Schema)
            .Field("balance", Tributary.Connect.Data.Decimal.Schema(2)).Field("tags", SchemaBuilder.Array(Schema.String).Build()).Field("note", Schema.OptionalString).Build();
        var random = new Random(42);
        var structs = new Struct[1000];
        var maps = new Dictionary<string, object?>[1000];
        var pocos = new Customer[1000];
        for (var i = 0; i < structs.Length; i++)
        {
            var id = random.NextInt64(1, long.MaxValue);
            var name = "Customer " + random.Next(1_000_000);
            var email = $"user{random.Next(1_000_000)}@example.com";
            var age = random.Next(18, 99);
            var score = Math.Round(random.NextDouble() * 1000, 3);
            var active = random.Next(2) == 0;
            var created = random.NextInt64(1_500_000_000_000, 1_800_000_000_000);
            var balance = new BigDecimal(new BigInteger(random.Next(0, 100_000_000)), 2);
            var tags = new List<object?> { "tag" + random.Next(100), "tier-" + random.Next(5) };
            var note = random.Next(3) == 0 ? null : "note with \"quotes\" and ünïcode";
            structs[i] = new Struct(schema).Put("id", id).Put("name", name).Put("email", email).Put("age", age).Put("score", score)
                .Put("active", active).Put("created_at", Epoch.FromMillis(created)).Put("balance", balance).Put("tags", tags).Put("note", note);
            maps[i] = new Dictionary<string, object?>
            {
                ["id"] = id,
                ["name"] = name,
                ["email"] = email,
                ["age"] = (long)age,
                ["score"] = score,
                ["active"] = active,
                ["created_at"] = created,
                ["balance"] = balance.Unscaled.ToByteArray(isUnsigned: false, isBigEndian: true),
                ["tags"] = tags,
                ["note"] = note,
            };
            pocos[i] = new Customer
            {
                Id = id,
                Name = name,
                Email = email,
                Age = age,
                Score = score,
                Active = active,
                CreatedAt = created,
                Balance = balance.Unscaled.ToByteArray(isUnsigned: false, isBigEndian: true),
                Tags = [.. tags.Cast<string>()],
                Note = note,
            };
        }
        var schemaless = Converter(false);
        var withSchemas = Converter(true);
        var schemalessBytes = maps.Select(m => schemaless.FromConnectData("t", null, null, m)!).ToArray();
        var envelopeBytes = structs.Select(s => withSchemas.FromConnectData("t", null, schema, s)!).ToArray();
        var schemaJson = new ConnectJsonWriter(DecimalFormat.Base64, true).SchemaJson(schema);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using var jsonWriter = new Utf8JsonWriter(buffer);
        Console.Error.WriteLine($"payload: {schemalessBytes[0].Length} bytes schemaless, {envelopeBytes[0].Length} bytes with the envelope");

        ConverterComparison.Compare("connect_json_from_connect_schemaless", records, repeat,
            i => schemaless.FromConnectData("t", null, null, maps[i % maps.Length]),
            "System.Text.Json SerializeToUtf8Bytes(POCO)",
            i => JsonSerializer.SerializeToUtf8Bytes(pocos[i % pocos.Length], Options));
        ConverterComparison.Compare("connect_json_from_connect_schemas", records, repeat,
            i => withSchemas.FromConnectData("t", null, schema, structs[i % structs.Length]),
            "System.Text.Json envelope: cached schema bytes raw + Serialize(POCO), ToArray",
            i =>
            {
                buffer.ResetWrittenCount();
                jsonWriter.Reset(buffer);
                jsonWriter.WriteStartObject();
                jsonWriter.WritePropertyName("schema"u8);
                jsonWriter.WriteRawValue(schemaJson, skipInputValidation: true);
                jsonWriter.WritePropertyName("payload"u8);
                JsonSerializer.Serialize(jsonWriter, pocos[i % pocos.Length], Options);
                jsonWriter.WriteEndObject();
                jsonWriter.Flush();
                return buffer.WrittenSpan.ToArray();
            });
        ConverterComparison.Compare("connect_json_to_connect_schemaless", records, repeat,
            i => schemaless.ToConnectData("t", null, schemalessBytes[i % schemalessBytes.Length]).Value,
            "System.Text.Json Deserialize<POCO>",
            i => JsonSerializer.Deserialize<Customer>(schemalessBytes[i % schemalessBytes.Length], Options));
        ConverterComparison.Compare("connect_json_to_connect_schemaless_untyped", records, repeat,
            i => schemaless.ToConnectData("t", null, schemalessBytes[i % schemalessBytes.Length]).Value,
            "System.Text.Json Deserialize<Dictionary<string, object>> (values as JsonElement)",
            i => JsonSerializer.Deserialize<Dictionary<string, object>>(schemalessBytes[i % schemalessBytes.Length], Options));
        ConverterComparison.Compare("connect_json_to_connect_schemas", records, repeat,
            i => withSchemas.ToConnectData("t", null, envelopeBytes[i % envelopeBytes.Length]).Value,
            "System.Text.Json Deserialize<Envelope{JsonElement schema, POCO payload}>",
            i => JsonSerializer.Deserialize<Envelope>(envelopeBytes[i % envelopeBytes.Length], Options));
        return 0;
    }

    private static JsonConverter Converter(bool schemas)
    {
        var converter = new JsonConverter();
        converter.Configure(new Dictionary<string, string> { ["schemas.enable"] = schemas ? "true" : "false" }, isKey: false);
        return converter;
    }

    private sealed class Customer
    {
        [JsonPropertyName("id")] public long Id { get; set; }
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("email")] public string Email { get; set; } = "";
        [JsonPropertyName("age")] public int Age { get; set; }
        [JsonPropertyName("score")] public double Score { get; set; }
        [JsonPropertyName("active")] public bool Active { get; set; }
        [JsonPropertyName("created_at")] public long CreatedAt { get; set; }
        [JsonPropertyName("balance")] public byte[] Balance { get; set; } = [];
        [JsonPropertyName("tags")] public List<string> Tags { get; set; } = [];
        [JsonPropertyName("note")] public string? Note { get; set; }
    }

    private sealed class Envelope
    {
        [JsonPropertyName("schema")] public JsonElement Schema { get; set; }
        [JsonPropertyName("payload")] public Customer? Payload { get; set; }
    }
}
