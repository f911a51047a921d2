using System.Collections;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Registry.Json;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectSchema = Tributary.Connect.Data.Schema;

namespace Tributary.Registry.Tests;

/// <summary>JsonSchemaConverter against Tributary's registry: wire format, the registered JSON Schema, round trips.</summary>
public sealed class JsonSchemaConverterTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private Broker.Broker _broker = null!;
    private RegistryServer _server = null!;

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

    private JsonSchemaConverter Converter()
    {
        var converter = new JsonSchemaConverter();
        converter.Configure(new Dictionary<string, string> { ["schema.registry.url"] = $"http://127.0.0.1:{_server.Port}" }, false);
        return converter;
    }

    [Fact]
    public void Round_trip_registers_a_json_schema_and_writes_json_after_the_header()
    {
        var schema = SchemaBuilder.Struct().Name("shop.Item")
            .Field("id", ConnectSchema.Int64).Field("small", ConnectSchema.Int16).Field("name", ConnectSchema.String)
            .Field("price", ConnectSchema.Float64).Field("note", ConnectSchema.OptionalString).Field("blob", ConnectSchema.Bytes)
            .Field("amount", ConnectDecimal.Schema(2)).Field("at", Timestamp.Schema)
            .Field("tags", SchemaBuilder.Array(ConnectSchema.String).Build())
            .Field("attributes", SchemaBuilder.Map(ConnectSchema.String, ConnectSchema.Int32).Build())
            .Build();
        var value = new Struct(schema).Put("id", 7L).Put("small", (short)2).Put("name", "pen").Put("price", 1.5).Put("note", null)
            .Put("blob", new byte[] { 1, 2 }).Put("amount", BigDecimal.Parse("3.10")).Put("at", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc))
            .Put("tags", new List<object?> { "x" }).Put("attributes", new Dictionary<object, object?> { ["k"] = 9 });
        using var converter = Converter();
        var bytes = converter.FromConnectData("items", null, schema, value)!;
        Assert.Equal(0, bytes[0]);
        var json = Encoding.UTF8.GetString(bytes, 5, bytes.Length - 5);
        Assert.Equal("""{"id":7,"small":2,"name":"pen","price":1.5,"note":null,"blob":"AQI=","amount":3.10,"at":1767323045000,"tags":["x"],"attributes":{"k":9}}""", json);
        var registered = _server.Registry!.GetVersion("items-value", "latest", false);
        Assert.Equal("JSON", registered.SchemaType);
        var registeredSchema = JsonNode.Parse(registered.Schema)!;
        Assert.Equal("shop.Item", registeredSchema["title"]!.GetValue<string>());
        Assert.Equal("int16", registeredSchema["properties"]!["small"]!["connect.type"]!.GetValue<string>());

        using var reader = Converter();
        var back = reader.ToConnectData("items", null, bytes);
        var read = Assert.IsType<Struct>(back.Value);
        Assert.Equal(7L, read.Get("id"));
        Assert.Equal((short)2, read.Get("small"));
        Assert.Null(read.Get("note"));
        Assert.Equal(new byte[] { 1, 2 }, (byte[])read.Get("blob")!);
        Assert.Equal(BigDecimal.Parse("3.10"), read.Get("amount"));
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), read.Get("at"));
        Assert.Equal(9, ((IDictionary)read.Get("attributes")!)["k"]);
        Assert.Equal(bytes, reader.FromConnectData("items", null, back.Schema, read));
    }

    [Fact]
    public void Bad_input_is_a_data_exception()
    {
        using var converter = Converter();
        Assert.Throws<DataException>(() => converter.ToConnectData("t", null, [7, 0, 0, 0, 1]));
        var schema = SchemaBuilder.Struct().Field("a", ConnectSchema.Int32).Build();
        var bytes = converter.FromConnectData("bad", null, schema, new Struct(schema).Put("a", 1))!;
        var broken = bytes[..5].Concat("{\"a\":"u8.ToArray()).ToArray();
        Assert.Throws<DataException>(() => converter.ToConnectData("bad", null, broken));
        var wrongType = bytes[..5].Concat("{\"a\":\"x\"}"u8.ToArray()).ToArray();
        Assert.Throws<DataException>(() => converter.ToConnectData("bad", null, wrongType));
    }
}
