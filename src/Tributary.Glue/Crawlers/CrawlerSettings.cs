using System.Text.Json.Nodes;

namespace Tributary.Glue.Crawlers;

/// <summary>One S3 target: the include path as bucket and folder prefix (empty or ending in '/'), and its exclusions.</summary>
internal sealed record CrawlTarget(string Path, string Bucket, string Prefix, IReadOnlyList<ExclusionPattern> Exclusions)
{
    /// <summary>Parses <c>s3://bucket[/prefix]</c> (also s3a://, s3n://); null when it is not an S3 path.</summary>
    public static (string Bucket, string Prefix)? Parse(string path)
    {
        foreach (var scheme in (ReadOnlySpan<string>)["s3://", "s3a://", "s3n://"])
        {
            if (path.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                var rest = path[scheme.Length..];
                var slash = rest.IndexOf('/');
                var bucket = slash < 0 ? rest : rest[..slash];
                var key = slash < 0 ? "" : rest[(slash + 1)..];
                return bucket.Length == 0 ? null : (bucket, key.Length == 0 || key.EndsWith('/') ? key : key + "/");
            }
        }
        return null;
    }
}

/// <summary>What a crawl needs from a crawler's definition (Glue's Crawler shape), with Glue's defaults.</summary>
internal sealed record CrawlerSettings(string Name, string? DatabaseName, string TablePrefix, IReadOnlyList<CrawlTarget> Targets,
    string UpdateBehavior, string DeleteBehavior, string RecrawlBehavior)
{
    public const string UpdateInDatabase = "UPDATE_IN_DATABASE";
    public const string Log = "LOG";
    public const string DeleteFromDatabase = "DELETE_FROM_DATABASE";
    public const string DeprecateInDatabase = "DEPRECATE_IN_DATABASE";
    public const string CrawlEverything = "CRAWL_EVERYTHING";
    public const string CrawlNewFoldersOnly = "CRAWL_NEW_FOLDERS_ONLY";

    public static CrawlerSettings From(JsonObject crawler)
    {
        var targets = new List<CrawlTarget>();
        foreach (var target in ((crawler["Targets"] as JsonObject)?["S3Targets"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var path = (string)target["Path"]!;
            var (bucket, prefix) = CrawlTarget.Parse(path)!.Value;
            var exclusions = ((target["Exclusions"] as JsonArray) ?? []).Select(e => new ExclusionPattern((string)e!)).ToList();
            targets.Add(new CrawlTarget(path, bucket, prefix, exclusions));
        }
        var policy = crawler["SchemaChangePolicy"] as JsonObject;
        return new CrawlerSettings(
            (string)crawler["Name"]!,
            (string?)crawler["DatabaseName"],
            (string?)crawler["TablePrefix"] ?? "",
            targets,
            (string?)policy?["UpdateBehavior"] ?? UpdateInDatabase,
            (string?)policy?["DeleteBehavior"] ?? DeprecateInDatabase,
            (string?)(crawler["RecrawlPolicy"] as JsonObject)?["RecrawlBehavior"] ?? CrawlEverything);
    }
}
