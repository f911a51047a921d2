using System.Text;
using Tributary.Delivery.Naming;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Naming;

/// <summary>Which field a template came from: the rules differ (docs: s3-prefixes.html, "Semantic rules").</summary>
public enum PrefixField
{
    Prefix,
    ErrorOutputPrefix,
}

/// <summary>
/// What one evaluation of a prefix needs. <see cref="Instant"/> is the approximate arrival time of the oldest record in
/// the object; every <c>!{timestamp:…}</c> of the prefix formats this same instant in <see cref="Zone"/>.
/// <see cref="RandomSeed"/> makes <c>!{firehose:random-string}</c> a pure function of (seed, occurrence index), so a
/// replay after a crash that passes the same seed writes the same key. <see cref="ErrorOutputType"/> is required by
/// templates that use <c>!{firehose:error-output-type}</c>; the partition-key maps by templates that use the
/// corresponding namespace.
/// </summary>
public readonly record struct PrefixValues(
    DateTimeOffset Instant,
    TimeZoneInfo Zone,
    ulong RandomSeed,
    string? ErrorOutputType = null,
    IReadOnlyDictionary<string, string>? PartitionKeysFromQuery = null,
    IReadOnlyDictionary<string, string>? PartitionKeysFromLambda = null);

/// <summary>
/// One parsed Prefix or ErrorOutputPrefix: literal text and <c>!{namespace:value}</c> expressions, where namespace is
/// <c>timestamp</c> (a Java DateTimeFormatter pattern), <c>firehose</c> (<c>random-string</c>, 11 characters, or
/// <c>error-output-type</c>), <c>partitionKeyFromQuery</c> or <c>partitionKeyFromLambda</c> (a key name).
/// <see cref="Parse"/> checks one field's syntax and namespace rules; the rules that relate the two fields, the
/// defaults and the timestamp that Firehose appends live in <see cref="ObjectNaming"/>. Immutable and thread-safe.
/// </summary>
public sealed class PrefixTemplate
{
    /// <summary>The longest evaluated prefix Firehose accepts.</summary>
    public const int MaxEvaluatedLength = 512;

    /// <summary>Length of <c>!{firehose:random-string}</c>.</summary>
    public const int RandomStringLength = 11;

    // Firehose's wording, spelling included, for prefix validation failures (seen in InvalidArgumentException
    // messages quoted in public bug reports: "Ths supplied prefix(es) do not satisfy the following constraint: …").
    internal const string ConstraintMessage = "Ths supplied prefix(es) do not satisfy the following constraint: ";

    private readonly Part[] _parts;

    private PrefixTemplate(string text, PrefixField field, Part[] parts)
    {
        Text = text;
        Field = field;
        _parts = parts;
        foreach (var part in parts)
        {
            switch (part.Kind)
            {
                case PartKind.Timestamp:
                    HasTimestamp = true;
                    break;
                case PartKind.ErrorOutputType:
                    HasErrorOutputType = true;
                    break;
                case PartKind.PartitionKeyFromQuery:
                case PartKind.PartitionKeyFromLambda:
                    HasPartitionKeys = true;
                    break;
            }
            HasExpressions |= part.Kind != PartKind.Literal;
        }
    }

    /// <summary>The template text, including a timestamp expression that Firehose's rules appended.</summary>
    public string Text { get; }

    public PrefixField Field { get; }

    public bool HasExpressions { get; }

    public bool HasTimestamp { get; }

    public bool HasErrorOutputType { get; }

    public bool HasPartitionKeys { get; }

    /// <summary>The key names used with <c>partitionKeyFromQuery</c>, in order of first use.</summary>
    public IReadOnlyList<string> QueryKeys => KeysOf(PartKind.PartitionKeyFromQuery);

    /// <summary>The key names used with <c>partitionKeyFromLambda</c>, in order of first use.</summary>
    public IReadOnlyList<string> LambdaKeys => KeysOf(PartKind.PartitionKeyFromLambda);

