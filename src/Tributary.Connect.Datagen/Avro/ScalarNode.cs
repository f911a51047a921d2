using System.Globalization;
using System.Text;
using System.Text.Json;
using Tributary.Connect.Data;

namespace Tributary.Connect.Datagen.Avro;

internal enum ScalarKind
{
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    String,
    Bytes,
}

/// <summary>
/// A primitive's <c>arg.properties</c>, checked against the type when the schema is read: options must be of the
/// type, range bounds numbers with min below max, iteration numbers (a string field counts and prints the number),
/// regex a pattern <see cref="RegexGenerator"/> takes.
/// </summary>
internal sealed record Hints(ScalarKind Kind)
{
    public object?[]? Options { get; init; }

    public double? RangeMin { get; init; }

    public double? RangeMax { get; init; }

    public double? IterationStart { get; init; }

    public double IterationStep { get; init; } = 1;

    public double? IterationRestart { get; init; }

    public RegexGenerator? Regex { get; init; }

    public int MinLength { get; init; } = 8;

    public int MaxLength { get; init; } = 8;

    public static Hints Read(JsonElement hints, string path, ScalarKind kind, string[]? enumSymbols)
    {
        var result = new Hints(kind);
        if (enumSymbols is not null)
        {
            result = result with { Options = enumSymbols };
        }
        if (hints.ValueKind != JsonValueKind.Object)
        {
            return result;
        }
        var where = GenerationSchema.Where(path);
        if (hints.TryGetProperty("options", out var options))
        {
            if (options.ValueKind != JsonValueKind.Array || options.GetArrayLength() == 0)
            {
                throw new SchemaDefinitionException($"{where}: \"options\" must be a non-empty array");
            }
            result = result with { Options = [.. options.EnumerateArray().Select(o => Convert(o, kind, where))] };
        }
        if (hints.TryGetProperty("range", out var range))
        {
            double? min = range.TryGetProperty("min", out var lo) ? Number(lo, where, "range.min") : null;
            double? max = range.TryGetProperty("max", out var hi) ? Number(hi, where, "range.max") : null;
            if (min is not null && max is not null && min >= max)
            {
                throw new SchemaDefinitionException($"{where}: range.min ({min}) must be below range.max ({max})");
            }
            result = result with { RangeMin = min, RangeMax = max };
        }
        if (hints.TryGetProperty("iteration", out var iteration))
        {
            if (!iteration.TryGetProperty("start", out var start))
            {
                throw new SchemaDefinitionException($"{where}: \"iteration\" needs a \"start\"");
            }
            result = result with
            {
                IterationStart = Number(start, where, "iteration.start"),
                IterationStep = iteration.TryGetProperty("step", out var step) ? Number(step, where, "iteration.step") : 1,
                IterationRestart = iteration.TryGetProperty("restart", out var restart) ? Number(restart, where, "iteration.restart") : null,
            };
        }
        if (hints.TryGetProperty("regex", out var regex))
        {
            if (regex.ValueKind != JsonValueKind.String)
            {
                throw new SchemaDefinitionException($"{where}: \"regex\" must be a string");
            }
            try
            {
                result = result with { Regex = RegexGenerator.Parse(regex.GetString()!) };
            }
            catch (FormatException e)
            {
                throw new SchemaDefinitionException($"{where}: regex \"{regex.GetString()}\": {e.Message}");
            }
        }
        var (minLength, maxLength) = Length(hints, path);
        return result with { MinLength = minLength, MaxLength = maxLength };
    }

    /// <summary><c>length</c>: a number, or <c>{min, max}</c> (max exclusive); strings and collections default to 8 and 0–4.</summary>
    public static (int Min, int Max) Length(JsonElement hints, string path)
    {
        if (hints.ValueKind != JsonValueKind.Object || !hints.TryGetProperty("length", out var length))
        {
            return hints.ValueKind == JsonValueKind.Undefined ? (0, 4) : (8, 8);
        }
        var where = GenerationSchema.Where(path);
        if (length.ValueKind == JsonValueKind.Number)
        {
            var n = (int)Number(length, where, "length");
            return (n, n);
        }
        var min = length.TryGetProperty("min", out var lo) ? (int)Number(lo, where, "length.min") : 0;
        var max = length.TryGetProperty("max", out var hi) ? (int)Number(hi, where, "length.max") - 1 : min + 8;
        return min < 0 || max < min ? throw new SchemaDefinitionException($"{where}: length {{min,max}} must have 0 ≤ min < max") : (min, max);
    }

