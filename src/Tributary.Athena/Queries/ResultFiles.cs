using System.Text;
using System.Text.Json;
using Tributary.Athena.Engine;
using Tributary.ObjectStores;

namespace Tributary.Athena.Queries;

/// <summary>
/// Writes a result where Athena does: <c>&lt;id&gt;.csv</c> (<see cref="ResultCsv"/>) and <c>&lt;id&gt;.csv.metadata</c>
/// (Athena's is a binary blob of its own; ours is JSON with the ColumnInfo, described in docs/athena.md).
/// </summary>
internal static class ResultFiles
{
    public const string MetadataFormat = "tributary-athena-result-metadata";

    public static async Task WriteAsync(IObjectStore store, QueryExecution execution, QueryResult result, CancellationToken cancellationToken)
    {
        if (!S3Location.TryParse(execution.OutputFolder, out var folder))
        {
            throw new QueryFailure($"Output location {execution.OutputFolder} is not an s3:// location.", QueryFailure.UserError);
        }
        var csv = ResultCsv.Write(result);
        var metadata = JsonSerializer.SerializeToUtf8Bytes(new
        {
            format = MetadataFormat,
            version = 1,
            queryExecutionId = execution.Id,
            rowCount = result.Rows.Count,
            columnInfo = result.Columns.Select(c => new { c.Name, Label = c.Name, c.Type, c.Precision, c.Scale, Nullable = "UNKNOWN" }),
        });
        try
        {
            await store.EnsureBucketAsync(folder.Bucket, cancellationToken).ConfigureAwait(false);
            var key = folder.Prefix + execution.Id + ".csv";
            // Both files are in place (atomically) before the query answers SUCCEEDED, as Athena promises, but not fsynced:
            // durability of query results is no promise of Athena's, and a lost result is a query to run again.
            await store.PutUnsyncedAsync(folder.Bucket, key, ObjectContent.FromBytes(Encoding.UTF8.GetBytes(csv)), cancellationToken).ConfigureAwait(false);
            await store.PutUnsyncedAsync(folder.Bucket, key + ".metadata", ObjectContent.FromBytes(metadata), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new QueryFailure($"Unable to write the query results to {execution.OutputLocation}: {e.Message}", QueryFailure.ResultWriteError, e);
        }
    }
}

/// <summary>
/// A result as Athena's <c>&lt;id&gt;.csv</c> holds it: a header row of labels, then the rows; every value double-quoted
/// with '"' doubled, NULL as an empty unquoted field, lines ending in "\n". The result file and the web console's CSV
/// download are both this text.
/// </summary>
public static class ResultCsv
{
    public static string Write(QueryResult result)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', result.Columns.Select(c => Quote(c.Name))).Append('\n');
        foreach (var row in result.Rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    csv.Append(',');
                }
                if (row[i] is { } value)
                {
                    csv.Append(Quote(value));
                }
            }
            csv.Append('\n');
        }
        return csv.ToString();
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
