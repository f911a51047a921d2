using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Sink;
using Tributary.Connect.Transforms.Predicates;
using static Tributary.Connect.Transforms.Tests.Records;

namespace Tributary.Connect.Transforms.Tests;

public class HeaderAndPredicateTests
{
    private static SinkRecord WithHeaders(Schema? schema, object? value, params (string Key, string Value)[] headers) =>
        new("test", 0, null, null, schema, value, 0, 0, TimestampType.CreateTime, headers.Select(h => new Header(h.Key, Schema.String, h.Value)));

    [Fact]
    public void InsertHeaderParsesTheLiteral()
    {
        // Confluent's InsertHeader page: header=MyHeader, value.literal=MyValue.
        var insert = Configured<InsertHeader>(("header", "MyHeader"), ("value.literal", "MyValue"));
        var result = insert.Apply(WithHeaders(null, "v", ("existing", "x")))!;
        Assert.Equal(2, result.Headers.Count);
        Assert.Equal(new Header("MyHeader", Schema.String, "MyValue"), result.Headers.LastWithName("MyHeader"));
        var number = Configured<InsertHeader>(("header", "n"), ("value.literal", "42"));
        Assert.Equal(new Header("n", Schema.Int8, (sbyte)42), number.Apply(WithHeaders(null, null))!.Headers.LastWithName("n"));
    }

    [Fact]
    public void DropHeadersRemovesEveryNamedHeader()
    {
        // Confluent's DropHeaders page: headers=headerA,headerB.
        var drop = Configured<DropHeaders>(("headers", "headerA,headerB"));
        var result = drop.Apply(WithHeaders(null, null, ("headerA", "1"), ("keep", "2"), ("headerB", "3"), ("headerA", "4")))!;
        Assert.Equal(["keep"], result.Headers.Select(h => h.Key));
        Assert.EndsWith("Empty list", Assert.Throws<ConfigException>(() => Configured<DropHeaders>(("headers", ""))).Message);
    }

    [Fact]
    public void HeaderFromCopiesOrMovesFields()
    {
        // Confluent's HeaderFrom page: fields=id,ts headers=record_id,event_timestamp operation=copy|move.
        var schema = SchemaBuilder.Struct().Field("id", Schema.Int32).Field("ts", Schema.Int64).Field("name", Schema.String).Build();
        var value = new Struct(schema).Put("id", 7).Put("ts", 99L).Put("name", "n");
        var copy = Configured<HeaderFrom.Value>(("fields", "id,ts"), ("headers", "record_id,event_timestamp"), ("operation", "copy"));
        var copied = copy.Apply(WithHeaders(schema, value))!;
        Assert.Equal(new Header("record_id", Schema.Int32, 7), copied.Headers.LastWithName("record_id"));
        Assert.Equal(new Header("event_timestamp", Schema.Int64, 99L), copied.Headers.LastWithName("event_timestamp"));
        Assert.Same(value, copied.Value);
        var move = Configured<HeaderFrom.Value>(("fields", "id,ts"), ("headers", "record_id,event_timestamp"), ("operation", "move"));
        var moved = move.Apply(WithHeaders(schema, value))!;
        Assert.Equal(["name"], moved.ValueSchema!.Fields.Select(f => f.Name));
        Assert.Equal("n", ((Struct)moved.Value!).Get("name"));
        var schemaless = move.Apply(WithHeaders(null, Map(("id", 7L), ("ts", 99L), ("name", "n"))))!;
        Assert.True(ValueEquality.Equal(Map(("name", "n")), schemaless.Value));
        Assert.Equal(7L, schemaless.Headers.LastWithName("record_id")!.Value);
        Assert.Equal("'fields' config must have the same number of elements as 'headers' config.",
            Assert.Throws<ConfigException>(() => Configured<HeaderFrom.Value>(("fields", "a,b"), ("headers", "a"), ("operation", "copy"))).Message);
        Assert.Equal("Invalid value swap for configuration operation: String must be one of: move, copy",
            Assert.Throws<ConfigException>(() => Configured<HeaderFrom.Value>(("fields", "a"), ("headers", "a"), ("operation", "swap"))).Message);
    }

    [Fact]
    public void FilterDropsAndPredicatesMatch()
    {
        // Kafka docs (KIP-585): Filter with TopicNameMatches, HasHeaderKey and RecordIsTombstone.
        Assert.Null(Configured<Filter>().Apply(SinkRecordOf(null, "x")));
        var topic = new TopicNameMatches();
        topic.Configure(new Dictionary<string, string> { ["pattern"] = "foo-.*" });
        Assert.True(topic.Test(SinkRecordOf(null, null, topic: "foo-bar")));
        Assert.False(topic.Test(SinkRecordOf(null, null, topic: "xfoo-bar")));
        Assert.Throws<ConfigException>(() => new TopicNameMatches().Configure(new Dictionary<string, string> { ["pattern"] = "[" }));
        Assert.Equal("Invalid value  for configuration pattern: String must be non-empty",
            Assert.Throws<ConfigException>(() => new TopicNameMatches().Configure(new Dictionary<string, string> { ["pattern"] = "" })).Message);
        var header = new HasHeaderKey();
        header.Configure(new Dictionary<string, string> { ["name"] = "h" });
        Assert.True(header.Test(WithHeaders(null, null, ("h", "1"))));
        Assert.False(header.Test(WithHeaders(null, null, ("other", "1"))));
        var tombstone = new RecordIsTombstone();
        Assert.True(tombstone.Test(SinkRecordOf(null, null)));
        Assert.False(tombstone.Test(SinkRecordOf(null, "x")));
    }
}
