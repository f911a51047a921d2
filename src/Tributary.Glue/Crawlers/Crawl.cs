using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tributary.Glue.Catalog;
using Tributary.ObjectStores;

namespace Tributary.Glue.Crawlers;

/// <summary>What one crawl did: tables created, updated and deleted, and why it failed (null when it succeeded).</summary>
internal sealed record CrawlOutcome(int TablesCreated, int TablesUpdated, int TablesDeleted, string? ErrorMessage);

/// <summary>
/// One run of a crawler over its S3 targets, as Glue's crawlers do it (docs/glue.md, "Crawlers"):
/// <list type="number">
/// <item>List each include path's objects (skipping empty objects, names and folders starting with '_' or '.', "$folder$"
/// markers and the target's exclusions) and classify each by its bytes (<see cref="ObjectClassifier"/>).</item>
/// <item>Find the table roots: the include path is one table when objects sit directly in it, its sub-folders are Hive
/// <c>key=value</c> folders, it has a single sub-folder, or its sub-folders' schemas are similar (the same format and each
/// folder's columns at least 70% of their union); otherwise each sub-folder is crawled as a table root of its own.</item>
/// <item>Per table: partition keys from the folder levels every object has below the root (<c>key=value</c> names the key,
/// plain folders are <c>partition_0</c>, <c>partition_1</c>, …), the schema as the union over the files (types widened),
/// the table named after its root folder (the bucket for a bucket root) with the prefix.</item>
/// <item>Write: new tables and partitions always; a changed schema per <c>SchemaChangePolicy.UpdateBehavior</c> (a new
/// table version, or a log line only); tables this crawler made, and partitions of its tables, that lost their objects
/// per <c>DeleteBehavior</c> (crawls of everything only);
/// <c>CRAWL_NEW_FOLDERS_ONLY</c> reads only folders that are not yet partitions of an existing table.</item>
/// </list>
/// Objects that cannot be read are left out with their reason; the crawl fails only when objects were found and none
/// made a table. Not thread-safe: one instance per run.
/// </summary>
internal sealed class Crawl(DataCatalog catalog, IObjectStore store, string cacheDirectory, ILogger logger)
{
    /// <summary>Glue's partition threshold: sibling folders whose columns are this similar become partitions of one table.</summary>
    private const double SimilarityThreshold = 0.7;

    private sealed record CrawledObject(string Key, string[] Folders, string Path, long Size, Classification Classification);

    private sealed record TablePlan(string Name, string Bucket, string RootPrefix, int Level, List<CrawledObject> Objects);

    private readonly LocalObjectCopies _copies = new(store, cacheDirectory);
    private readonly List<(string Key, string Reason)> _failures = [];
    private int _created;
    private int _updated;
    private int _deleted;
    private int _written;

    public async Task<CrawlOutcome> RunAsync(CrawlerSettings settings, CancellationToken cancellationToken)
    {
        if (settings.DatabaseName is not { Length: > 0 } database)
        {
            return new CrawlOutcome(0, 0, 0, $"Crawler {settings.Name} has no DatabaseName to write its tables to.");
        }
        EnsureDatabase(database);
        using var inference = new SchemaInference();
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var objectCount = 0;
        foreach (var target in settings.Targets)
        {
            var objects = await ListAsync(target, cancellationToken).ConfigureAwait(false);
            objectCount += objects.Count;
            if (objects.Count == 0)
            {
                continue;
            }
            var rootName = target.Prefix.Length == 0 ? target.Bucket : target.Prefix.TrimEnd('/')[(target.Prefix.TrimEnd('/').LastIndexOf('/') + 1)..];
            foreach (var plan in Plan(target.Bucket, target.Prefix, CrawlerTables.TableName(settings.TablePrefix, rootName), 0, objects, settings.TablePrefix, inference))
            {
                cancellationToken.ThrowIfCancellationRequested();
                Write(settings, database, plan, inference);
                produced.Add(plan.Name);
            }
        }
        if (settings.RecrawlBehavior == CrawlerSettings.CrawlEverything)
        {
            ApplyDeleteBehavior(settings, database, produced);
        }
        foreach (var (key, reason) in _failures)
        {
            logger.LogWarning("Crawler {Crawler}: {Key} left out: {Reason}", settings.Name, key, reason);
        }
        if (_written == 0 && _failures.Count > 0)
        {
            var listed = string.Join("; ", _failures.Take(5).Select(f => $"{f.Key}: {f.Reason}"));
            var more = _failures.Count > 5 ? $"; and {_failures.Count - 5} more" : "";
            return new CrawlOutcome(_created, _updated, _deleted,
                $"No table could be made: {_failures.Count} of {objectCount + _failures.Count} object(s) could not be read ({listed}{more}).");
        }
        return new CrawlOutcome(_created, _updated, _deleted, null);
    }

