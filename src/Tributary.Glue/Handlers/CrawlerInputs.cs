using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Aws;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>
/// The members of CreateCrawler and UpdateCrawler (Glue's CreateCrawlerRequest), copied into a Crawler shape, and the
/// checks of a whole definition: S3 targets only (other target kinds are InvalidInputException), s3:// paths, the
/// SchemaChangePolicy and RecrawlPolicy enumerations, Glue's rule that CRAWL_NEW_FOLDERS_ONLY needs LOG for both
/// behaviours, a Configuration that is JSON.
/// </summary>
internal static class CrawlerInputs
{
    private static readonly string[] Members =
    [
        "Role", "DatabaseName", "Description", "Targets", "Classifiers", "TablePrefix", "SchemaChangePolicy", "RecrawlPolicy",
        "LineageConfiguration", "LakeFormationConfiguration", "Configuration", "CrawlerSecurityConfiguration",
    ];

    /// <summary>
    /// The members present in the request, as a partial Crawler shape; Schedule as the request's cron string ("" removes
    /// a schedule), which <see cref="CrawlerRegistry"/> checks and stores as Glue shows it ({ScheduleExpression, State}).
    /// </summary>
    public static JsonObject Read(JsonElement body, string name)
    {
        var result = new JsonObject { ["Name"] = name };
        foreach (var member in Members)
        {
            if (body.TryGetProperty(member, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                result[member] = JsonNode.Parse(value.GetRawText());
            }
        }
        if (body.GetString("Schedule") is { } schedule)
        {
            result["Schedule"] = schedule;
        }
        return result;
    }

    /// <summary>Fills Glue's defaults and checks a whole definition.</summary>
    public static void Validate(JsonObject crawler)
    {
        var validation = new AwsValidation();
        validation.Required((string?)crawler["Role"], "role");
        validation.Required(crawler["Targets"] as JsonObject, "targets");
        validation.ThrowIfAny();
        var targets = (JsonObject)crawler["Targets"]!;
        foreach (var (kind, list) in targets)
        {
            if (kind != "S3Targets" && list is JsonArray { Count: > 0 })
            {
                throw GlueErrors.InvalidInput($"{kind} are not supported: crawlers here crawl S3 targets (the embedded object store) only.");
            }
        }
        var s3Targets = (targets["S3Targets"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (s3Targets.Count == 0)
        {
            throw GlueErrors.InvalidInput("Crawler must have at least one target.");
        }
        foreach (var target in s3Targets)
        {
            var path = target["Path"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (path is null || CrawlTarget.Parse(path) is null)
            {
                throw GlueErrors.InvalidInput($"The S3 target path {path ?? "(none)"} is not an s3://bucket/prefix path.");
            }
            foreach (var exclusion in target["Exclusions"] as JsonArray ?? [])
            {
                if (exclusion is not JsonValue e || !e.TryGetValue<string>(out _))
                {
                    throw GlueErrors.InvalidInput("Exclusions must be strings (glob patterns).");
                }
            }
        }
        var policy = crawler["SchemaChangePolicy"] as JsonObject ?? [];
        var update = (string?)policy["UpdateBehavior"] ?? CrawlerSettings.UpdateInDatabase;
        var delete = (string?)policy["DeleteBehavior"] ?? CrawlerSettings.DeprecateInDatabase;
        if (update is not (CrawlerSettings.UpdateInDatabase or CrawlerSettings.Log))
        {
            throw GlueErrors.InvalidInput($"Invalid UpdateBehavior {update}: UPDATE_IN_DATABASE or LOG.");
        }
        if (delete is not (CrawlerSettings.Log or CrawlerSettings.DeleteFromDatabase or CrawlerSettings.DeprecateInDatabase))
        {
            throw GlueErrors.InvalidInput($"Invalid DeleteBehavior {delete}: LOG, DELETE_FROM_DATABASE or DEPRECATE_IN_DATABASE.");
        }
        crawler["SchemaChangePolicy"] = new JsonObject { ["UpdateBehavior"] = update, ["DeleteBehavior"] = delete };
        var recrawl = (string?)(crawler["RecrawlPolicy"] as JsonObject)?["RecrawlBehavior"] ?? CrawlerSettings.CrawlEverything;
        if (recrawl is not (CrawlerSettings.CrawlEverything or CrawlerSettings.CrawlNewFoldersOnly))
        {
            throw GlueErrors.InvalidInput(recrawl == "CRAWL_EVENT_MODE"
                ? "CRAWL_EVENT_MODE is not supported: there are no S3 event queues here."
                : $"Invalid RecrawlBehavior {recrawl}: CRAWL_EVERYTHING or CRAWL_NEW_FOLDERS_ONLY.");
        }
        if (recrawl == CrawlerSettings.CrawlNewFoldersOnly && (update != CrawlerSettings.Log || delete != CrawlerSettings.Log))
        {
            throw GlueErrors.InvalidInput("The SchemaChangePolicy for Crawl New Folders Only Amazon S3 target can have only LOG DeleteBehavior value and LOG UpdateBehavior value.");
        }
        crawler["RecrawlPolicy"] = new JsonObject { ["RecrawlBehavior"] = recrawl };
        crawler["Classifiers"] ??= new JsonArray();
        crawler["LineageConfiguration"] ??= new JsonObject { ["CrawlerLineageSettings"] = "DISABLE" };
        if ((string?)crawler["Configuration"] is { } configuration)
        {
            try
            {
                JsonDocument.Parse(configuration).Dispose();
            }
            catch (JsonException)
            {
                throw GlueErrors.InvalidInput("Crawler configuration not valid: it is not JSON.");
            }
        }
    }
}
