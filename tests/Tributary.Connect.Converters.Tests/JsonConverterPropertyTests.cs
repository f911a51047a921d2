using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Tributary.Connect.Data;
using Tributary.Connect.Json;
using ConnectDate = Tributary.Connect.Data.Date;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectTime = Tributary.Connect.Data.Time;
using ConnectTimestamp = Tributary.Connect.Data.Timestamp;

namespace Tributary.Connect.Converters.Tests;

/// <summary>Random schemas and values survive JsonConverter (with schemas, both decimal formats) and schemaless JSON.</summary>
public class JsonConverterPropertyTests
{
    private static readonly Gen<int> Seeds = Gen.Choose(0, int.MaxValue);

    [Fact]
    public void RandomSchemasAndValuesRoundTrip()
    {
        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(Seeds), seed =>
        {
            var random = new Random(seed);
            var schema = RandomSchema(random, 0);
            var value = RandomValue(random, schema);
            foreach (var format in new[] { "BASE64", "NUMERIC" })
            {
                var converter = new JsonConverter();
                converter.Configure(new Dictionary<string, string> { ["decimal.format"] = format }, isKey: false);
                var bytes = converter.FromConnectData("t", null, schema, value);
                var read = converter.ToConnectData("t", null, bytes);
                Assert.Equal(schema, read.Schema);
                Assert.True(ValueEquality.Equal(value, read.Value), $"seed {seed}: {Encoding.UTF8.GetString(bytes!)}");
                // Writing what was read gives the same bytes (maps aside: they come back in Java HashMap order, as in Kafka).
                if (!ContainsMap(schema))
                {
                    Assert.Equal(bytes, converter.FromConnectData("t", null, read.Schema, read.Value));
                }
            }
        }));
    }

    [Fact]
    public void RandomSchemalessValuesRoundTrip()
    {
        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(Seeds), seed =>
        {
            var random = new Random(seed);
            var value = RandomSchemaless(random, 0);
            var bytes = SchemalessJson.Serialize(value);
            var read = SchemalessJson.Deserialize(bytes);
            Assert.True(ValueEquality.Equal(value, read), $"seed {seed}: {(bytes is null ? "null" : Encoding.UTF8.GetString(bytes))}");
            // Maps come back in Java HashMap order, so written again they may list keys differently, never other content.
            Assert.True(ValueEquality.Equal(read, SchemalessJson.Deserialize(SchemalessJson.Serialize(read))));
        }));
    }

    private static bool ContainsMap(Schema schema) => schema.Type switch
    {
        SchemaType.Map => true,
        SchemaType.Array => ContainsMap(schema.ValueSchema),
        SchemaType.Struct => schema.Fields.Any(f => ContainsMap(f.Schema)),
        _ => false,
    };

    private static Schema RandomSchema(Random random, int depth)
    {
        var kind = random.Next(depth >= 3 ? 13 : 16);
        SchemaBuilder builder = kind switch
        {
            0 => SchemaBuilder.Int8(),
            1 => SchemaBuilder.Int16(),
            2 => SchemaBuilder.Int32(),
            3 => SchemaBuilder.Int64(),
            4 => SchemaBuilder.Float32(),
            5 => SchemaBuilder.Float64(),
            6 => SchemaBuilder.Bool(),
            7 => SchemaBuilder.String(),
            8 => SchemaBuilder.Bytes(),
            9 => ConnectDecimal.Builder(random.Next(-3, 12)),
            10 => ConnectDate.Builder(),
            11 => ConnectTime.Builder(),
            12 => ConnectTimestamp.Builder(),
            13 => SchemaBuilder.Array(RandomSchema(random, depth + 1)),
            14 => SchemaBuilder.Map(random.Next(2) == 0 ? Schema.String : RandomPrimitiveKey(random), RandomSchema(random, depth + 1)),
            _ => RandomStruct(random, depth),
        };
        if (random.Next(3) == 0)
        {
            builder.Optional();
        }
        if (builder.Type != SchemaType.Struct && builder.Type.IsPrimitive() && random.Next(6) == 0 && kind < 9)
        {
            builder.Name("com.example.T" + random.Next(100)).Version(random.Next(1, 5)).Doc(random.Next(2) == 0 ? "doc \"quoted\" é" : null);
            builder.Parameter("p" + random.Next(10), "v" + random.Next(10));
        }
        return builder.Build();
    }

    private static Schema RandomPrimitiveKey(Random random) => random.Next(4) switch
    {
        0 => Schema.Int32,
        1 => Schema.Int64,
        2 => Schema.Boolean,
        _ => Schema.Int16,
    };

    private static SchemaBuilder RandomStruct(Random random, int depth)
    {
        var builder = SchemaBuilder.Struct().Name(random.Next(2) == 0 ? "com.example.S" + depth : null);
        var count = random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            builder.Field("f" + i + (random.Next(4) == 0 ? " ünï\"code" : ""), RandomSchema(random, depth + 1));
        }
        return builder;
    }

    private static object? RandomValue(Random random, Schema schema)
    {
        if (schema.IsOptional && random.Next(5) == 0)
        {
            return null;
        }
        switch (schema.Name)
        {
            case ConnectDecimal.LogicalName:
                return new BigDecimal(new System.Numerics.BigInteger(random.NextInt64()) * random.Next(1, 1000), ConnectDecimal.ScaleOf(schema));
            case ConnectDate.LogicalName:
                return DateTime.UnixEpoch.AddDays(random.Next(-40000, 40000));
            case ConnectTime.LogicalName:
                return DateTime.UnixEpoch.AddMilliseconds(random.Next(0, 86_400_000));
            case ConnectTimestamp.LogicalName:
                return DateTime.UnixEpoch.AddMilliseconds(random.NextInt64(-5_000_000_000_000, 5_000_000_000_000));
        }
        switch (schema.Type)
        {
            case SchemaType.Int8: return (sbyte)random.Next(sbyte.MinValue, sbyte.MaxValue + 1);
            case SchemaType.Int16: return (short)random.Next(short.MinValue, short.MaxValue + 1);
            case SchemaType.Int32: return random.Next(int.MinValue, int.MaxValue);
            case SchemaType.Int64: return random.NextInt64(long.MinValue, long.MaxValue);
            case SchemaType.Float32: return RandomFloat(random);
            case SchemaType.Float64: return RandomDouble(random);
            case SchemaType.Boolean: return random.Next(2) == 0;
            case SchemaType.String: return RandomString(random);
            case SchemaType.Bytes:
                var bytes = new byte[random.Next(0, 20)];
                random.NextBytes(bytes);
                return bytes;
            case SchemaType.Array:
                return Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, schema.ValueSchema)).ToList();
            case SchemaType.Map:
                var map = new Dictionary<object, object?>();
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    var key = RandomValue(random, schema.KeySchema.IsOptional ? Schema.OfType(schema.KeySchema.Type) : schema.KeySchema);
                    map[key!] = RandomValue(random, schema.ValueSchema);
                }
                return map;
            default:
                var value = new Struct(schema);
                foreach (var field in schema.Fields)
                {
                    value.Put(field, RandomValue(random, field.Schema));
                }
                return value;
        }
    }

    private static double RandomDouble(Random random) => random.Next(4) switch
    {
        0 => random.Next(-1000, 1000),
        1 => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 1.5,
        2 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12)),
        _ => new[] { 0.0, -0.0, double.Epsilon, double.MaxValue, 1e7, 1e-3, 0.1 }[random.Next(7)],
    };

    private static float RandomFloat(Random random) => random.Next(3) switch
    {
        0 => random.Next(-1000, 1000),
        1 => BitConverter.Int32BitsToSingle(random.Next()) is var f && float.IsFinite(f) ? f : 2.5f,
        _ => new[] { 0f, -0f, float.Epsilon, float.MaxValue, 1e7f, 1e-3f, 0.1f }[random.Next(7)],
    };

    private static string RandomString(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(0, 12); i > 0; i--)
        {
            text.Append(random.Next(8) switch
            {
                0 => (char)random.Next(0, 0x20),
                1 => "\"\\/"[random.Next(3)],
                2 => (char)random.Next(0x80, 0xD800),
                3 => "😀",
                4 => (char)random.Next(0xD800, 0xE000),
                _ => (char)random.Next(0x20, 0x7F),
            });
        }
        return text.ToString();
    }

    private static object? RandomSchemaless(Random random, int depth) => random.Next(depth >= 3 ? 5 : 7) switch
    {
        0 => null,
        1 => random.NextInt64(long.MinValue, long.MaxValue),
        2 => RandomDouble(random),
        3 => random.Next(2) == 0,
        4 => RandomString(random),
        5 => Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomSchemaless(random, depth + 1)).ToList(),
        _ => Enumerable.Range(0, random.Next(0, 5)).ToDictionary(i => "k" + i + RandomString(random), _ => RandomSchemaless(random, depth + 1)),
    };
}
