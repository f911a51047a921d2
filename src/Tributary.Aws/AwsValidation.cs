using System.Text;
using System.Text.RegularExpressions;

namespace Tributary.Aws;

/// <summary>
/// Collects constraint violations and reports them the way AWS's JSON services do, as one ValidationException:
/// "2 validation errors detected: Value 'x' at 'streamName' failed to satisfy constraint: Member must …; …".
/// Member paths use AWS's lower-camel form (<c>streamName</c>, <c>records.1.member.partitionKey</c>).
/// <para>
/// Order: AWS validates an input's members in the order the service model declares them, and lists the violations
/// in that order. A validation created with the input's member order (<see cref="AwsValidation(IReadOnlyList{string})"/>,
/// lower-camel top-level names) reports its errors sorted by the position of each path's first segment, keeping the
/// order in which errors of one member were added, so a handler may check members in whatever order suits it (the
/// stream name last, once the stream's limits are known).
/// </para>
/// <para>
/// Every check also tells <see cref="Recording"/>, when a recorder is installed on the calling flow, which
/// constraint it applies to which member, whether it passes or not: the error tables in docs/ are rendered from
/// what the handlers actually check. Not thread-safe.
/// </para>
/// </summary>
public sealed class AwsValidation
{
    private readonly List<(int Rank, string Text)> _errors = [];
    private readonly IReadOnlyList<string>? _memberOrder;
    private readonly List<(string Path, string Constraint)>? _recorder = Recorder.Value;

    private static readonly AsyncLocal<List<(string Path, string Constraint)>?> Recorder = new();

    public AwsValidation()
    {
    }

    /// <param name="memberOrder">The input shape's top-level members in the model's order, lower-camel.</param>
    public AwsValidation(IReadOnlyList<string> memberOrder)
    {
        _memberOrder = memberOrder;
    }

    /// <summary>
    /// Installs a recorder on the calling async flow: every validation created in it adds (member path, AWS's
    /// constraint text) for each check it makes, passing or not. Dispose the result to remove it.
    /// </summary>
    public static IDisposable Recording(List<(string Path, string Constraint)> recorder)
    {
        var previous = Recorder.Value;
        Recorder.Value = recorder;
        return new Restore(previous);
    }

    private sealed class Restore(List<(string Path, string Constraint)>? previous) : IDisposable
    {
        public void Dispose() => Recorder.Value = previous;
    }

    private void Check(string path, string constraint) => _recorder?.Add((path, constraint));

    public bool HasErrors => _errors.Count > 0;

    public AwsValidation Required(object? value, string path)
    {
        Check(path, "Member must not be null");
        if (value is null)
        {
            Add(null, path, "Member must not be null");
        }
        return this;
    }

    public AwsValidation Length(string? value, int min, int max, string path)
    {
        Check(path, $"Member must have length greater than or equal to {min}");
        Check(path, $"Member must have length less than or equal to {max}");
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
        Check(path, "Member must satisfy regular expression pattern: " + patternText);
        if (value is not null && !pattern.IsMatch(value))
        {
            Add(value, path, "Member must satisfy regular expression pattern: " + patternText);
        }
        return this;
    }

    public AwsValidation Range(long? value, long min, long max, string path)
    {
        Check(path, $"Member must have value greater than or equal to {min}");
        Check(path, $"Member must have value less than or equal to {max}");
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
        Check(path, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        if (value is not null && !allowed.Contains(value))
        {
            Add(value, path, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }
        return this;
    }

    public AwsValidation Count(int? count, int min, int max, string path, string shown)
    {
        Check(path, $"Member must have length greater than or equal to {min}");
        Check(path, $"Member must have length less than or equal to {max}");
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

    /// <summary>
    /// Length constraints on each string of a list (tag keys): AWS reports the whole list once, as
    /// <c>Value '[a, b]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have
    /// length less than or equal to 128, Member must have length greater than or equal to 1]</c>.
    /// </summary>
    public AwsValidation MemberLength(IReadOnlyList<string>? list, int min, int max, string path)
    {
        var constraint = $"Member must satisfy constraint: [Member must have length less than or equal to {max}, Member must have length greater than or equal to {min}]";
        Check(path, constraint);
        if (list is not null && list.Any(v => v.Length < min || v.Length > max))
        {
            Add("[" + string.Join(", ", list) + "]", path, constraint);
        }
        return this;
    }

    /// <summary>A pattern constraint on each string of a list, reported for the whole list as <see cref="MemberLength"/> does.</summary>
    public AwsValidation MemberPattern(IReadOnlyList<string>? list, Regex pattern, string patternText, string path)
    {
        var constraint = $"Member must satisfy constraint: [Member must satisfy regular expression pattern: {patternText}]";
        Check(path, constraint);
        if (list is not null && list.Any(v => !pattern.IsMatch(v)))
        {
            Add("[" + string.Join(", ", list) + "]", path, constraint);
        }
        return this;
    }

    /// <summary>An enum constraint on each string of a list, reported for the whole list as <see cref="MemberLength"/> does.</summary>
    public AwsValidation MemberEnum(IReadOnlyList<string>? list, IReadOnlyList<string> allowed, string path)
    {
        var constraint = $"Member must satisfy constraint: [Member must satisfy enum value set: [{string.Join(", ", allowed)}]]";
        Check(path, constraint);
        if (list is not null && list.Any(v => !allowed.Contains(v)))
        {
            Add("[" + string.Join(", ", list) + "]", path, constraint);
        }
        return this;
    }

    /// <summary>
    /// Adds a violation found by a check of the caller's own (a blob's decoded length, a list element); the caller
    /// records its constraint with <see cref="Declare"/> when it checks without calling the methods above.
    /// </summary>
    public void Add(string? value, string path, string constraint) =>
        _errors.Add((RankOf(path), $"Value {(value is null ? "null" : "'" + value + "'")} at '{path}' failed to satisfy constraint: {constraint}"));

    /// <summary>Tells the recorder about a constraint checked outside this class's methods.</summary>
    public AwsValidation Declare(string path, string constraint)
    {
        Check(path, constraint);
        return this;
    }

    /// <summary>The position of the path's top-level member in the model's order; unknown members go last.</summary>
    private int RankOf(string path)
    {
        if (_memberOrder is null)
        {
            return 0;
        }
        var dot = path.IndexOf('.');
        var member = dot < 0 ? path : path[..dot];
        for (var i = 0; i < _memberOrder.Count; i++)
        {
            if (_memberOrder[i] == member)
            {
                return i;
            }
        }
        return _memberOrder.Count;
    }

    public void ThrowIfAny()
    {
        if (_errors.Count == 0)
        {
            return;
        }
        var message = new StringBuilder();
        message.Append(_errors.Count).Append(_errors.Count == 1 ? " validation error detected: " : " validation errors detected: ");
        // A stable sort by member position: OrderBy keeps the order of equal ranks.
        message.AppendJoin("; ", _errors.OrderBy(e => e.Rank).Select(e => e.Text));
        throw AwsErrorException.Validation(message.ToString());
    }
}
