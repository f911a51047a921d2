using System.Collections;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Registry.Avro;
using BigDecimal = Tributary.Connect.Data.BigDecimal;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectSchema = Tributary.Connect.Data.Schema;
using SchemaType = Tributary.Connect.Data.SchemaType;
using Timestamp = Tributary.Connect.Data.Timestamp;

namespace Tributary.Registry.Tests;

/// <summary>
/// AvroConverter against Tributary's registry (in-process broker, REST on port 0): the wire format, Connect ↔ Avro for
/// every Connect type, subject strategies, and interop both ways with Confluent's own .NET AvroSerializer/AvroDeserializer.
/// </summary>
public sealed class AvroConverterTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private Broker.Broker _broker = null!;
    private RegistryServer _server = null!;

    private string Url => $"http://127.0.0.1:{_server.Port}";

    public async Task InitializeAsync()
    {
        _broker = await Broker.Broker.OpenAsync(new Broker.BrokerOptions { DataDirectory = _directory.Path });
        _server = await RegistryServer.StartAsync(_broker, new RegistryOptions { Port = 0 }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    private AvroConverter Converter(bool isKey = false, params (string Key, string Value)[] settings)
    {
        var converter = new AvroConverter();
        var configs = new Dictionary<string, string> { ["schema.registry.url"] = Url };
        foreach (var (key, value) in settings)
        {
            configs[key] = value;
        }
        converter.Configure(configs, isKey);
        return converter;
    }

    private static readonly ConnectSchema Address = SchemaBuilder.Struct().Name("shop.Address").Field("city", ConnectSchema.String).Field("zip", ConnectSchema.OptionalString).Build();

    private static readonly ConnectSchema OrderSchema = SchemaBuilder.Struct().Name("shop.Order").Version(2).Doc("an order")
        .Field("id", ConnectSchema.Int64)
        .Field("tiny", ConnectSchema.Int8)
        .Field("small", ConnectSchema.Int16)
        .Field("qty", ConnectSchema.Int32)
        .Field("ratio", ConnectSchema.Float32)
        .Field("price", ConnectSchema.Float64)
        .Field("paid", ConnectSchema.Boolean)
        .Field("note", ConnectSchema.OptionalString)
        .Field("blob", ConnectSchema.Bytes)
        .Field("tags", SchemaBuilder.Array(ConnectSchema.String).Build())
        .Field("attributes", SchemaBuilder.Map(ConnectSchema.String, ConnectSchema.Int32).Build())
        .Field("counts", SchemaBuilder.Map(ConnectSchema.Int32, ConnectSchema.String).Build())
        .Field("amount", ConnectDecimal.Schema(2))
        .Field("day", Date.Schema)
        .Field("at", Timestamp.Schema)
        .Field("address", Address)
        .Build();

    private static Struct Order() => new Struct(OrderSchema)
        .Put("id", 42L).Put("tiny", (sbyte)-3).Put("small", (short)300).Put("qty", 7).Put("ratio", 0.5f).Put("price", 19.99)
        .Put("paid", true).Put("note", null).Put("blob", new byte[] { 1, 2, 3 })
        .Put("tags", new List<object?> { "a", "b" })
        .Put("attributes", new Dictionary<object, object?> { ["x"] = 1 })
        .Put("counts", new Dictionary<object, object?> { [5] = "five" })
        .Put("amount", BigDecimal.Parse("123.45"))
        .Put("day", new DateTime(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc))
        .Put("at", new DateTime(2026, 12, 5, 6, 30, 0, 123, DateTimeKind.Utc))
        .Put("address", new Struct(Address).Put("city", "Lyon").Put("zip", "69001"));

    [Fact]
    public void Round_trip_keeps_every_connect_type_and_writes_the_wire_format()
    {
        using var converter = Converter();
        var order = Order();
        var bytes = converter.FromConnectData("orders", null, OrderSchema, order)!;
        Assert.Equal(0, bytes[0]);
        var id = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1));
        Assert.Equal(id, _server.Registry!.GetVersion("orders-value", "latest", false).Id);

        using var reader = Converter();
        var back = reader.ToConnectData("orders", null, bytes);
        var value = Assert.IsType<Struct>(back.Value);
        Assert.Equal("shop.Order", back.Schema!.Name);
        Assert.Equal(2, back.Schema.Version);
        Assert.Equal(SchemaType.Int8, back.Schema.Field("tiny")!.Schema.Type);
        Assert.True(back.Schema.Field("note")!.Schema.IsOptional);
        Assert.Equal(42L, value.Get("id"));
        Assert.Equal((sbyte)-3, value.Get("tiny"));
        Assert.Equal((short)300, value.Get("small"));
        Assert.Null(value.Get("note"));
        Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])value.Get("blob")!);
        Assert.Equal(new object?[] { "a", "b" }, ((IList)value.Get("tags")!).Cast<object?>());
        Assert.Equal("five", ((IDictionary)value.Get("counts")!)[5]);
        Assert.Equal(BigDecimal.Parse("123.45"), value.Get("amount"));
        Assert.Equal(new DateTime(2026, 12, 5, 6, 30, 0, 123, DateTimeKind.Utc), value.Get("at"));
        Assert.Equal("Lyon", value.GetStruct("address")!.GetString("city"));
        // Writing the read value again gives the same bytes (same schema, same id).
        Assert.Equal(bytes, reader.FromConnectData("orders", null, back.Schema, value));
    }

    [Fact]
    public void A_named_struct_used_twice_is_defined_once_and_referenced_by_name()
    {
        // Debezium's envelope: before and after share one Value struct; Avro allows a name to be defined only once.
        var row = SchemaBuilder.Struct().Name("db.shop.orders.Value").Optional().Field("id", ConnectSchema.String).Build();
        var envelope = SchemaBuilder.Struct().Name("db.shop.orders.Envelope").Field("before", row).Field("after", row).Field("op", ConnectSchema.String).Build();
        using var converter = Converter();
        var bytes = converter.FromConnectData("orders-cdc", null, envelope, new Struct(envelope).Put("after", new Struct(row).Put("id", "o-1")).Put("op", "c"))!;
        var registered = System.Text.Json.Nodes.JsonNode.Parse(_server.Registry!.GetVersion("orders-cdc-value", "latest", false).Schema)!;
        Assert.Equal("Value", (string)registered["fields"]![0]!["type"]![1]!["name"]!);
        Assert.Equal("db.shop.orders.Value", (string)registered["fields"]![1]!["type"]![1]!);

        using var reader = Converter();
        var back = reader.ToConnectData("orders-cdc", null, bytes);
        var value = Assert.IsType<Struct>(back.Value);
        Assert.Null(value.Get("before"));
        Assert.Equal("o-1", value.GetStruct("after")!.GetString("id"));
        Assert.Equal("db.shop.orders.Value", back.Schema!.Field("after")!.Schema.Name);
    }

    [Fact]
    public void Subject_strategies_and_auto_register_off()
    {
        using var record = Converter(false, ("value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
        record.FromConnectData("t1", null, Address, new Struct(Address).Put("city", "Oslo"));
        Assert.Equal([1], _server.Registry!.ListVersions("shop.Address", false));
        using var topicRecord = Converter(true, ("key.subject.name.strategy", "TopicRecordNameStrategy"));
        topicRecord.FromConnectData("t1", null, Address, new Struct(Address).Put("city", "Oslo"));
        Assert.Equal([1], _server.Registry.ListVersions("t1-shop.Address", false));

        using var lookupOnly = Converter(false, ("auto.register.schemas", "false"));
        var error = Assert.Throws<DataException>(() => lookupOnly.FromConnectData("unregistered", null, Address, new Struct(Address).Put("city", "Oslo")));
        Assert.Contains("40401", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_is_a_data_exception()
    {
        using var converter = Converter();
        Assert.Contains("magic byte", Assert.Throws<DataException>(() => converter.ToConnectData("t", null, [1, 0, 0, 0, 1, 2])).Message, StringComparison.Ordinal);
        Assert.Contains("40403", Assert.Throws<DataException>(() => converter.ToConnectData("t", null, [0, 0, 0, 0x30, 0x39, 2])).Message, StringComparison.Ordinal);
        var bytes = converter.FromConnectData("trunc", null, Address, new Struct(Address).Put("city", "Oslo"))!;
        Assert.Throws<DataException>(() => converter.ToConnectData("trunc", null, bytes[..^2]));
        Assert.Equal(SchemaAndValue.Null, converter.ToConnectData("t", null, null));
    }

    [Fact]
    public async Task Confluent_dotnet_serializer_and_tributary_converter_read_each_other()
    {
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = Url });
        var avroSchema = (Avro.RecordSchema)Avro.Schema.Parse("""{"type":"record","name":"Click","namespace":"web","fields":[{"name":"user","type":"string"},{"name":"count","type":"long"},{"name":"ref","type":["null","string"],"default":null}]}""");
        var record = new GenericRecord(avroSchema);
        record.Add("user", "ada");
        record.Add("count", 3L);
        record.Add("ref", null);
        var serializer = new AvroSerializer<GenericRecord>(client);
        var context = new SerializationContext(MessageComponentType.Value, "clicks");
        var confluentBytes = await serializer.SerializeAsync(record, context);

        using var converter = Converter();
        var read = converter.ToConnectData("clicks", null, confluentBytes);
        var value = Assert.IsType<Struct>(read.Value);
        Assert.Equal("web.Click", read.Schema!.Name);
        Assert.Equal("ada", value.GetString("user"));
        Assert.Equal(3L, value.GetInt64("count"));
        Assert.Null(value.Get("ref"));

        // Tributary's bytes (its own schema registered by the converter) through Confluent's deserializer.
        var ours = converter.FromConnectData("clicks2", null, OrderSchema, Order())!;
        var deserializer = new AvroDeserializer<GenericRecord>(client);
        var generic = await deserializer.DeserializeAsync(ours, false, new SerializationContext(MessageComponentType.Value, "clicks2"));
        Assert.Equal(42L, generic["id"]);
        Assert.Equal(-3, generic["tiny"]);
        Assert.Equal("Lyon", ((GenericRecord)generic["address"])["city"]);
        Assert.Equal(new[] { "a", "b" }, ((IEnumerable)generic["tags"]).Cast<object>().Select(o => o.ToString()));
        Assert.Equal(1, ((IDictionary<string, object>)generic["attributes"])["x"]);
    }

    [Fact]
    public async Task Avro_unions_travel_between_the_confluent_dotnet_serde_and_the_converter()
    {
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = Url });
        var avroSchema = (Avro.RecordSchema)Avro.Schema.Parse("""{"type":"record","name":"Event","namespace":"app","fields":[{"name":"id","type":"long"},{"name":"payload","type":["null","string","long",{"type":"record","name":"Ping","fields":[{"name":"at","type":"long"}]}],"default":null}]}""");
        var pingSchema = (Avro.RecordSchema)((Avro.UnionSchema)avroSchema["payload"].Schema).Schemas[3];
        var ping = new GenericRecord(pingSchema);
        ping.Add("at", 1700L);
        var serializer = new AvroSerializer<GenericRecord>(client);
        var deserializer = new AvroDeserializer<GenericRecord>(client);
        using var converter = Converter();
        object?[] payloads = [null, "hi", 42L, ping];
        foreach (var payload in payloads)
        {
            var record = new GenericRecord(avroSchema);
            record.Add("id", 1L);
            record.Add("payload", payload);
            var confluentBytes = await serializer.SerializeAsync(record, new SerializationContext(MessageComponentType.Value, "events"));

            var read = converter.ToConnectData("events", null, confluentBytes);
            var union = ((Struct)read.Value!).GetStruct("payload");
            Assert.Equal("io.confluent.connect.avro.Union", read.Schema!.Field("payload")!.Schema.Name);
            switch (payload)
            {
                case null:
                    Assert.Null(union);
                    break;
                case string text:
                    Assert.Equal(text, union!.GetString("string"));
                    Assert.Null(union.Get("long"));
                    break;
                case long number:
                    Assert.Equal(number, union!.GetInt64("long"));
                    break;
                default:
                    Assert.Equal(1700L, union!.GetStruct("Ping")!.GetInt64("at"));
                    break;
            }

            // The converter's bytes of the same Connect value (its schema registered under another subject), read by Confluent.
            var ours = converter.FromConnectData("events-copy", null, read.Schema, read.Value)!;
            var generic = await deserializer.DeserializeAsync(ours, false, new SerializationContext(MessageComponentType.Value, "events-copy"));
            Assert.Equal(1L, generic["id"]);
            if (payload is GenericRecord)
            {
                Assert.Equal(1700L, ((GenericRecord)generic["payload"])["at"]);
            }
            else
            {
                Assert.Equal(payload, generic["payload"]);
            }
        }
        var registered = System.Text.Json.Nodes.JsonNode.Parse(_server.Registry!.GetVersion("events-copy-value", "latest", false).Schema)!;
        var branches = registered["fields"]![1]!["type"]!.AsArray();
        Assert.Equal(["null", "string", "long"], branches.Take(3).Select(n => (string)n!));
        Assert.Equal("Ping", (string)branches[3]!["name"]!);
    }

    [Fact]
    public async Task A_recursive_writer_schema_is_a_data_exception_naming_the_record()
    {
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = Url });
        var id = await client.RegisterSchemaAsync("nodes-value", new Confluent.SchemaRegistry.Schema(
            """{"type":"record","name":"Node","namespace":"app","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}""", Confluent.SchemaRegistry.SchemaType.Avro));
        var bytes = new byte[] { 0, 0, 0, 0, 0, 2, 0 };
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), id);
        using var converter = Converter();
        var error = Assert.Throws<DataException>(() => converter.ToConnectData("nodes", null, bytes));
        Assert.Contains("app.Node is recursive", error.Message, StringComparison.Ordinal);
    }
}
