using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>
/// GetTables: DatabaseName, Expression, NextToken, MaxResults (1–100) → TableList, NextToken. The Expression is Glue's
/// name pattern: alternatives separated by '|', '*' matching any run of characters, matched case-insensitively
/// against the whole name ("sales*|web_logs").
/// </summary>
public sealed class GetTables(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "GetTables";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var tables = Catalog.ListTables(database);
        if (request.Body.GetString("Expression") is { Length: > 0 } expression)
        {
            var pattern = NamePattern(expression);
            tables = [.. tables.Where(t => pattern.IsMatch((string)t["Name"]!))];
        }
        var (page, next) = Page(request.Body, tables, 100);
        response.WriteStartArray("TableList");
        foreach (var table in page)
        {
            WriteNode(response, null, table);
        }
        response.WriteEndArray();
        if (next is not null)
        {
            response.WriteString("NextToken", next);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The name pattern as an anchored regular expression; a '*' after '.' is kept as the regex it already is.</summary>
    internal static Regex NamePattern(string expression)
    {
        var regex = new StringBuilder("^(?:");
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            regex.Append(c switch
            {
                '*' when i > 0 && expression[i - 1] == '.' => "*",
                '*' => ".*",
                '|' => "|",
                '.' when i + 1 < expression.Length && expression[i + 1] == '*' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }
        regex.Append(")$");
        return new Regex(regex.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    internal static bool Matches(Regex pattern, JsonObject table) => pattern.IsMatch((string)table["Name"]!);
}
