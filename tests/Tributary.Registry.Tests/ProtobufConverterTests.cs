using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.SchemaRegistry;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Registry.Protobuf;
using Tributary.Schemas.Protobuf;
using BigDecimal = Tributary.Connect.Data.BigDecimal;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectSchema = Tributary.Connect.Data.Schema;
using ConnectSchemaType = Tributary.Connect.Data.SchemaType;
using RegistrySchemaType = Confluent.SchemaRegistry.SchemaType;
using Timestamp = Tributary.Connect.Data.Timestamp;

namespace Tributary.Registry.Tests;

/// <summary>
/// Protobuf through the registry (in-process broker, REST on port 0): ProtobufConverter's wire format and round trip
/// of every Connect type, its bytes decoded by protoc, Protobuf registration with references and errors over REST,
/// Confluent's .NET SchemaRegistry client registering and fetching Protobuf schemas, and confluent-kafka-python's
/// SchemaRegistryClient, ProtobufSerializer and ProtobufDeserializer (a separate process) against the same registry.
/// </summary>
public sealed class ProtobufConverterTests : IAsyncLifetime
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

    private ProtobufConverter Converter(params (string Key, string Value)[] settings)
    {
        var converter = new ProtobufConverter();
        var configs = new Dictionary<string, string> { ["schema.registry.url"] = Url };
        foreach (var (key, value) in settings)
        {
            configs[key] = value;
        }
        converter.Configure(configs, isKey: false);
        return converter;
    }

    private async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url + "/") };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.schemaregistry.v1+json");
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static readonly ConnectSchema Address = SchemaBuilder.Struct().Name("shop.Address").Field("city", ConnectSchema.String).Build();

    /// <summary>A oneof as Confluent's ProtobufData writes it: a struct named io.confluent.connect.protobuf.Union.NAME.</summary>
    private static readonly ConnectSchema Contact = SchemaBuilder.Struct().Name("io.confluent.connect.protobuf.Union.contact").Optional()
        .Field("email", ConnectSchema.OptionalString).Field("phone", ConnectSchema.OptionalInt64).Build();

    /// <summary>An enum as Confluent's ProtobufData reads one: a STRING named after it, its constants' numbers as parameters (0 not first).</summary>
    private static readonly ConnectSchema Status = SchemaBuilder.String().Name("Status").Parameter(ProtobufData.EnumParameter, "Status")
        .Parameter(ProtobufData.EnumParameter + ".PLACED", "1").Parameter(ProtobufData.EnumParameter + ".UNKNOWN", "0")
        .Parameter(ProtobufData.EnumParameter + ".SHIPPED", "7").Build();

    /// <summary>Only types whose .proto needs no import: what the Python test's runtime-built message class holds.</summary>
    private static readonly ConnectSchema Simple = SchemaBuilder.Struct().Name("shop.Order")
        .Field("id", ConnectSchema.Int64)
        .Field("name", ConnectSchema.String)
        .Field("price", ConnectSchema.Float64)
        .Field("paid", ConnectSchema.Boolean)
        .Field("blob", ConnectSchema.Bytes)
        .Field("tags", SchemaBuilder.Array(ConnectSchema.String).Build())
        .Field("attributes", SchemaBuilder.Map(ConnectSchema.String, ConnectSchema.Int32).Build())
        .Field("address", Address)
        .Field("contact", Contact)
        .Field("status", Status)
        .Build();

    private static Struct SimpleOrder() => new Struct(Simple)
        .Put("id", 42L).Put("name", "widget").Put("price", 19.99).Put("paid", true).Put("blob", new byte[] { 1, 2, 3 })
        .Put("tags", new List<object?> { "a", "b" }).Put("attributes", new Dictionary<object, object?> { ["x"] = 1, ["y"] = -2 })
        .Put("address", new Struct(Address).Put("city", "Oslo"))
        .Put("contact", new Struct(Contact).Put("email", "ada@example.org"))
        .Put("status", "SHIPPED");

    private static readonly ConnectSchema Everything = SchemaBuilder.Struct().Name("shop.Everything")
        .Field("tiny", ConnectSchema.Int8)
        .Field("small", ConnectSchema.Int16)
        .Field("qty", ConnectSchema.Int32)
        .Field("big", ConnectSchema.Int64)
        .Field("ratio", ConnectSchema.Float32)
        .Field("note", ConnectSchema.OptionalString)
        .Field("maybe", ConnectSchema.OptionalInt32)
        .Field("codes", SchemaBuilder.Array(ConnectSchema.Int32).Build())
        .Field("counts", SchemaBuilder.Map(ConnectSchema.Int32, ConnectSchema.String).Build())
        .Field("amount", ConnectDecimal.Schema(2))
        .Field("day", Date.Schema)
        .Field("clock", Time.Schema)
        .Field("at", Timestamp.Schema)
        .Field("address", Address)
        .Field("addresses", SchemaBuilder.Array(Address).Build())
        .Build();

    private static Struct EverythingValue(string? note, int? maybe) => new Struct(Everything)
        .Put("tiny", (sbyte)-3).Put("small", (short)300).Put("qty", 0).Put("big", long.MinValue).Put("ratio", 0.5f)
        .Put("note", note).Put("maybe", maybe)
        .Put("codes", new List<object?> { 1, -1, 300 }).Put("counts", new Dictionary<object, object?> { [5] = "five" })
        .Put("amount", new BigDecimal(-12345, 2)).Put("day", new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc))
        .Put("clock", DateTime.UnixEpoch.AddMilliseconds(45_296_789)).Put("at", new DateTime(2025, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc))
        .Put("address", new Struct(Address).Put("city", "Oslo"))
        .Put("addresses", new List<object?> { new Struct(Address).Put("city", "A"), new Struct(Address).Put("city", "B") });

    [Fact]
    public void Every_connect_type_round_trips_and_nulls_survive_as_wrappers()
    {
        using var converter = Converter(("wrapper.for.nullables", "true"));
        foreach (var (note, maybe) in new[] { ((string?)"hello", (int?)0), (null, null) })
        {
            var bytes = converter.FromConnectData("everything", null, Everything, EverythingValue(note, maybe))!;
            Assert.Equal(0, bytes[0]);
            Assert.Equal(0, bytes[5]);
            var read = converter.ToConnectData("everything", null, bytes);
            var value = (Struct)read.Value!;
            Assert.Equal("Everything", read.Schema!.Name); // ProtobufData's default: the message's own name
            Assert.Equal((sbyte)-3, value.Get("tiny"));
            Assert.Equal(ConnectSchemaType.Int8, read.Schema.Field("tiny")!.Schema.Type);
            Assert.Equal((short)300, value.Get("small"));
            Assert.Equal(0, value.Get("qty"));
            Assert.Equal(long.MinValue, value.Get("big"));
            Assert.Equal(0.5f, value.Get("ratio"));
            Assert.Equal(note, value.Get("note"));
            Assert.Equal(maybe, value.Get("maybe"));
            Assert.Equal(new List<object?> { 1, -1, 300 }, value.Get("codes"));
            Assert.Equal("five", ((System.Collections.IDictionary)value.Get("counts")!)[5]);
            Assert.Equal(new BigDecimal(-12345, 2), value.Get("amount"));
            Assert.Equal(new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), value.Get("day"));
            Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(45_296_789), value.Get("clock"));
            Assert.Equal(new DateTime(2025, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc), value.Get("at"));
            Assert.Equal("Oslo", ((Struct)value.Get("address")!).Get("city"));
            Assert.Equal(["A", "B"], ((System.Collections.IList)value.Get("addresses")!).Cast<Struct>().Select(s => s.Get("city")));
        }
    }

    [Fact]
    public async Task The_registered_schema_is_confluents_mapping_and_protoc_decodes_the_bytes()
    {
        using var converter = Converter(("wrapper.for.nullables", "true"));
        var bytes = converter.FromConnectData("mapping", null, Everything, EverythingValue("n", 1))!;
        var id = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1));
        var registered = (await SendAsync(HttpMethod.Get, $"schemas/ids/{id}")).Body!;
        Assert.Equal("PROTOBUF", registered["schemaType"]!.GetValue<string>());
        var text = registered["schema"]!.GetValue<string>();
        foreach (var expected in new[]
        {
            "package shop;", "import \"confluent/meta.proto\";", "message Everything {",
            "int32 tiny = 1 [(confluent.field_meta) = { params : [ { key : \"connect.type\" , value : \"int8\" } ] }];",
            "google.protobuf.StringValue note = 6;", "repeated int32 codes = 8;", "map<int32, string> counts = 9;",
            "confluent.type.Decimal amount = 10", "google.type.Date day = 11;", "google.type.TimeOfDay clock = 12;",
            "google.protobuf.Timestamp at = 13;", "Address address = 14;", "repeated Address addresses = 15;",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        using var simple = Converter();
        var simpleBytes = simple.FromConnectData("decode", null, Simple, SimpleOrder())!;
        var simpleId = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(simpleBytes.AsSpan(1));
        using var protos = new TempDirectory();
        using var http = new HttpClient();
        File.WriteAllText(Path.Combine(protos.Path, "order.proto"), await http.GetStringAsync($"{Url}/schemas/ids/{simpleId}/schema"));
        var decoded = Protoc.Decode(protos.Path, "order.proto", "shop.Order", simpleBytes[6..]);
        foreach (var expected in new[] { "id: 42", "name: \"widget\"", "price: 19.99", "paid: true", "blob: \"\\001\\002\\003\"", "tags: \"a\"", "tags: \"b\"", "key: \"y\"", "value: -2", "city: \"Oslo\"", "status: SHIPPED" })
        {
            Assert.Contains(expected, decoded, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bad_bytes_and_unknown_ids_are_data_exceptions()
    {
        using var converter = Converter();
        Assert.Contains("magic byte", Assert.Throws<DataException>(() => converter.ToConnectData("t", null, [1, 0, 0, 0, 1, 0, 8])).Message, StringComparison.Ordinal);
        Assert.Contains("40403", Assert.Throws<DataException>(() => converter.ToConnectData("t", null, [0, 0, 0, 0x30, 0x39, 0, 8, 1])).Message, StringComparison.Ordinal);
        var bytes = converter.FromConnectData("bad", null, Simple, SimpleOrder())!;
        Assert.Throws<DataException>(() => converter.ToConnectData("bad", null, bytes[..^3]));
        var wrongIndex = (byte[])bytes.Clone();
        wrongIndex[5] = 2; // one index follows ...
        Assert.Throws<DataException>(() => converter.ToConnectData("bad", null, [.. wrongIndex[..6], 8, .. wrongIndex[6..]]));
        using var lookupOnly = Converter(("auto.register.schemas", "false"));
        Assert.Contains("40401", Assert.Throws<DataException>(() => lookupOnly.FromConnectData("unregistered", null, Simple, SimpleOrder())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rest_registers_protobuf_with_references_and_answers_42201_naming_the_line()
    {
        var types = (await SendAsync(HttpMethod.Get, "schemas/types")).Body!.AsArray().Select(t => t!.GetValue<string>());
        Assert.Equal(["JSON", "PROTOBUF", "AVRO"], types);
        const string money = "syntax = \"proto3\";\npackage common;\nmessage Money { string currency = 1; int64 units = 2; }\n";
        var moneyId = (await SendAsync(HttpMethod.Post, "subjects/common%2Fmoney.proto/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = money })).Body!["id"]!.GetValue<int>();
        var order = new JsonObject
        {
            ["schemaType"] = "PROTOBUF",
            ["schema"] = "syntax = \"proto3\";\npackage shop;\nimport \"common/money.proto\";\nmessage Priced { common.Money total = 1; }\n",
            ["references"] = new JsonArray(new JsonObject { ["name"] = "common/money.proto", ["subject"] = "common/money.proto", ["version"] = 1 }),
        };
        var (status, body) = await SendAsync(HttpMethod.Post, "subjects/priced-value/versions", order);
        Assert.Equal(200, status);
        var pricedId = body!["id"]!.GetValue<int>();
        Assert.NotEqual(moneyId, pricedId);
        Assert.Equal(new JsonArray(pricedId).ToJsonString(), (await SendAsync(HttpMethod.Get, "subjects/common%2Fmoney.proto/versions/1/referencedby")).Body!.ToJsonString());
        var withoutReference = (JsonObject)order.DeepClone();
        withoutReference.Remove("references");
        var missing = await SendAsync(HttpMethod.Post, "subjects/priced-value/versions", withoutReference);
        Assert.Equal(42201, missing.Body!["error_code"]!.GetValue<int>());
        var invalid = await SendAsync(HttpMethod.Post, "subjects/broken/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = "syntax = \"proto3\";\nmessage A {\n  int32 x = 1\n}\n" });
        Assert.Equal(422, invalid.Status);
        Assert.Equal(42201, invalid.Body!["error_code"]!.GetValue<int>());
        Assert.Contains("line 4:1", invalid.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // A field renumbered onto another kind is refused under the default BACKWARD level; a plain renumbering is not.
        var v1 = new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = "syntax = \"proto3\"; message U { int32 id = 1; string name = 2; }" };
        Assert.Equal(200, (await SendAsync(HttpMethod.Post, "subjects/renumber/versions", v1)).Status);
        var swapped = await SendAsync(HttpMethod.Post, "subjects/renumber/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = "syntax = \"proto3\"; message U { int32 id = 2; string name = 1; }" });
        Assert.Equal(409, swapped.Status);
        Assert.Contains("FIELD_SCALAR_KIND_CHANGED", swapped.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (await SendAsync(HttpMethod.Post, "subjects/renumber/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = "syntax = \"proto3\"; message U { int32 id = 1; string name = 3; }" })).Status);
    }

    [Fact]
    public async Task Confluent_dotnet_client_registers_fetches_and_checks_protobuf_schemas()
    {
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = Url });
        const string point = "syntax = \"proto3\";\npackage geo;\nmessage Point { double lat = 1; double lon = 2; }\n";
        var pointId = await client.RegisterSchemaAsync("geo/point.proto", new Confluent.SchemaRegistry.Schema(point, RegistrySchemaType.Protobuf));
        const string route = "syntax = \"proto3\";\npackage geo;\nimport \"geo/point.proto\";\nmessage Route { repeated Point points = 1; string name = 2; }\n";
        var references = new List<SchemaReference> { new("geo/point.proto", "geo/point.proto", 1) };
        var routeId = await client.RegisterSchemaAsync("routes-value", new Confluent.SchemaRegistry.Schema(route, references, RegistrySchemaType.Protobuf));
        Assert.NotEqual(pointId, routeId);
        var fetched = await client.GetSchemaAsync(routeId);
        Assert.Equal(RegistrySchemaType.Protobuf, fetched.SchemaType);
        Assert.Equal("geo/point.proto", Assert.Single(fetched.References).Name);
        Assert.Contains("message Route", fetched.SchemaString, StringComparison.Ordinal);
        var latest = await client.GetLatestSchemaAsync("routes-value");
        Assert.Equal(routeId, latest.Id);
        Assert.Equal(1, latest.Version);
        var evolved = route.Replace("string name = 2;", "string name = 2; int32 stops = 3;", StringComparison.Ordinal);
        Assert.True(await client.IsCompatibleAsync("routes-value", new Confluent.SchemaRegistry.Schema(evolved, references, RegistrySchemaType.Protobuf)));
        var broken = route.Replace("string name = 2;", "double name = 2;", StringComparison.Ordinal);
        Assert.False(await client.IsCompatibleAsync("routes-value", new Confluent.SchemaRegistry.Schema(broken, references, RegistrySchemaType.Protobuf)));
        var again = await client.LookupSchemaAsync("routes-value", new Confluent.SchemaRegistry.Schema(route, references, RegistrySchemaType.Protobuf), ignoreDeletedSchemas: true, normalize: false);
        Assert.Equal(routeId, again.Id);
        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync("bad-value", new Confluent.SchemaRegistry.Schema("syntax = \"proto3\";\nmessage {", RegistrySchemaType.Protobuf)));
        Assert.Equal(42201, error.ErrorCode);
    }

    [Fact]
    public async Task Python_protobuf_serde_reads_the_converter_and_the_converter_reads_python()
    {
        using var converter = Converter();
        var bytes = converter.FromConnectData("pyorders", null, Simple, SimpleOrder())!;
        var converterId = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1));
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{Url}/schemas/ids/{converterId}/schema");
        var descriptor = ProtobufSchema.Parse(text, []).File.Clone();
        descriptor.Name = "shop/order.proto";
        var result = await ClientProcess.RunAsync("/usr/bin/python3",
            ["tests/interop/registry/confluent_protobuf.py", Url, "pyorders", Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(descriptor)), "shop.Order", Convert.ToHexString(bytes)],
            TimeSpan.FromSeconds(90));
        result.EnsureSuccess();
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("done", lines[^1]["event"]!.GetValue<string>());
        var read = lines.Single(l => l["event"]!.GetValue<string>() == "read")["message"]!;
        Assert.Equal("42", read["id"]!.GetValue<string>());
        Assert.Equal("widget", read["name"]!.GetValue<string>());
        Assert.Equal(19.99, read["price"]!.GetValue<double>());
        Assert.Equal("AQID", read["blob"]!.GetValue<string>());
        Assert.Equal(-2, read["attributes"]!["y"]!.GetValue<int>());
        Assert.Equal("Oslo", read["address"]!["city"]!.GetValue<string>());
        Assert.Equal("ada@example.org", read["email"]!.GetValue<string>()); // the oneof member the union struct set
        Assert.Null(read["phone"]);
        Assert.Equal("SHIPPED", read["status"]!.GetValue<string>()); // an enum to Python's message class, not a string field

        // Python registered the same file as a base64 descriptor under the same subject: one schema, one id.
        var written = lines.Single(l => l["event"]!.GetValue<string>() == "written");
        Assert.Equal(converterId, written["id"]!.GetValue<int>());
        var back = converter.ToConnectData("pyorders", null, Convert.FromHexString(written["hex"]!.GetValue<string>()));
        var value = (Struct)back.Value!;
        Assert.Equal(77L, value.Get("id"));
        Assert.Equal("from python", value.Get("name"));
        Assert.Equal(2.5, value.Get("price"));
        Assert.Equal(new byte[] { 1, 2, 3 }, value.Get("blob"));
        Assert.Equal(new List<object?> { "p", "q" }, value.Get("tags"));
        Assert.Equal(9, ((System.Collections.IDictionary)value.Get("attributes")!)["k"]);
        Assert.Equal("Bergen", ((Struct)value.Get("address")!).Get("city"));
        var contact = value.GetStruct("contact_0")!;
        Assert.Equal(5551234L, contact.Get("phone"));
        Assert.Null(contact.Get("email"));
        Assert.Equal("PLACED", value.Get("status"));
        Assert.Equal("Status", back.Schema!.Field("status")!.Schema.Parameters![ProtobufData.EnumParameter]);
    }

    private const string PaymentProto = """
        syntax = "proto3";
        package shop;

        message Payment {
          string id = 1;
          oneof method {
            string iban = 2;
            Card card = 3;
            int64 points = 5;
          }
          int32 amount = 4;
          optional string memo = 6;

          message Card {
            string last4 = 1;
          }
        }
        """;

    [Fact]
    public async Task A_oneof_reads_as_confluents_union_struct_and_writes_back_with_its_numbers()
    {
        var registered = await SendAsync(HttpMethod.Post, "subjects/payments-value/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = PaymentProto });
        var id = registered.Body!["id"]!.GetValue<int>();
        // Hand-encoded Payment {id: "p-1", card: {last4: "4242"}, amount: 700} after the header (magic, id, index [0]).
        var payload = new MemoryStream();
        var output = new Google.Protobuf.CodedOutputStream(payload);
        output.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        output.WriteString("p-1");
        output.WriteTag(3, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        output.WriteLength(6);
        output.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        output.WriteString("4242");
        output.WriteTag(4, Google.Protobuf.WireFormat.WireType.Varint);
        output.WriteInt32(700);
        output.Flush();
        var bytes = new byte[] { 0, 0, 0, 0, 0, 0 }.Concat(payload.ToArray()).ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), id);

        using var converter = Converter(("optional.for.nullables", "true")); // memo stays proto3 optional when written back
        var read = converter.ToConnectData("payments", null, bytes);
        var schema = read.Schema!;
        Assert.Equal(["method_0", "id", "amount", "memo"], schema.Fields.Select(f => f.Name));
        var method = schema.Field("method_0")!.Schema;
        Assert.Equal("io.confluent.connect.protobuf.Union.method", method.Name);
        Assert.True(method.IsOptional);
        Assert.Equal(["iban", "card", "points"], method.Fields.Select(f => f.Name));
        Assert.Equal(["2", "3", "5"], method.Fields.Select(f => f.Schema.Parameters![ProtobufData.TagParameter]));
        Assert.All(method.Fields, f => Assert.True(f.Schema.IsOptional));
        Assert.Equal("4", schema.Field("amount")!.Schema.Parameters![ProtobufData.TagParameter]);
        var value = (Struct)read.Value!;
        var union = value.GetStruct("method_0")!;
        Assert.Null(union.Get("iban"));
        Assert.Equal("4242", union.GetStruct("card")!.GetString("last4"));
        Assert.Equal(700, value.Get("amount"));
        Assert.Null(value.Get("memo"));

        // Written back: the oneof and every number come from the schema read (Confluent's Tag parameters).
        var ours = converter.FromConnectData("payments-copy", null, schema, value)!;
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{Url}/subjects/payments-copy-value/versions/latest/schema");
        foreach (var expected in new[] { "oneof method {", "string iban = 2;", "Card card = 3;", "int64 points = 5;", "int32 amount = 4;", "optional string memo = 6;" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
        using var protos = new TempDirectory();
        File.WriteAllText(Path.Combine(protos.Path, "payment.proto"), text);
        var decoded = Protoc.Decode(protos.Path, "payment.proto", "Payment", ours[6..]); // the struct read is "Payment": no package
        Assert.Contains("card {", decoded, StringComparison.Ordinal);
        Assert.Contains("last4: \"4242\"", decoded, StringComparison.Ordinal);
        Assert.Contains("amount: 700", decoded, StringComparison.Ordinal);
        Assert.DoesNotContain("iban", decoded, StringComparison.Ordinal);
        Assert.Equal(value, converter.ToConnectData("payments-copy", null, ours).Value);

        // The last member on the wire wins: points after card.
        var twice = bytes.Concat(new byte[] { 5 << 3, 9 }).ToArray();
        var last = ((Struct)converter.ToConnectData("payments", null, twice).Value!).GetStruct("method_0")!;
        Assert.Equal(9L, last.Get("points"));
        Assert.Null(last.Get("card"));
    }

    [Fact]
    public async Task Without_generate_index_for_unions_a_oneof_field_is_named_after_the_oneof()
    {
        var registered = await SendAsync(HttpMethod.Post, "subjects/unindexed-value/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = PaymentProto });
        using var protos = new TempDirectory();
        File.WriteAllText(Path.Combine(protos.Path, "payment.proto"), PaymentProto);
        var payload = Protoc.Encode(protos.Path, "payment.proto", "shop.Payment", """id: "p-2" points: 40 amount: 12""");
        var bytes = new byte[6 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), registered.Body!["id"]!.GetValue<int>());
        payload.CopyTo(bytes, 6);

        using var converter = Converter(("generate.index.for.unions", "false"), ("optional.for.nullables", "true")); // memo stays proto3 optional
        var read = converter.ToConnectData("unindexed", null, bytes);
        Assert.Equal(["method", "id", "amount", "memo"], read.Schema!.Fields.Select(f => f.Name));
        Assert.Equal("io.confluent.connect.protobuf.Union.method", read.Schema.Field("method")!.Schema.Name);
        var value = (Struct)read.Value!;
        Assert.Equal(40L, value.GetStruct("method")!.Get("points"));
        var written = converter.FromConnectData("unindexed-copy", null, read.Schema, value)!;
        Assert.Equal(value, converter.ToConnectData("unindexed-copy", null, written).Value);
        Assert.Contains("points: 40", Protoc.Decode(protos.Path, "payment.proto", "shop.Payment", written[6..]), StringComparison.Ordinal);
        using var indexed = Converter();
        Assert.Equal(40L, ((Struct)indexed.ToConnectData("unindexed", null, bytes).Value!).GetStruct("method_0")!.Get("points"));
    }

    [Fact]
    public async Task Enhanced_schema_support_reads_full_names_so_the_package_survives_a_round_trip()
    {
        var registered = await SendAsync(HttpMethod.Post, "subjects/enhanced-value/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = PaymentProto });
        using var protos = new TempDirectory();
        File.WriteAllText(Path.Combine(protos.Path, "payment.proto"), PaymentProto);
        var payload = Protoc.Encode(protos.Path, "payment.proto", "shop.Payment", """id: "p-3" card { last4: "1881" } amount: 5""");
        var bytes = new byte[6 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), registered.Body!["id"]!.GetValue<int>());
        payload.CopyTo(bytes, 6);

        using var plain = Converter();
        var simple = plain.ToConnectData("enhanced", null, bytes).Schema!;
        Assert.Equal("Payment", simple.Name);
        Assert.Equal("io.confluent.connect.protobuf.Union.method", simple.Field("method_0")!.Schema.Name);
        Assert.Equal("Card", simple.Field("method_0")!.Schema.Field("card")!.Schema.Name);

        using var converter = Converter(("enhanced.protobuf.schema.support", "true"), ("optional.for.nullables", "true"));
        var read = converter.ToConnectData("enhanced", null, bytes);
        Assert.Equal("shop.Payment", read.Schema!.Name);
        var union = read.Schema.Field("method_0")!.Schema;
        Assert.Equal("io.confluent.connect.protobuf.Union.shop.Payment.method", union.Name);
        Assert.Equal("shop.Payment.Card", union.Field("card")!.Schema.Name);
        var written = converter.FromConnectData("enhanced-copy", null, read.Schema, read.Value)!;
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{Url}/subjects/enhanced-copy-value/versions/latest/schema");
        Assert.Contains("package shop;", text, StringComparison.Ordinal);
        Assert.Contains("oneof method {", text, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(protos.Path, "copy.proto"), text);
        Assert.Contains("last4: \"1881\"", Protoc.Decode(protos.Path, "copy.proto", "shop.Payment", written[6..]), StringComparison.Ordinal);
        Assert.Equal(read.Value, converter.ToConnectData("enhanced-copy", null, written).Value);
    }

    [Fact]
    public async Task A_connect_union_struct_becomes_a_oneof_numbered_in_field_order()
    {
        var union = SchemaBuilder.Struct().Name("io.confluent.connect.protobuf.Union.method").Optional()
            .Field("iban", ConnectSchema.OptionalString).Field("points", ConnectSchema.OptionalInt64).Build();
        var schema = SchemaBuilder.Struct().Name("shop.Transfer")
            .Field("id", ConnectSchema.String).Field("how", union).Field("amount", ConnectSchema.Int32).Build();
        using var converter = Converter(("optional.for.nullables", "true"));
        var bytes = converter.FromConnectData("transfers", null, schema,
            new Struct(schema).Put("id", "t-1").Put("how", new Struct(union).Put("points", 9L)).Put("amount", 0))!;
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{Url}/subjects/transfers-value/versions/latest/schema");
        foreach (var expected in new[] { "oneof method {", "string iban = 2;", "int64 points = 3;", "int32 amount = 4;" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("optional string iban", text, StringComparison.Ordinal); // proto3 allows no optional inside a oneof
        using var protos = new TempDirectory();
        File.WriteAllText(Path.Combine(protos.Path, "transfer.proto"), text);
        Assert.Contains("points: 9", Protoc.Decode(protos.Path, "transfer.proto", "shop.Transfer", bytes[6..]), StringComparison.Ordinal);

        var read = (Struct)converter.ToConnectData("transfers", null, bytes).Value!;
        Assert.Equal(9L, read.GetStruct("method_0")!.Get("points"));
        Assert.Null(read.GetStruct("method_0")!.Get("iban"));

        var nested = SchemaBuilder.Struct().Name("shop.Bad").Field("u", SchemaBuilder.Struct().Name("io.confluent.connect.protobuf.Union.u").Optional()
            .Field("list", SchemaBuilder.Array(ConnectSchema.Int32).Optional().Build()).Build()).Build();
        Assert.Throws<DataException>(() => converter.FromConnectData("bad", null, nested, new Struct(nested)));
    }

    private const string ParcelProto = """
        syntax = "proto3";
        package shop;

        enum Status {
          STATUS_UNKNOWN = 0;
          PLACED = 1;
          SHIPPED = 5;
        }

        message Parcel {
          string id = 1;
          Status status = 2;
          repeated Status history = 3;
          map<string, Status> by_carrier = 4;
        }
        """;

    private const string ParcelText = """id: "p-1" status: SHIPPED history: [PLACED, SHIPPED] by_carrier { key: "ups" value: PLACED }""";

    /// <summary>protoc's bytes of <see cref="ParcelText"/> after the header of a schema registered from <see cref="ParcelProto"/>.</summary>
    private async Task<(byte[] Message, byte[] Payload)> ParcelAsync(string subject)
    {
        var registered = await SendAsync(HttpMethod.Post, $"subjects/{subject}/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = ParcelProto });
        using var protos = new TempDirectory();
        File.WriteAllText(Path.Combine(protos.Path, "parcel.proto"), ParcelProto);
        var payload = Protoc.Encode(protos.Path, "parcel.proto", "shop.Parcel", ParcelText);
        var message = new byte[6 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), registered.Body!["id"]!.GetValue<int>());
        payload.CopyTo(message, 6);
        return (message, payload);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_enum_read_from_protoc_bytes_is_written_back_as_the_same_enum(bool intForEnums)
    {
        var (message, payload) = await ParcelAsync($"parcels-{intForEnums}-value");
        using var converter = Converter(("int.for.enums", intForEnums ? "true" : "false"));
        var read = converter.ToConnectData("parcels", null, message);

        // ProtobufData's enum schema: STRING (INT32 with int.for.enums) named after the enum, the enum's name and every
        // constant's number as parameters, besides the field's number.
        var status = read.Schema!.Field("status")!.Schema;
        Assert.Equal(intForEnums ? ConnectSchemaType.Int32 : ConnectSchemaType.String, status.Type);
        Assert.Equal("Status", status.Name);
        var expected = new Dictionary<string, string>
        {
            ["io.confluent.connect.protobuf.Enum"] = "Status",
            ["io.confluent.connect.protobuf.Enum.STATUS_UNKNOWN"] = "0",
            ["io.confluent.connect.protobuf.Enum.PLACED"] = "1",
            ["io.confluent.connect.protobuf.Enum.SHIPPED"] = "5",
            ["io.confluent.connect.protobuf.Tag"] = "2",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), status.Parameters!.OrderBy(p => p.Key));
        using var enhanced = Converter(("enhanced.protobuf.schema.support", "true"), ("int.for.enums", intForEnums ? "true" : "false"));
        var fullNamed = enhanced.ToConnectData("parcels", null, message).Schema!.Field("status")!.Schema;
        Assert.Equal("shop.Status", fullNamed.Name); // the enum's full name; its Enum parameter stays "Status"
        Assert.Equal("Status", fullNamed.Parameters!["io.confluent.connect.protobuf.Enum"]);
        var history = read.Schema.Field("history")!.Schema.ValueSchema;
        Assert.Equal(status.Type, history.Type);
        Assert.Equal("5", history.Parameters!["io.confluent.connect.protobuf.Enum.SHIPPED"]);
        var value = (Struct)read.Value!;
        object Constant(string name, int number) => intForEnums ? number : name;
        Assert.Equal(Constant("SHIPPED", 5), value.Get("status"));
        Assert.Equal(new List<object?> { Constant("PLACED", 1), Constant("SHIPPED", 5) }, value.Get("history"));
        Assert.Equal(Constant("PLACED", 1), ((System.Collections.IDictionary)value.Get("by_carrier")!)["ups"]);

        // Written back under another subject: the registered schema declares the enum again (nested in the message, as
        // ProtobufData places it), the fields have its type, and the bytes are protoc's.
        var written = converter.FromConnectData("parcels-copy", null, read.Schema, value)!;
        Assert.Equal(payload, written[6..]);
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{Url}/subjects/parcels-copy-value/versions/latest/schema");
        foreach (var line in new[] { "enum Status {", "STATUS_UNKNOWN = 0;", "PLACED = 1;", "SHIPPED = 5;", "Status status = 2;", "repeated Status history = 3;", "map<string, Status> by_carrier = 4;" })
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }
        var parcel = ProtobufSchema.Parse(text, []).File.MessageType.Single();
        Assert.Equal(Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type.Enum, parcel.Field.Single(f => f.Name == "status").Type);
        Assert.Equal(["STATUS_UNKNOWN", "PLACED", "SHIPPED"], parcel.EnumType.Single().Value.Select(v => v.Name));
        using var protos = new TempDirectory();
        File.WriteAllText(Path.Combine(protos.Path, "copy.proto"), text);
        // ProtobufData's default names drop the package (the struct read is "Parcel"); enhanced.protobuf.schema.support keeps it.
        var decoded = Protoc.Decode(protos.Path, "copy.proto", "Parcel", written[6..]);
        foreach (var line in new[] { "status: SHIPPED", "history: PLACED", "history: SHIPPED", "value: PLACED" })
        {
            Assert.Contains(line, decoded, StringComparison.Ordinal);
        }
        var again = converter.ToConnectData("parcels-copy", null, written);
        Assert.Equal(value.Get("status"), ((Struct)again.Value!).Get("status"));
        Assert.Equal(value.Get("history"), ((Struct)again.Value!).Get("history"));
    }

    private const string ReadingProto = """
        syntax = "proto3";
        package meter;

        message Reading {
          sint32 delta = 1;
          sfixed32 offset = 2;
          uint32 count = 3;
          fixed32 flags = 4;
          sint64 drift = 5;
          uint64 total = 6;
          fixed64 mask = 7;
          sfixed64 stamp = 8;
          repeated sint64 deltas = 9;
          map<fixed32, string> labels = 10;
          int32 plain = 11;
        }
        """;

    [Fact]
    public async Task Scalar_kinds_behind_int32_and_int64_are_carried_as_a_type_parameter_and_written_back()
    {
        var registered = await SendAsync(HttpMethod.Post, "subjects/readings-value/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = ReadingProto });
        using var protos = new TempDirectory();
        File.WriteAllText(Path.Combine(protos.Path, "reading.proto"), ReadingProto);
        var payload = Protoc.Encode(protos.Path, "reading.proto", "meter.Reading",
            """delta: -3 offset: -70000 count: 4000000000 flags: 9 drift: -5000000000 total: 18000000000000000000 mask: 1 stamp: -2 deltas: [-1, 1] labels { key: 7 value: "seven" } plain: -1""");
        var bytes = new byte[6 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), registered.Body!["id"]!.GetValue<int>());
        payload.CopyTo(bytes, 6);

        using var converter = Converter(("enhanced.protobuf.schema.support", "true"));
        var read = converter.ToConnectData("readings", null, bytes);
        string? TypeOf(ConnectSchema schema) => schema.Parameters!.GetValueOrDefault(ProtobufData.TypeParameter);
        var expected = new (string Field, ConnectSchemaType Type, string? Proto)[]
        {
            ("delta", ConnectSchemaType.Int32, "sint32"), ("offset", ConnectSchemaType.Int32, "sfixed32"), ("count", ConnectSchemaType.Int64, "uint32"),
            ("flags", ConnectSchemaType.Int64, "fixed32"), ("drift", ConnectSchemaType.Int64, "sint64"), ("total", ConnectSchemaType.Int64, "uint64"),
            ("mask", ConnectSchemaType.Int64, "fixed64"), ("stamp", ConnectSchemaType.Int64, "sfixed64"), ("plain", ConnectSchemaType.Int32, null),
        };
        foreach (var (field, type, proto) in expected)
        {
            var schema = read.Schema!.Field(field)!.Schema;
            Assert.Equal(type, schema.Type);
            Assert.Equal(proto, TypeOf(schema));
        }
        Assert.Equal("sint64", TypeOf(read.Schema!.Field("deltas")!.Schema.ValueSchema));
        Assert.Equal("fixed32", TypeOf(read.Schema.Field("labels")!.Schema.KeySchema));
        var value = (Struct)read.Value!;
        Assert.Equal(4_000_000_000L, value.Get("count"));
        Assert.Equal(unchecked((long)18_000_000_000_000_000_000UL), value.Get("total")); // uint64 beyond long: its bits, as ProtobufData reads it

        var written = converter.FromConnectData("readings-copy", null, read.Schema, value)!;
        Assert.Equal(payload, written[6..]);
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{Url}/subjects/readings-copy-value/versions/latest/schema");
        foreach (var line in new[] { "sint32 delta = 1;", "sfixed32 offset = 2;", "uint32 count = 3;", "fixed32 flags = 4;", "sint64 drift = 5;", "uint64 total = 6;", "fixed64 mask = 7;", "sfixed64 stamp = 8;", "repeated sint64 deltas = 9;", "map<fixed32, string> labels = 10;", "int32 plain = 11;" })
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_connect_enum_schema_declares_its_constants_zero_first_and_bad_constants_are_refused()
    {
        var color = SchemaBuilder.String().Name("Color").Optional().Parameter(ProtobufData.EnumParameter, "Color")
            .Parameter(ProtobufData.EnumParameter + ".RED", "1").Parameter(ProtobufData.EnumParameter + ".NONE", "0")
            .Parameter(ProtobufData.EnumParameter + ".CRIMSON", "1").Build();
        var schema = SchemaBuilder.Struct().Name("paint.Can").Field("color", color).Field("count", ConnectSchema.Int32).Build();
        using var converter = Converter(("optional.for.nullables", "true"));
        var bytes = converter.FromConnectData("cans", null, schema, new Struct(schema).Put("color", "CRIMSON").Put("count", 3))!;
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{Url}/subjects/cans-value/versions/latest/schema");
        var can = ProtobufSchema.Parse(text, []).File.MessageType.Single();
        var declared = can.EnumType.Single();
        Assert.Equal(["NONE", "RED", "CRIMSON"], declared.Value.Select(v => v.Name)); // 0 first, as proto3 requires
        Assert.True(declared.Options.AllowAlias); // RED and CRIMSON share 1
        Assert.Contains("optional Color color = 1;", text, StringComparison.Ordinal);
        using var protos = new TempDirectory();
        File.WriteAllText(Path.Combine(protos.Path, "can.proto"), text);
        Assert.Contains("color: RED", Protoc.Decode(protos.Path, "can.proto", "paint.Can", bytes[6..]), StringComparison.Ordinal); // 1's first name
        var read = (Struct)converter.ToConnectData("cans", null, bytes).Value!;
        Assert.Equal("RED", read.Get("color"));
        Assert.Null(((Struct)converter.ToConnectData("cans", null, converter.FromConnectData("cans", null, schema, new Struct(schema).Put("count", 1))!).Value!).Get("color"));

        // A name the enum does not have is a DataException; so is an enum without a constant numbered 0.
        Assert.Contains("'BLUE'", Assert.Throws<DataException>(() => converter.FromConnectData("cans", null, schema, new Struct(schema).Put("color", "BLUE").Put("count", 1))).Message, StringComparison.Ordinal);
        var noZero = SchemaBuilder.String().Parameter(ProtobufData.EnumParameter, "Level").Parameter(ProtobufData.EnumParameter + ".HIGH", "2").Build();
        var bad = SchemaBuilder.Struct().Name("paint.Bad").Field("level", noZero).Build();
        Assert.Contains("numbered 0", Assert.Throws<DataException>(() => converter.FromConnectData("bad", null, bad, new Struct(bad).Put("level", "HIGH"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Format_serialized_answers_the_descriptor_protoc_builds()
    {
        var registered = await SendAsync(HttpMethod.Post, "subjects/serialized-value/versions", new JsonObject { ["schemaType"] = "PROTOBUF", ["schema"] = PaymentProto });
        var id = registered.Body!["id"]!.GetValue<int>();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = Url });
        var served = await client.GetSchemaAsync(id, "serialized");
        Assert.Equal(RegistrySchemaType.Protobuf, served.SchemaType);
        var descriptor = Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(Convert.FromBase64String(served.SchemaString));

        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "default.proto"), PaymentProto);
        Protoc.Run(directory.Path, "--descriptor_set_out=out.pb", "default.proto");
        var protoc = Google.Protobuf.Reflection.FileDescriptorSet.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(directory.Path, "out.pb"))).File.Single();
        Assert.Equal(protoc, descriptor);

        // The same descriptor by subject version (a number or latest) and as the bare schema by id.
        foreach (var path in new[] { "subjects/serialized-value/versions/1?format=serialized", "subjects/serialized-value/versions/latest?format=serialized" })
        {
            var version = (await SendAsync(HttpMethod.Get, path)).Body!;
            Assert.Equal(id, version["id"]!.GetValue<int>());
            Assert.Equal(protoc, Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(Convert.FromBase64String(version["schema"]!.GetValue<string>())));
        }
        using var http = new HttpClient();
        var bare = await http.GetStringAsync($"{Url}/schemas/ids/{id}/schema?format=serialized");
        Assert.Equal(protoc, Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(Convert.FromBase64String(bare)));

        // Without the format, and for other schema types, the text.
        Assert.Contains("oneof method", (await client.GetSchemaAsync(id)).SchemaString, StringComparison.Ordinal);
        Assert.Contains("oneof method", (await SendAsync(HttpMethod.Get, "subjects/serialized-value/versions/1")).Body!["schema"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("oneof method", await http.GetStringAsync($"{Url}/schemas/ids/{id}/schema"), StringComparison.Ordinal);
        var avro = await SendAsync(HttpMethod.Post, "subjects/avro-serialized/versions", new JsonObject { ["schema"] = "\"string\"" });
        var avroServed = await SendAsync(HttpMethod.Get, $"schemas/ids/{avro.Body!["id"]!.GetValue<int>()}?format=serialized");
        Assert.Equal("\"string\"", avroServed.Body!["schema"]!.GetValue<string>());
        Assert.Equal("\"string\"", (await SendAsync(HttpMethod.Get, "subjects/avro-serialized/versions/1?format=serialized")).Body!["schema"]!.GetValue<string>());
    }
}
