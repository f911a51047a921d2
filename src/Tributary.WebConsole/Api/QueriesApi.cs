using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tributary.Athena;
using Tributary.Athena.Queries;

namespace Tributary.WebConsole.Api;

/// <summary>
/// The query editor's Athena executions, on the same <see cref="QueryExecutions"/> (and so the same engine, history
/// and result files) as the Athena API, in the <c>primary</c> work group: <c>POST /queries</c> (<c>{"sql", "database"}</c>
/// → the execution's id), <c>GET /queries</c> (the work group's newest executions), <c>GET /queries/{id}</c> (state,
/// Athena's error, and once SUCCEEDED the columns and the first <c>limit</c> rows, at most 1,000, with the row count),
/// <c>GET /queries/{id}/results.csv</c> (the whole result as Athena's result file has it) and
/// <c>POST /queries/{id}/cancel</c>. Results are written under <see cref="OutputFolder"/>, as an Athena client naming
/// that output location would have them.
/// </summary>
internal static class QueriesApi
{
    /// <summary>Where the console's executions write their result files (the embedded store creates the bucket on first use).</summary>
    public const string OutputFolder = "s3://tributary-console/query-results/";

    /// <summary>How many of the newest executions the history lists.</summary>
    private const int HistoryRows = 20;

    public static void Map(IEndpointRouteBuilder api, QueryExecutions executions)
    {
        api.MapPost("/queries", async (HttpRequest request) =>
        {
            var (body, invalid) = await Query.BodyAsync<QueryRequest>(request, "a query").ConfigureAwait(false);
            if (body is null)
            {
                return invalid!;
            }
            if (string.IsNullOrWhiteSpace(body.Sql))
            {
                return Query.Error(400, "InvalidRequestException", "Write a query to run.", [new FieldError("sql", "Write a query to run.")]);
            }
            var execution = executions.Start(body.Sql, string.IsNullOrEmpty(body.Database) ? null : body.Database, AthenaOptions.PrimaryWorkGroup, OutputFolder, null);
            return Results.Created($"{ConsoleEndpoints.ApiPrefix}/queries/{execution.Id}", View(execution, 0));
        });
        api.MapGet("/queries", () => Results.Json(executions.List(AthenaOptions.PrimaryWorkGroup).Take(HistoryRows)
            .Select(executions.Find).OfType<QueryExecution>().Select(e => View(e, 0)).ToList()));
        api.MapGet("/queries/{id}", (string id, HttpRequest request) => executions.Find(id) is { } execution
            ? Results.Json(View(execution, Math.Clamp(Query.Int(request, "limit") ?? Paging.MaxLimit, 0, Paging.MaxLimit)))
            : NotFound(id));
        api.MapGet("/queries/{id}/results.csv", (string id) =>
        {
            if (executions.Find(id) is not { } execution)
            {
                return NotFound(id);
            }
            var state = execution.Snapshot();
            if (state.Result is not { } result)
            {
                return Query.Error(409, "InvalidRequestException", $"Query has not yet finished. Current state: {state.Value}");
            }
            return Results.File(Encoding.UTF8.GetBytes(ResultCsv.Write(result)), "text/csv; charset=utf-8", execution.Id + ".csv");
        });
        api.MapPost("/queries/{id}/cancel", (string id) =>
        {
            if (executions.Find(id) is not { } execution)
            {
                return NotFound(id);
            }
            execution.Cancel();
            return Results.Json(View(execution, 0));
        });
    }

    internal sealed record QueryRequest(string? Sql, string? Database);

    internal sealed record QueryError(string Message, int Category, int Type);

    internal sealed record ColumnView(string Name, string Type);

    internal sealed record ExecutionView(
        string Id, string Query, string? Database, string State, DateTimeOffset Submitted, DateTimeOffset? Started, DateTimeOffset? Completed,
        QueryError? Error, IReadOnlyList<ColumnView>? Columns, IReadOnlyList<string?[]>? Rows, int? TotalRows, long? DataScannedBytes, string OutputLocation);

    private static ExecutionView View(QueryExecution execution, int rows)
    {
        var state = execution.Snapshot();
        var result = state.Result;
        return new ExecutionView(
            execution.Id, execution.Query, execution.Database, state.Value.ToString(), execution.Submitted, state.Started, state.Completed,
            state.Failure is { } failure ? new QueryError(failure.Message, failure.ErrorCategory, failure.ErrorType) : null,
            result?.Columns.Select(c => new ColumnView(c.Name, c.Type)).ToList(),
            result is null ? null : [.. result.Rows.Take(rows)],
            result?.Rows.Count,
            result?.DataScannedBytes,
            execution.OutputLocation);
    }

    private static IResult NotFound(string id) => Query.Error(404, "InvalidRequestException", $"QueryExecution {id} was not found");
}