    private static double Number(JsonElement value, string where, string what) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new SchemaDefinitionException($"{where}: {what} must be a number, not {value.GetRawText()}");

    internal static object? Convert(JsonElement option, ScalarKind kind, string where)
    {
        object? value = kind switch
        {
            ScalarKind.Boolean when option.ValueKind is JsonValueKind.True or JsonValueKind.False => option.GetBoolean(),
            ScalarKind.Int when option.ValueKind == JsonValueKind.Number && option.TryGetInt32(out var i) => i,
            ScalarKind.Long when option.ValueKind == JsonValueKind.Number && option.TryGetInt64(out var l) => l,
            ScalarKind.Float when option.ValueKind == JsonValueKind.Number => option.GetSingle(),
            ScalarKind.Double when option.ValueKind == JsonValueKind.Number => option.GetDouble(),
            ScalarKind.String when option.ValueKind == JsonValueKind.String => option.GetString(),
            ScalarKind.Bytes when option.ValueKind == JsonValueKind.String => Encoding.Latin1.GetBytes(option.GetString()!),
            ScalarKind.Null when option.ValueKind == JsonValueKind.Null => null,
            _ => Invalid,
        };
        return ReferenceEquals(value, Invalid)
            ? throw new SchemaDefinitionException($"{where}: option {option.GetRawText()} is not a {kind.ToString().ToLowerInvariant()}")
            : value;
    }

    private static readonly object Invalid = new();
}

/// <summary>A primitive (or enum) field: options, then iteration, then range or regex, then a draw over the type.</summary>
internal sealed class ScalarNode(Schema schema, Hints hints) : GenerationSchema
{
    private double? _next = hints.IterationStart;

    public override Schema ConnectSchema => schema;

    internal override object? FromJson(JsonElement value, string where) => Hints.Convert(value, hints.Kind, where);

    public override object? Next(Random random)
    {
        if (hints.Options is { } options)
        {
            return options[random.Next(options.Length)];
        }
        if (_next is { } current)
        {
            var following = current + hints.IterationStep;
            _next = hints.IterationRestart is { } restart && (hints.IterationStep > 0 ? following >= restart : following <= restart) ? hints.IterationStart : following;
            return FromNumber(current);
        }
        switch (hints.Kind)
        {
            case ScalarKind.Null:
                return null;
            case ScalarKind.Boolean:
                return random.Next(2) == 1;
            case ScalarKind.String:
                return hints.Regex is { } regex ? regex.Generate(random) : RegexGenerator.RandomLetters(random, random.Next(hints.MinLength, hints.MaxLength + 1));
            case ScalarKind.Bytes:
                var bytes = new byte[random.Next(hints.MinLength, hints.MaxLength + 1)];
                random.NextBytes(bytes);
                return bytes;
        }
        var (min, max) = hints.Kind switch
        {
            ScalarKind.Int => (hints.RangeMin ?? int.MinValue, hints.RangeMax ?? (double)int.MaxValue),
            ScalarKind.Long => (hints.RangeMin ?? -1e15, hints.RangeMax ?? 1e15),
            _ => (hints.RangeMin ?? 0, hints.RangeMax ?? 1),
        };
        // Each arm boxes its own type (a switch of numbers would widen them all to double).
        return hints.Kind switch
        {
            ScalarKind.Int => (object)(int)Math.Clamp(Math.Floor(min + (random.NextDouble() * (max - min))), int.MinValue, Math.Max(min, max - 1)),
            ScalarKind.Long => (object)((long)min + random.NextInt64(Math.Max(1, (long)max - (long)min))),
            ScalarKind.Float => (object)(float)(min + (random.NextDouble() * (max - min))),
            _ => (object)(min + (random.NextDouble() * (max - min))),
        };
    }

    /// <summary>An iteration's number in the field's type (a string field prints it).</summary>
    private object FromNumber(double value) => hints.Kind switch
    {
        ScalarKind.Int => (object)(int)value,
        ScalarKind.Long => (object)(long)value,
        ScalarKind.Float => (object)(float)value,
        ScalarKind.Double => (object)value,
        ScalarKind.Boolean => (object)(value % 2 != 0),
        _ => ((long)value).ToString(CultureInfo.InvariantCulture),
    };
}