    /// <summary>
    /// Parses <paramref name="text"/> as the given field. InvalidArgumentException (<see cref="DeliveryException"/>)
    /// when <c>!{</c> appears outside an expression or an expression is unterminated, for an unknown namespace or
    /// firehose value, an invalid timestamp pattern, an empty key name, error-output-type in a Prefix, or partition keys
    /// in an ErrorOutputPrefix.
    /// </summary>
    public static PrefixTemplate Parse(string text, PrefixField field)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("!{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                literal.Append(text, position, text.Length - position);
                break;
            }
            literal.Append(text, position, open - position);
            var close = text.IndexOf('}', open + 2);
            if (close < 0)
            {
                throw Invalid($"The sequence !{{ can only appear in !{{namespace:value}} expressions; '{text}' has an unterminated expression at {open}");
            }
            var body = text.Substring(open + 2, close - open - 2);
            if (body.Contains("!{", StringComparison.Ordinal))
            {
                throw Invalid($"The sequence !{{ can only appear in !{{namespace:value}} expressions; '{text}' nests one at {open}");
            }
            if (literal.Length > 0)
            {
                parts.Add(Part.Literal(literal.ToString()));
                literal.Clear();
            }
            parts.Add(ParseExpression(body, field));
            position = close + 1;
        }
        if (literal.Length > 0)
        {
            parts.Add(Part.Literal(literal.ToString()));
        }
        return new PrefixTemplate(text, field, [.. parts]);
    }

    /// <summary>
    /// Evaluates the template. InvalidArgumentException when a partition key or the error output type it uses is
    /// missing, or when the result is longer than <see cref="MaxEvaluatedLength"/> characters; the engine sends such
    /// records to the error output.
    /// </summary>
    public string Evaluate(in PrefixValues values)
    {
        var output = new StringBuilder(Text.Length + 32);
        var zoned = HasTimestamp ? ZonedInstant.Create(values.Instant, values.Zone ?? TimeZoneInfo.Utc) : default;
        var randomIndex = 0UL;
        foreach (var part in _parts)
        {
            switch (part.Kind)
            {
                case PartKind.Literal:
                    output.Append(part.Value);
                    break;
                case PartKind.Timestamp:
                    part.Pattern!.FormatTo(output, zoned);
                    break;
                case PartKind.RandomString:
                    AppendRandomString(output, values.RandomSeed, randomIndex++);
                    break;
                case PartKind.ErrorOutputType:
                    output.Append(values.ErrorOutputType ?? throw Invalid("!{firehose:error-output-type} needs an error output type to evaluate", constraint: false));
                    break;
                case PartKind.PartitionKeyFromQuery:
                    output.Append(Key(values.PartitionKeysFromQuery, part.Value, "partitionKeyFromQuery"));
                    break;
                case PartKind.PartitionKeyFromLambda:
                    output.Append(Key(values.PartitionKeysFromLambda, part.Value, "partitionKeyFromLambda"));
                    break;
            }
        }
        if (output.Length > MaxEvaluatedLength)
        {
            throw Invalid($"{Field} cannot be greater than {MaxEvaluatedLength} characters after it is evaluated (it is {output.Length})", constraint: false);
        }
        return output.ToString();
    }

    public override string ToString() => Text;

    /// <summary>
    /// The <paramref name="index"/>-th random string for <paramref name="seed"/>: 11 lowercase hexadecimal digits
    /// (Firehose's documented examples look like hex) from a SplitMix64 mix of the two.
    /// </summary>
    internal static void AppendRandomString(StringBuilder output, ulong seed, ulong index)
    {
        var mixed = seed + ((index + 1) * 0x9E3779B97F4A7C15UL);
        mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9UL;
        mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBUL;
        mixed ^= mixed >> 31;
        Span<char> digits = stackalloc char[RandomStringLength];
        for (var i = RandomStringLength - 1; i >= 0; i--)
        {
            digits[i] = "0123456789abcdef"[(int)(mixed & 0xF)];
            mixed >>= 4;
        }
        output.Append(digits);
    }

    internal static DeliveryException Invalid(string message, bool constraint = true) =>
        DeliveryException.InvalidArgument(constraint ? ConstraintMessage + message : message);

    private static string Key(IReadOnlyDictionary<string, string>? keys, string name, string space) =>
        keys is not null && keys.TryGetValue(name, out var value)
            ? value
            : throw Invalid($"The partition key '{name}' of !{{{space}:{name}}} is missing from the record's partition keys", constraint: false);

    private static Part ParseExpression(string body, PrefixField field)
    {
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        var space = colon < 0 ? body : body[..colon];
        var value = colon < 0 ? "" : body[(colon + 1)..];
        var expression = "!{" + body + "}";
        switch (space)
        {
            case "timestamp":
                try
                {
                    return Part.Timestamp(JavaDateTimePattern.Parse(value));
                }
                catch (FormatException e)
                {
                    throw Invalid($"{expression} is not a valid Java DateTimeFormatter pattern: {e.Message}");
                }
            case "firehose" when value == "random-string":
                return Part.Of(PartKind.RandomString, value);
            case "firehose" when value == "error-output-type":
                return field == PrefixField.Prefix
                    ? throw Invalid("Prefix cannot contain !{firehose:error-output-type}; it can only be used in ErrorOutputPrefix")
                    : Part.Of(PartKind.ErrorOutputType, value);
            case "firehose":
                throw Invalid($"{expression} is not valid: the firehose namespace takes random-string or error-output-type");
            case "partitionKeyFromQuery" or "partitionKeyFromLambda":
                if (field == PrefixField.ErrorOutputPrefix)
                {
                    throw Invalid($"ErrorOutputPrefix cannot contain {space} expressions ({expression})");
                }
                if (value.Length == 0)
                {
                    throw Invalid($"{expression} needs a partition key name");
                }
                return Part.Of(space == "partitionKeyFromQuery" ? PartKind.PartitionKeyFromQuery : PartKind.PartitionKeyFromLambda, value);
            default:
                throw Invalid($"{expression} uses an unknown namespace '{space}'; expressions are !{{namespace:value}} with namespace firehose, timestamp, partitionKeyFromQuery or partitionKeyFromLambda");
        }
    }

    private List<string> KeysOf(PartKind kind)
    {
        var keys = new List<string>();
        foreach (var part in _parts)
        {
            if (part.Kind == kind && !keys.Contains(part.Value))
            {
                keys.Add(part.Value);
            }
        }
        return keys;
    }

    private enum PartKind
    {
        Literal,
        Timestamp,
        RandomString,
        ErrorOutputType,
        PartitionKeyFromQuery,
        PartitionKeyFromLambda,
    }

    private sealed record Part(PartKind Kind, string Value, JavaDateTimePattern? Pattern)
    {
        public static Part Literal(string text) => new(PartKind.Literal, text, null);

        public static Part Timestamp(JavaDateTimePattern pattern) => new(PartKind.Timestamp, pattern.Pattern, pattern);

        public static Part Of(PartKind kind, string value) => new(kind, value, null);
    }
}