    private void EnsureDatabase(string database)
    {
        try
        {
            catalog.GetDatabase(database);
        }
        catch (Aws.AwsErrorException e) when (e.ErrorType == "EntityNotFoundException")
        {
            try
            {
                catalog.CreateDatabase(new JsonObject { ["Name"] = database });
            }
            catch (Aws.AwsErrorException exists) when (exists.ErrorType == "AlreadyExistsException")
            {
                // Created meanwhile by someone else: as good.
            }
        }
    }

    private async Task<List<CrawledObject>> ListAsync(CrawlTarget target, CancellationToken cancellationToken)
    {
        var result = new List<CrawledObject>();
        try
        {
            await foreach (var info in store.ListAsync(target.Bucket, target.Prefix, cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var relative = info.Key[target.Prefix.Length..];
                var parts = relative.Split('/');
                var name = parts[^1];
                if (info.Size == 0 || name.Length == 0 || name.EndsWith("$folder$", StringComparison.Ordinal)
                    || parts.Any(p => p.StartsWith('_') || p.StartsWith('.')) || target.Exclusions.Any(e => e.Matches(relative)))
                {
                    continue;
                }
                var path = await _copies.PathAsync(target.Bucket, info, cancellationToken).ConfigureAwait(false);
                if (ObjectClassifier.Classify(path, out var reason) is { } classification)
                {
                    result.Add(new CrawledObject(info.Key, parts[..^1], path, info.Size, classification));
                }
                else
                {
                    _failures.Add((info.Key, reason!));
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // A bucket that does not exist holds no objects.
        }
        return result;
    }

    /// <summary>The table roots under <paramref name="rootPrefix"/> (objects' folders from <paramref name="level"/> on are below it).</summary>
    private List<TablePlan> Plan(string bucket, string rootPrefix, string name, int level, List<CrawledObject> objects, string tablePrefix, SchemaInference inference)
    {
        var single = new List<TablePlan> { new(name, bucket, rootPrefix, level, objects) };
        if (objects.Any(o => o.Folders.Length == level))
        {
            return single;
        }
        var children = objects.GroupBy(o => o.Folders[level], StringComparer.Ordinal).ToList();
        if (children.Count == 1 || children.All(c => c.Key.Contains('=', StringComparison.Ordinal)))
        {
            return single;
        }
        var schemas = new List<(string Kind, HashSet<string> Columns)>();
        foreach (var child in children)
        {
            var (kind, schema) = InferTable([.. child], inference, record: false);
            schemas.Add((kind ?? "", [.. (schema?.Columns ?? []).Select(c => c.Name)]));
        }
        var union = new HashSet<string>(schemas.SelectMany(s => s.Columns), StringComparer.Ordinal);
        var similar = schemas.All(s => s.Kind == schemas[0].Kind) && schemas.All(s => SchemaMerge.Similarity(s.Columns, union) >= SimilarityThreshold);
        if (similar)
        {
            return single;
        }
        var plans = new List<TablePlan>();
        foreach (var child in children)
        {
            plans.AddRange(Plan(bucket, rootPrefix + child.Key + "/", CrawlerTables.TableName(tablePrefix, child.Key), level + 1, [.. child], tablePrefix, inference));
        }
        return plans;
    }

    /// <summary>
    /// The table's format (the classification most of its objects have) and merged schema; objects of another format, and
    /// those that cannot be read, are left out (recorded as failures when <paramref name="record"/>).
    /// </summary>
    private (string? Kind, InferredSchema? Schema) InferTable(List<CrawledObject> objects, SchemaInference inference, bool record)
    {
        // The format most objects have; a tie goes to the classifier Glue tries first.
        string[] order = [Classification.Avro, Classification.Parquet, Classification.Json, Classification.Csv];
        var kind = objects.GroupBy(o => o.Classification.Kind).OrderByDescending(g => g.Count()).ThenBy(g => Array.IndexOf(order, g.Key)).First().Key;
        var failures = new List<(string Path, string Reason)>();
        InferredSchema? merged = null;
        foreach (var group in objects.Where(o => o.Classification.Kind == kind).GroupBy(o => o.Classification))
        {
            var schema = inference.Infer(group.Key, [.. group.Select(o => o.Path)], failures);
            if (schema is not null)
            {
                merged = merged is null ? schema : merged with { Columns = SchemaMerge.Union(merged.Columns, schema.Columns) };
            }
        }
        if (record)
        {
            var byPath = objects.ToDictionary(o => o.Path, o => o.Key, StringComparer.Ordinal);
            _failures.AddRange(failures.Select(f => (byPath[f.Path], f.Reason)));
            _failures.AddRange(objects.Where(o => o.Classification.Kind != kind).Select(o => (o.Key, $"classified as {o.Classification.Kind}, while the table's objects are {kind}")));
        }
        return (kind, merged);
    }

    private void Write(CrawlerSettings settings, string database, TablePlan plan, SchemaInference inference)
    {
        var objects = plan.Objects;
        var depth = objects.Min(o => o.Folders.Length) - plan.Level;
        var keys = new List<string>();
        for (var i = 0; i < depth; i++)
        {
            var names = objects.Select(o => o.Folders[plan.Level + i]).Distinct(StringComparer.Ordinal).ToList();
            var hiveKeys = names.Select(n => n.IndexOf('=', StringComparison.Ordinal) is var at and > 0 ? n[..at].ToLowerInvariant() : null).Distinct().ToList();
            keys.Add(hiveKeys is [{ } key] && !keys.Contains(key) ? key : "partition_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var hive = keys.Select((k, i) => !k.StartsWith("partition_", StringComparison.Ordinal) || objects.All(o => o.Folders[plan.Level + i].StartsWith(k + "=", StringComparison.OrdinalIgnoreCase))).ToList();
        List<string> Values(CrawledObject o) => [.. Enumerable.Range(0, depth).Select(i => o.Folders[plan.Level + i] is var folder && hive[i] && folder.IndexOf('=') is var at and > 0 ? folder[(at + 1)..] : folder)];
        string PartitionLocation(CrawledObject o) => $"s3://{plan.Bucket}/{plan.RootPrefix}{string.Join('/', o.Folders[plan.Level..(plan.Level + depth)])}/";

        var existing = TryGetTable(database, plan.Name);
        if (existing is not null && settings.RecrawlBehavior == CrawlerSettings.CrawlNewFoldersOnly)
        {
            var known = catalog.GetPartitions(database, plan.Name, null).Select(p => CatalogTable.PartitionKey(DataCatalog.PartitionValues(p["Values"]))).ToHashSet(StringComparer.Ordinal);
            objects = depth == 0 ? [] : [.. objects.Where(o => !known.Contains(CatalogTable.PartitionKey(Values(o))))];
            if (objects.Count == 0)
            {
                _written++;
                return;
            }
        }
        var (kind, schema) = InferTable(objects, inference, record: true);
        if (schema is null)
        {
            return;
        }
        var classification = new Classification(kind!, objects.Count(o => o.Classification.Kind == kind && o.Classification.Gzip) * 2 > objects.Count(o => o.Classification.Kind == kind));
        var location = $"s3://{plan.Bucket}/{plan.RootPrefix}";
        var input = CrawlerTables.TableInput(plan.Name, location, classification, schema, keys, settings.Name, objects.Count, objects.Sum(o => o.Size));
        if (existing is null)
        {
            catalog.CreateTable(database, input);
            _created++;
        }
        else
        {
            var newColumns = schema.Columns;
            var oldColumns = CrawlerTables.Columns(existing);
            var changed = !oldColumns.SequenceEqual(newColumns) || !DataCatalog.PartitionKeyColumns(existing).Select(k => k.Name).SequenceEqual(keys)
                || (string?)(existing["Parameters"] as JsonObject)?["classification"] != kind;
            if (settings.RecrawlBehavior == CrawlerSettings.CrawlNewFoldersOnly)
            {
                // New folders only: the table's schema stays (Glue requires LOG for this policy); new columns are logged.
                var added = newColumns.Where(c => !oldColumns.Any(o => o.Name == c.Name)).ToList();
                if (added.Count > 0)
                {
                    logger.LogWarning("Crawler {Crawler}: new folders of table {Database}.{Table} have columns the table lacks ({Columns}); not applied (CRAWL_NEW_FOLDERS_ONLY with LOG)",
                        settings.Name, database, plan.Name, SchemaMerge.Describe(added));
                }
            }
            else if (changed && settings.UpdateBehavior == CrawlerSettings.UpdateInDatabase)
            {
                catalog.UpdateTable(database, input, skipArchive: false, expectedVersionId: null);
                _updated++;
            }
            else if (changed)
            {
                logger.LogWarning("Crawler {Crawler}: the schema of table {Database}.{Table} changed to ({Columns}); not applied (SchemaChangePolicy.UpdateBehavior LOG)",
                    settings.Name, database, plan.Name, SchemaMerge.Describe(newColumns));
            }
        }
        _written++;
        var table = catalog.GetTable(database, plan.Name);
        if (depth > 0 && DataCatalog.PartitionKeyColumns(table).Count == depth)
        {
            var partitions = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var o in objects)
            {
                var values = Values(o);
                var key = CatalogTable.PartitionKey(values);
                if (!partitions.ContainsKey(key))
                {
                    partitions[key] = CrawlerTables.PartitionInput(table, values, PartitionLocation(o));
                }
            }
            // Partitions that exist already are refused one by one (AlreadyExistsException) and kept as they are.
            catalog.CreatePartitions(database, plan.Name, [.. partitions.Values]);
            if (existing is not null && settings.RecrawlBehavior == CrawlerSettings.CrawlEverything)
            {
                ApplyDeleteBehavior(settings, database, plan, [.. partitions.Keys]);
            }
        }
    }

    /// <summary>
    /// The table's partitions under its root that this crawl did not find (their folders are gone, or hold nothing
    /// readable now), per DeleteBehavior: DELETE_FROM_DATABASE deletes them; LOG, and DEPRECATE_IN_DATABASE (which Glue
    /// defines for tables only), keep them and log them. Partitions elsewhere (added by hand) are left alone.
    /// </summary>
    private void ApplyDeleteBehavior(CrawlerSettings settings, string database, TablePlan plan, HashSet<string> found)
    {
        var root = $"s3://{plan.Bucket}/{plan.RootPrefix}";
        var gone = catalog.GetPartitions(database, plan.Name, null)
            .Where(p => ((string?)(p["StorageDescriptor"] as JsonObject)?["Location"] ?? "").StartsWith(root, StringComparison.Ordinal))
            .Select(p => DataCatalog.PartitionValues(p["Values"]))
            .Where(values => !found.Contains(CatalogTable.PartitionKey(values)))
            .ToList();
        if (gone.Count == 0)
        {
            return;
        }
        var described = string.Join(", ", gone.Take(10).Select(v => "[" + string.Join(", ", v) + "]")) + (gone.Count > 10 ? $" and {gone.Count - 10} more" : "");
        if (settings.DeleteBehavior == CrawlerSettings.DeleteFromDatabase)
        {
            catalog.DeletePartitions(database, plan.Name, gone);
            logger.LogInformation("Crawler {Crawler}: deleted {Count} partition(s) of {Database}.{Table} whose objects are gone: {Partitions} (DeleteBehavior DELETE_FROM_DATABASE)",
                settings.Name, gone.Count, database, plan.Name, described);
            return;
        }
        logger.LogWarning("Crawler {Crawler}: {Count} partition(s) of {Database}.{Table} have no objects left: {Partitions}; kept (DeleteBehavior {Behavior})",
            settings.Name, gone.Count, database, plan.Name, described, settings.DeleteBehavior);
    }

    /// <summary>The table parameter DEPRECATE_IN_DATABASE sets on a table whose objects are gone: the time it was deprecated.</summary>
    public const string DeprecatedParameter = "DEPRECATED_BY_CRAWLER";

    /// <summary>Tables this crawler made under its targets that no crawled folder produced this time, per DeleteBehavior.</summary>
    private void ApplyDeleteBehavior(CrawlerSettings settings, string database, HashSet<string> produced)
    {
        foreach (var table in catalog.ListTables(database))
        {
            var name = (string)table["Name"]!;
            var location = (string?)(table["StorageDescriptor"] as JsonObject)?["Location"] ?? "";
            if (produced.Contains(name) || (string?)(table["Parameters"] as JsonObject)?["UPDATED_BY_CRAWLER"] != settings.Name
                || !settings.Targets.Any(t => location.StartsWith($"s3://{t.Bucket}/{t.Prefix}", StringComparison.Ordinal)))
            {
                continue;
            }
            switch (settings.DeleteBehavior)
            {
                case CrawlerSettings.DeleteFromDatabase:
                    catalog.DeleteTable(database, name);
                    _deleted++;
                    break;
                case CrawlerSettings.DeprecateInDatabase:
                    var input = (JsonObject)table.DeepClone();
                    var parameters = input["Parameters"] as JsonObject ?? [];
                    if (parameters[DeprecatedParameter] is null)
                    {
                        // Glue: "a property to the table that says DEPRECATED and includes a timestamp with the time of deprecation".
                        parameters[DeprecatedParameter] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
                        input["Parameters"] = parameters.DeepClone();
                        catalog.UpdateTable(database, input, skipArchive: false, expectedVersionId: null);
                        _updated++;
                    }
                    break;
                default:
                    logger.LogWarning("Crawler {Crawler}: table {Database}.{Table} has no objects left; kept (DeleteBehavior LOG)", settings.Name, database, name);
                    break;
            }
        }
    }

    private JsonObject? TryGetTable(string database, string name)
    {
        try
        {
            return catalog.GetTable(database, name);
        }
        catch (Aws.AwsErrorException e) when (e.ErrorType == "EntityNotFoundException")
        {
            return null;
        }
    }
}
