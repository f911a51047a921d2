using Tributary.Connect.Data;
using Tributary.Connect.Datagen;
using Tributary.Connect.Datagen.Avro;

namespace Tributary.Generator.Tests;

/// <summary>The datagen connector's schemas in-process: generation hints, the regex generator, the quickstarts, the errors.</summary>
public sealed class DatagenSchemaTests
{
    private const string Hinted = """
        {"type":"record","name":"reading","namespace":"test","fields":[
          {"name":"id","type":{"type":"long","arg.properties":{"iteration":{"start":100,"step":5}}}},
          {"name":"level","type":{"type":"int","arg.properties":{"range":{"min":-3,"max":4}}}},
          {"name":"color","type":{"type":"string","arg.properties":{"options":["red","green"]}}},
          {"name":"code","type":{"type":"string","arg.properties":{"regex":"[A-C]{2}-\\d{3}(x|yz)?"}}},
          {"name":"ratio","type":{"type":"double","arg.properties":{"range":{"min":0.5,"max":0.75}}}},
          {"name":"note","type":["null","string"]},
          {"name":"kind","type":{"type":"enum","name":"kind","symbols":["A","B"]}},
          {"name":"tags","type":{"type":"array","items":"string","arg.properties":{"length":3}}},
          {"name":"inner","type":{"type":"record","name":"inner","fields":[{"name":"flag","type":"boolean"}]}}]}
        """;

    [Fact]
    public void Hints_bound_the_values_and_the_connect_schema_follows_the_avro_types()
    {
        var schema = GenerationSchema.Parse(Hinted);
        var connect = schema.ConnectSchema;
        Assert.Equal(SchemaType.Struct, connect.Type);
        Assert.Equal("test.reading", connect.Name);
        Assert.Equal(SchemaType.Int64, connect.Field("id")!.Schema.Type);
        Assert.Equal(SchemaType.Int32, connect.Field("level")!.Schema.Type);
        Assert.Equal(SchemaType.Float64, connect.Field("ratio")!.Schema.Type);
        Assert.True(connect.Field("note")!.Schema.IsOptional);
        Assert.Equal(SchemaType.String, connect.Field("kind")!.Schema.Type);
        Assert.Equal(SchemaType.Array, connect.Field("tags")!.Schema.Type);
        Assert.Equal(SchemaType.Boolean, connect.Field("inner")!.Schema.Field("flag")!.Schema.Type);

        var random = new Random(1);
        var values = Enumerable.Range(0, 400).Select(_ => (Struct)schema.Next(random)!).ToList();
        values.ForEach(v => v.Validate());
        Assert.Equal(Enumerable.Range(0, 400).Select(i => 100L + (5 * i)), values.Select(v => v.GetInt64("id")!.Value));
        Assert.Equal(Enumerable.Range(-3, 7), values.Select(v => v.GetInt32("level")!.Value).Distinct().Order());
        Assert.Equal(["green", "red"], values.Select(v => (string)v.Get("color")!).Distinct().Order());
        Assert.All(values, v => Assert.Matches(@"^[A-C]{2}-\d{3}(x|yz)?$", (string)v.Get("code")!));
        Assert.All(values, v => Assert.InRange(v.GetFloat64("ratio")!.Value, 0.5, 0.75));
        Assert.Contains(values, v => v.Get("note") is null);
        Assert.Contains(values, v => v.Get("note") is string);
        Assert.All(values, v => Assert.Equal(3, ((System.Collections.IList)v.Get("tags")!).Count));
    }

    [Fact]
    public void The_same_seed_makes_the_same_values()
    {
        static List<string> Make(int seed)
        {
            var schema = GenerationSchema.Parse(Hinted);
            var random = new Random(seed);
            return [.. Enumerable.Range(0, 50).Select(_ => schema.Next(random)!.ToString()!)];
        }
        Assert.Equal(Make(5), Make(5));
        Assert.NotEqual(Make(5), Make(6));
    }

    public static TheoryData<string> QuickstartNames() => [.. Quickstarts.All.Keys];

    [Theory]
    [MemberData(nameof(QuickstartNames))]
    public void Every_quickstart_makes_valid_structs_keyed_by_a_field_it_has(string name)
    {
        var quickstart = Quickstarts.All[name];
        var schema = GenerationSchema.Parse(quickstart.Schema);
        Assert.NotNull(schema.Field(quickstart.KeyField));
        var random = new Random(3);
        for (var i = 0; i < 100; i++)
        {
            var value = (Struct)schema.Next(random)!;
            value.Validate();
            Assert.NotNull(value.Get(quickstart.KeyField));
        }
    }

    [Theory]
    [InlineData("User_[1-9]", @"^User_[1-9]$")]
    [InlineData("BYOC_Item_[1-9][0-9]{0,2}", @"^BYOC_Item_[1-9][0-9]{0,2}$")]
    [InlineData("(GET|POST) /[a-z]+\\.html\\?q=\\w{2,}", @"^(GET|POST) /[a-z]+\.html\?q=\w{2,}$")]
    [InlineData("[^a-z]x*y+.", @"^[^a-z]x*y+.$")]
    public void The_regex_generator_makes_matching_strings(string pattern, string check)
    {
        var generator = RegexGenerator.Parse(pattern);
        var random = new Random(9);
        Assert.All(Enumerable.Range(0, 200).Select(_ => generator.Generate(random)), s => Assert.Matches(check, s));
    }

    [Theory]
    [InlineData("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"int\",\"arg.properties\":{\"range\":{\"min\":5,\"max\":5}}}}]}", "field 'a': range.min (5) must be below range.max (5)")]
    [InlineData("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"int\",\"arg.properties\":{\"options\":[\"x\"]}}}]}", "field 'a': option \"x\" is not a int")]
    [InlineData("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"string\",\"arg.properties\":{\"regex\":\"(?=x)\"}}}]}", "field 'a': regex \"(?=x)\"")]
    [InlineData("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"strin\"}]}", "field 'a': unknown type \"strin\"")]
    [InlineData("{\"type\":\"record\",\"name\":\"r\",\"fields\":[", "not valid JSON")]
    public void Bad_schemas_are_refused_naming_the_field(string json, string message)
    {
        var error = Assert.Throws<SchemaDefinitionException>(() => GenerationSchema.Parse(json));
        Assert.Contains(message, error.Message);
    }
}
