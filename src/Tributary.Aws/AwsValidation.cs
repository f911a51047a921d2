using System.Text;
using System.Text.RegularExpressions;

namespace Tributary.Aws;

/// <summary>
/// Collects constraint violations and reports them the way AWS's JSON services do, as one ValidationException:
/// "2 validation errors detected: Value 'x' at 'streamName' failed to satisfy constraint: Member must …; …".
/// Member paths use AWS's lower-camel form (<c>streamName</c>, <c>records.1.member.partitionKey</c>). Not thread-safe.
/// </summary>
public sealed class AwsValidation
{
    private readonly List<string> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public AwsValidation Required(object? value, string path)
    {
        if (value is null)
        {
            Add(null, path, "Member must not be null");
        }
        return this;
    }

    public AwsValidation Length(string? value, int min, int max, string path)
    {
        if (value is null)
        {
            return this;
        }
        if (value.Length < min)
        {
            Add(value, path, $"Member must have length greater than or equal to {min}");
        }
        else if (value.Length > max)
        {
            Add(value, path, $"Member must have length less than or equal to {max}");
        }
        return this;
    }

    public AwsValidation Pattern(string? value, Regex pattern, string patternText, string path)
    {
        if (value is not null && !pattern.IsMatch(value))
        {
            Add(value, path, "Member must satisfy regular expression pattern: " + patternText);
        }
        return this;
    }

    public AwsValidation Range(long? value, long min, long max, string path)
    {
        if (value is null)
        {
            return this;
        }
        if (value < min)
        {
            Add(value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), path, $"Member must have value greater than or equal to {min}");
        }
        else if (value > max)
        {
            Add(value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), path, $"Member must have value less than or equal to {max}");
        }
        return this;
    }

    public AwsValidation Enum(string? value, IReadOnlyList<string> allowed, string path)
    {
        if (value is not null && !allowed.Contains(value))
        {
            Add(value, path, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }
        return this;
    }

    public AwsValidation Count(int? count, int min, int max, string path, string shown)
    {
        if (count is null)
        {
            return this;
        }
        if (count < min)
        {
            Add(shown, path, $"Member must have length greater than or equal to {min}");
        }
        else if (count > max)
        {
            Add(shown, path, $"Member must have length less than or equal to {max}");
        }
        return this;
    }

    public void Add(string? value, string path, string constraint) =>
        _errors.Add($"Value {(value is null ? "null" : "'" + value + "'")} at '{path}' failed to satisfy constraint: {constraint}");

    public void ThrowIfAny()
    {
        if (_errors.Count == 0)
        {
            return;
        }
        var message = new StringBuilder();
        message.Append(_errors.Count).Append(_errors.Count == 1 ? " validation error detected: " : " validation errors detected: ");
        message.AppendJoin("; ", _errors);
        throw AwsErrorException.Validation(message.ToString());
    }
}
