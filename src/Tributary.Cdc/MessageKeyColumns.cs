using System.Text.RegularExpressions;
using Tributary.Connect.Errors;

namespace Tributary.Cdc;

/// <summary>
/// Debezium's <c>message.key.columns</c>: per table, the columns that key its records instead of the primary key.
/// The value is <c>&lt;table&gt;:&lt;column&gt;,&lt;column&gt;;&lt;table&gt;:…</c>, each table a regular expression over
/// <c>&lt;container&gt;.&lt;table&gt;</c> (MySQL <c>database.table</c>, PostgreSQL <c>schema.table</c>). As Debezium reads
/// it, each (table, column) pair is one pattern, <c>table.column</c>, matched case-insensitively against a column's
/// whole <c>container.table.column</c>; a table's key is, pattern by pattern in the order written, the columns each
/// matches in column order. A table no pattern matches keeps its own key. Immutable; thread-safe.
/// </summary>
public sealed class MessageKeyColumns
{
    public const string Key = "message.key.columns";

    /// <summary>Debezium's form of one entry: a table, a colon, a comma-separated column list, no spaces inside.</summary>
    private static readonly Regex EntryForm = new(@"^\s*([^\s:]+):([^:\s]+)\s*$", RegexOptions.CultureInvariant);

    private readonly Regex[] _patterns;

    private MessageKeyColumns(Regex[] patterns) => _patterns = patterns;

    public static MessageKeyColumns None { get; } = new([]);

    public bool IsEmpty => _patterns.Length == 0;

    /// <summary>Parses the configured value (null or empty: none); a malformed entry or pattern is a <see cref="ConfigException"/> naming the key.</summary>
    public static MessageKeyColumns Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return None;
        }
        var patterns = new List<Regex>();
        foreach (var entry in value.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var form = EntryForm.Match(entry);
            if (!form.Success)
            {
                throw new ConfigException(Key, value, $"'{entry.Trim()}' is not of the form <fully-qualified table>:<column>[,<column>...]");
            }
            foreach (var column in form.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    patterns.Add(new Regex("^(?:" + form.Groups[1].Value + "." + column + ")$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase));
                }
                catch (ArgumentException error)
                {
                    throw new ConfigException(Key, value, $"'{form.Groups[1].Value}.{column}' is not a regular expression: {error.Message}");
                }
            }
        }
        return new MessageKeyColumns([.. patterns]);
    }

    /// <summary>
    /// The key columns of <paramref name="container"/>.<paramref name="table"/> as indexes into
    /// <paramref name="columnNames"/> (each once, in the order above), or null when no pattern matches one of its columns.
    /// </summary>
    public IReadOnlyList<int>? For(string container, string table, IReadOnlyList<string> columnNames)
    {
        if (_patterns.Length == 0)
        {
            return null;
        }
        var prefix = container + "." + table + ".";
        var key = new List<int>();
        foreach (var pattern in _patterns)
        {
            for (var i = 0; i < columnNames.Count; i++)
            {
                if (!key.Contains(i) && pattern.IsMatch(prefix + columnNames[i]))
                {
                    key.Add(i);
                }
            }
        }
        return key.Count == 0 ? null : key;
    }
}
