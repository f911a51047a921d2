using System.Globalization;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Config;

/// <summary>The validators Kafka's ConfigDef ships, with its messages.</summary>
public static class Validators
{
    /// <summary>A number at least <paramref name="min"/> (Kafka's Range.atLeast).</summary>
    public static IValidator AtLeast(double min) => new Range(min, null);

    /// <summary>A number between <paramref name="min"/> and <paramref name="max"/> inclusive (Kafka's Range.between).</summary>
    public static IValidator Between(double min, double max) => new Range(min, max);

    /// <summary>One of the given strings, exactly (Kafka's ValidString.in).</summary>
    public static IValidator In(params string[] values) => new OneOf(values, ignoreCase: false);

    /// <summary>One of the given strings, ignoring case (Kafka's CaseInsensitiveValidString.in).</summary>
    public static IValidator InIgnoreCase(params string[] values) => new OneOf(values, ignoreCase: true);

    /// <summary>A list whose every element is one of the given strings (Kafka's ValidList.in).</summary>
    public static IValidator ListOf(params string[] values) => new ListOfValid(values);

    /// <summary>A non-empty string (Kafka's NonEmptyString).</summary>
    public static IValidator NonEmptyString { get; } = new NonEmpty();

    /// <summary>A non-null value (Kafka's NonNullValidator).</summary>
    public static IValidator NonNull { get; } = new NotNull();

    /// <summary>A validator from a check returning an error message, or null when the value is fine.</summary>
    public static IValidator Lambda(Func<string, object?, string?> check, string? description = null) => new FromLambda(check, description);

    /// <summary>All of the given validators, in order.</summary>
    public static IValidator All(params IValidator[] validators) => new Composite(validators);

    private sealed class Range(double min, double? max) : IValidator
    {
        public void EnsureValid(string name, object? value)
        {
            if (value is null)
            {
                throw new ConfigException(name, null, "Value must be non-null");
            }
            var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (max is null && number < min)
            {
                throw new ConfigException(name, value, "Value must be at least " + Format(min));
            }
            if (max is { } upper)
            {
                if (number < min)
                {
                    throw new ConfigException(name, value, "Value must be no less than " + Format(min));
                }
                if (number > upper)
                {
                    throw new ConfigException(name, value, "Value must be no more than " + Format(upper));
                }
            }
        }

        public string Describe() => max is null ? $"[{Format(min)},...]" : $"[{Format(min)},...,{Format(max.Value)}]";

        private static string Format(double value) => value == Math.Floor(value) && Math.Abs(value) < 1e18 ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
    }

    private sealed class OneOf(string[] values, bool ignoreCase) : IValidator
    {
        public void EnsureValid(string name, object? value)
        {
            var text = value as string;
            if (text is null || !values.Contains(text, ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal))
            {
                throw new ConfigException(name, value, (ignoreCase ? "String must be one of (case insensitive): " : "String must be one of: ") + string.Join(", ", values));
            }
        }

        public string Describe() => "[" + string.Join(", ", values) + "]";
    }

    private sealed class ListOfValid(string[] values) : IValidator
    {
        public void EnsureValid(string name, object? value)
        {
            foreach (var item in value as IEnumerable<string> ?? [])
            {
                if (!values.Contains(item, StringComparer.Ordinal))
                {
                    throw new ConfigException(name, item, "Invalid value " + item + " for configuration " + name + ": String must be one of: " + string.Join(", ", values));
                }
            }
        }

        public string Describe() => "[" + string.Join(", ", values) + "]";
    }

    private sealed class NonEmpty : IValidator
    {
        public void EnsureValid(string name, object? value)
        {
            if (value is not string text || text.Length == 0)
            {
                throw new ConfigException(name, value, "String must be non-empty");
            }
        }

        public string Describe() => "non-empty string";
    }

    private sealed class NotNull : IValidator
    {
        public void EnsureValid(string name, object? value)
        {
            if (value is null)
            {
                throw new ConfigException(name, null, "entry must be non null");
            }
        }

        public string Describe() => "non-null value";
    }

    private sealed class FromLambda(Func<string, object?, string?> check, string? description) : IValidator
    {
        public void EnsureValid(string name, object? value)
        {
            if (check(name, value) is { } message)
            {
                throw new ConfigException(name, value, message);
            }
        }

        public string? Describe() => description;
    }

    private sealed class Composite(IValidator[] validators) : IValidator
    {
        public void EnsureValid(string name, object? value)
        {
            foreach (var validator in validators)
            {
                validator.EnsureValid(name, value);
            }
        }

        public string? Describe() => string.Join(", ", validators.Select(v => v.Describe()).Where(d => d is not null));
    }
}
