using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.WebConsole.Api;

/// <summary>
/// The Glue Data Catalog, from the same <see cref="DataCatalog"/> and <see cref="CrawlerRegistry"/> the Glue API
/// serves: <c>GET /catalog/databases</c> (paged; each with its table count), <c>GET /catalog/databases/{name}/tables</c>
/// (paged; location, format, columns, partition keys), <c>GET /catalog/crawlers</c> (paged; state, targets, the last
/// crawl) and <c>POST /catalog/crawlers/{name}/start</c>. Glue's errors pass through with their type and message.
/// </summary>
internal static class CatalogApi
{
    public static void Map(IEndpointRouteBuilder api, DataCatalog catalog, CrawlerRegistry crawlers)
    {
        api.MapGet("/catalog/databases", (HttpRequest request) =>
        {
            var paging = Paging.From(request);
            var rows = new List<DatabaseRow>();
            foreach (var database in catalog.ListDatabases())
            {
                var name = Text(database, "Name") ?? "";
                if (paging.Matches(name))
                {
                    rows.Add(new DatabaseRow(name, Text(database, "Description"), Text(database, "LocationUri"), catalog.ListTables(name).Count));
                }
            }
            rows.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return Results.Json(paging.Apply(rows));
        });
        api.MapGet("/catalog/databases/{name}/tables", (string name, HttpRequest request) => Glue(() =>
        {
            var paging = Paging.From(request);
            var rows = catalog.ListTables(name).Select(Table).Where(t => paging.Matches(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
            return Results.Json(paging.Apply(rows));
        }));
        api.MapGet("/catalog/crawlers", (HttpRequest request) =>
        {
            var paging = Paging.From(request);
            var rows = crawlers.List().Select(Crawler).Where(c => paging.Matches(c.Name)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            return Results.Json(paging.Apply(rows));
        });
        api.MapPost("/catalog/crawlers/{name}/start", (string name) => Glue(() =>
        {
            crawlers.Start(name);
            return Results.Json(Crawler(crawlers.Get(name)));
        }));
    }

    internal sealed record DatabaseRow(string Name, string? Description, string? LocationUri, int Tables);

    internal sealed record ColumnView(string Name, string Type);

    internal sealed record TableRow(string Name, string? Location, string? Classification, string? SerializationLibrary, IReadOnlyList<ColumnView> Columns, IReadOnlyList<ColumnView> PartitionKeys, string? TableType);

    internal sealed record CrawlerRow(string Name, string State, string? Database, IReadOnlyList<string> Targets, string? Schedule, string? LastCrawlStatus, string? LastCrawlError, string? LastCrawlStarted);

    /// <summary>A table of Glue's GetTable shape as a row: where its objects are, their format, its columns.</summary>
    internal static TableRow Table(JsonObject table)
    {
        var storage = table["StorageDescriptor"] as JsonObject;
        return new TableRow(
            Text(table, "Name") ?? "",
            storage is null ? null : Text(storage, "Location"),
            (table["Parameters"] as JsonObject) is { } parameters ? Text(parameters, "classification") : null,
            (storage?["SerdeInfo"] as JsonObject) is { } serde ? Text(serde, "SerializationLibrary") : null,
            Columns(storage?["Columns"]),
            Columns(table["PartitionKeys"]),
            Text(table, "TableType"));
    }

    private static CrawlerRow Crawler(JsonObject crawler)
    {
        var targets = new List<string>();
        if ((crawler["Targets"] as JsonObject)?["S3Targets"] is JsonArray s3)
        {
            targets.AddRange(s3.OfType<JsonObject>().Select(t => Text(t, "Path")).OfType<string>());
        }
        var last = crawler["LastCrawl"] as JsonObject;
        return new CrawlerRow(
            Text(crawler, "Name") ?? "",
            Text(crawler, "State") ?? "",
            Text(crawler, "DatabaseName"),
            targets,
            (crawler["Schedule"] as JsonObject) is { } schedule ? Text(schedule, "ScheduleExpression") : null,
            last is null ? null : Text(last, "Status"),
            last is null ? null : Text(last, "ErrorMessage"),
            last?["StartTime"]?.ToString());
    }

    private static List<ColumnView> Columns(JsonNode? node) =>
        node is JsonArray columns ? [.. columns.OfType<JsonObject>().Select(c => new ColumnView(Text(c, "Name") ?? "", Text(c, "Type") ?? ""))] : [];

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Runs a catalog call; Glue's errors (EntityNotFoundException, CrawlerRunningException, …) become the console's error body.</summary>
    private static IResult Glue(Func<IResult> call)
    {
        try
        {
            return call();
        }
        catch (AwsErrorException e)
        {
            return Query.Error(e.StatusCode, e.ErrorType, e.Message);
        }
    }
}
