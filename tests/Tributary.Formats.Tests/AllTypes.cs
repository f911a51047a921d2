using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;

namespace Tributary.Formats.Tests;

/// <summary>A schema with every type, logical type and nesting the writer supports, and deterministic random rows for it.</summary>
public static class AllTypes
{
    public static ParquetSchema Schema() => new(
    [
        Field.Int64("id", required: true),
        Field.Boolean("flag"),
        Field.Integer("small", 8, isSigned: true),
        Field.Integer("u32", 32, isSigned: false),
        Field.Int32("i32"),
        Field.Float("f32"),
        Field.Double("f64"),
        Field.String("name"),
        Field.Binary("payload"),
        Field.FixedBytes("fixed", 4),
        Field.Date("day"),
        Field.Timestamp("ts_ms", TimeUnit.Millis, isAdjustedToUtc: true),
        Field.Timestamp("ts_us_local", TimeUnit.Micros, isAdjustedToUtc: false),
        Field.Decimal("price", 9, 2),
        Field.Decimal("amount", 18, 4),
        Field.Decimal("big", 30, 5),
        Field.Uuid("uid"),
        Field.Json("doc"),
        Field.List("tags", Field.String("element")),
        Field.List("scores", Field.Int32("element", required: true)),
        Field.Map("attrs", Field.String("key", required: true), Field.Int64("value")),
        Field.Struct("address", [Field.String("street"), Field.Int32("zip"), Field.Struct("geo", [Field.Double("lat"), Field.Double("lon")])]),
        Field.List("events", Field.Struct("element", [Field.String("kind"), Field.Timestamp("at", TimeUnit.Micros)])),
        Field.List("matrix", Field.List("element", Field.Int64("element"))),
    ]);

    private static readonly string[] Words = ["alpha", "beta", "gamma", "delta", "émoji 🚀", "", "zeta", "ünïcödé"];

    public static List<Dictionary<string, object?>> Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Dictionary<string, object?>>(count);
        T? Maybe<T>(Func<T> make) => random.Next(7) == 0 ? default : make();
        for (var i = 0; i < count; i++)
        {
            var row = new Dictionary<string, object?>
            {
                ["id"] = (long)i * 1000 + random.Next(1000) - 5000,
                ["flag"] = random.Next(5) == 0 ? null : random.Next(2) == 0,
                ["small"] = random.Next(7) == 0 ? null : (object)(random.Next(256) - 128),
                ["u32"] = random.Next(7) == 0 ? null : (object)(uint)random.NextInt64(0, uint.MaxValue + 1L),
                ["i32"] = random.Next(7) == 0 ? null : (object)(random.Next(3) == 0 ? random.Next() * (random.Next(2) == 0 ? -1 : 1) : random.Next(100)),
                ["f32"] = random.Next(7) == 0 ? null : (object)(float)((random.NextDouble() - 0.5) * 1000),
                ["f64"] = random.Next(7) == 0 ? null : (object)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 15))),
                ["name"] = Maybe(() => Words[random.Next(Words.Length)] + (random.Next(3) == 0 ? random.Next(100).ToString() : "")),
                ["payload"] = Maybe(() => RandomBytes(random, random.Next(0, 12))),
                ["fixed"] = Maybe(() => RandomBytes(random, 4)),
                ["day"] = random.Next(7) == 0 ? null : (object)DateOnly.FromDayNumber(DateOnly.FromDateTime(new DateTime(1970, 1, 1)).DayNumber + random.Next(-20000, 30000)),
                ["ts_ms"] = random.Next(7) == 0 ? null : (object)new DateTime(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks + (random.NextInt64(-1_000_000_000, 1_000_000_000) * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc),
                ["ts_us_local"] = random.Next(7) == 0 ? null : (object)new DateTime(new DateTime(2024, 6, 1).Ticks + (random.NextInt64(-1_000_000_000_000, 1_000_000_000_000) * TimeSpan.TicksPerMicrosecond), DateTimeKind.Unspecified),
                ["price"] = random.Next(7) == 0 ? null : (object)(random.Next(-99_999_999, 99_999_999) / 100m),
                ["amount"] = random.Next(7) == 0 ? null : (object)(random.NextInt64(-99_999_999_999_999, 99_999_999_999_999) / 10_000m),
                ["big"] = random.Next(7) == 0 ? null : (object)(random.Next(3) == 0 ? -12345678901234567890.12345m : random.NextInt64(-9_999_999_999, 9_999_999_999) / 100_000m),
                ["uid"] = random.Next(7) == 0 ? null : (object)new Guid(RandomBytes(random, 16)),
                ["doc"] = Maybe(() => $"{{\"k\":{random.Next(100)},\"s\":\"v{random.Next(10)}\"}}"),
                ["tags"] = Maybe(() => Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(5) == 0 ? null : (object?)Words[random.Next(Words.Length)]).ToList()),
                ["scores"] = Maybe(() => Enumerable.Range(0, random.Next(5)).Select(_ => (object?)random.Next(-1000, 1000)).ToList()),
                ["attrs"] = Maybe(() =>
                {
                    var pairs = new List<KeyValuePair<object, object?>>();
                    var n = random.Next(4);
                    for (var k = 0; k < n; k++)
                    {
                        pairs.Add(new("k" + k, random.Next(4) == 0 ? null : (object)random.NextInt64(-1L << 40, 1L << 40)));
                    }
                    return pairs;
                }),
                ["address"] = Maybe(() => new Dictionary<string, object?>
                {
                    ["street"] = Maybe(() => "Main St " + random.Next(100)),
                    ["zip"] = random.Next(5) == 0 ? null : (object)random.Next(10000, 99999),
                    ["geo"] = Maybe(() => new Dictionary<string, object?> { ["lat"] = random.NextDouble() * 90, ["lon"] = random.Next(4) == 0 ? null : random.NextDouble() * 180 }),
                }),
                ["events"] = Maybe(() => Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(6) == 0 ? null : (object?)new Dictionary<string, object?>
                {
                    ["kind"] = Maybe(() => Words[random.Next(3)]),
                    ["at"] = random.Next(5) == 0 ? null : new DateTime(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks + (random.NextInt64(0, 1_000_000_000_000) * 10), DateTimeKind.Utc),
                }).ToList()),
                ["matrix"] = Maybe(() => Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(5) == 0 ? null : (object?)Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(5) == 0 ? null : (object?)random.NextInt64()).ToList()).ToList()),
            };
            rows.Add(row);
        }
        return rows;
    }

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
