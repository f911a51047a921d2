using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;

namespace Tributary.Formats.Tests;

/// <summary>Random schemas (every leaf type, structs, lists, maps, bare repeated fields) and values that fit them.</summary>
public static class RandomSchemas
{
    public static ParquetSchema Schema(Random random)
    {
        var count = random.Next(1, 6);
        var fields = new List<SchemaNode>();
        for (var i = 0; i < count; i++)
        {
            fields.Add(Node(random, "f" + i, depth: 0));
        }
        return new ParquetSchema(fields);
    }

    private static SchemaNode Node(Random random, string name, int depth)
    {
        var required = random.Next(4) == 0;
        var kind = depth >= 3 ? random.Next(12) : random.Next(17);
        if (kind == 15 && name is "element" or "value")
        {
            kind = 2; // a LIST element or MAP value cannot itself be repeated
        }
        return kind switch
        {
            0 => Field.Boolean(name, required),
            1 => Field.Int32(name, required),
            2 => Field.Int64(name, required),
            3 => Field.Float(name, required),
            4 => Field.Double(name, required),
            5 => Field.String(name, required),
            6 => Field.Binary(name, required),
            7 => Field.FixedBytes(name, random.Next(1, 9), required),
            8 => Field.Date(name, required),
            9 => Field.Timestamp(name, (TimeUnit)random.Next(1, 3), random.Next(2) == 0, required),
            10 => Field.Decimal(name, new[] { 5, 15, 25 }[random.Next(3)], 2, required),
            11 => random.Next(2) == 0 ? Field.Uuid(name, required) : Field.Integer(name, new[] { 8, 16, 32, 64 }[random.Next(4)], random.Next(2) == 0, required),
            12 or 13 => Field.List(name, Node(random, "element", depth + 1), required),
            14 => Field.Map(name, Field.String("key", required: true), Node(random, "value", depth + 1), required),
            15 => new PrimitiveNode(name, Repetition.Repeated, PhysicalType.Int64),
            _ => Field.Struct(name, Enumerable.Range(0, random.Next(1, 4)).Select(i => Node(random, name + "_" + i, depth + 1)).ToList(), required),
        };
    }

    public static Dictionary<string, object?> Row(ParquetSchema schema, Random random)
    {
        var row = new Dictionary<string, object?>();
        foreach (var field in schema.Fields)
        {
            row[field.Name] = Value(field, random);
        }
        return row;
    }

    private static object? Value(SchemaNode node, Random random)
    {
        if (node.Repetition == Repetition.Optional && random.Next(5) == 0)
        {
            return null;
        }
        if (node.IsRepeated)
        {
            return Enumerable.Range(0, random.Next(0, 4)).Select(_ => (object?)random.NextInt64()).ToList();
        }
        switch (node)
        {
            case GroupNode { IsList: true } list:
                var element = ((GroupNode)list.Children[0]).Children[0];
                return Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(element, random)).ToList();
            case GroupNode { IsMap: true } map:
                var valueNode = ((GroupNode)map.Children[0]).Children[1];
                return Enumerable.Range(0, random.Next(0, 4)).Select(i => new KeyValuePair<object, object?>("k" + i, Value(valueNode, random))).ToList();
            case GroupNode group:
                return group.Children.ToDictionary(c => c.Name, c => Value(c, random));
        }
        var p = (PrimitiveNode)node;
        var logical = p.LogicalType;
        switch (logical?.Kind)
        {
            case LogicalTypeKind.String: return new string('x', random.Next(0, 20)) + random.Next(100);
            case LogicalTypeKind.Date: return DateOnly.FromDayNumber(random.Next(0, 3_000_000));
            case LogicalTypeKind.Timestamp:
                var unitTicks = logical.Unit == TimeUnit.Millis ? TimeSpan.TicksPerMillisecond : TimeSpan.TicksPerMicrosecond;
                var ticks = random.NextInt64(DateTime.MinValue.Ticks / unitTicks, DateTime.MaxValue.Ticks / unitTicks) * unitTicks;
                return new DateTime(ticks, logical.IsAdjustedToUtc ? DateTimeKind.Utc : DateTimeKind.Unspecified);
            case LogicalTypeKind.Decimal:
                var digits = Math.Min(logical.Precision, 27);
                var unscaled = random.NextInt64(-(long)Math.Pow(10, Math.Min(digits, 18)) + 1, (long)Math.Pow(10, Math.Min(digits, 18)));
                return unscaled / 100m;
            case LogicalTypeKind.Uuid: return new Guid(AllTypes.RandomBytes(random, 16));
            case LogicalTypeKind.Integer:
                return (logical.BitWidth, logical.IsSigned) switch
                {
                    (8, true) => random.Next(sbyte.MinValue, sbyte.MaxValue + 1),
                    (16, true) => random.Next(short.MinValue, short.MaxValue + 1),
                    (32, true) => random.Next(int.MinValue, int.MaxValue),
                    (64, true) => random.NextInt64(long.MinValue, long.MaxValue),
                    (8, false) => (object)random.Next(0, 256),
                    (16, false) => random.Next(0, 65536),
                    (32, false) => (uint)random.NextInt64(0, uint.MaxValue + 1L),
                    _ => (ulong)random.NextInt64(long.MinValue, long.MaxValue),
                };
        }
        return p.Type switch
        {
            PhysicalType.Boolean => random.Next(2) == 0,
            PhysicalType.Int32 => random.Next(4) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(-10, 10),
            PhysicalType.Int64 => random.Next(4) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : random.NextInt64(-10, 10),
            PhysicalType.Float => random.Next(10) == 0 ? float.NaN : (float)(random.NextDouble() * 100),
            PhysicalType.Double => random.Next(10) == 0 ? -0.0 : random.NextDouble() * 1e10,
            PhysicalType.FixedLenByteArray => AllTypes.RandomBytes(random, p.TypeLength),
            _ => AllTypes.RandomBytes(random, random.Next(0, 10)),
        };
    }
}
