using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Glue.Catalog;
using Tributary.ObjectStores;

namespace Tributary.Glue.Crawlers;

/// <summary>
/// The crawlers: definitions (Glue's Crawler shape), their state (READY → RUNNING → READY, STOPPING while a stop is
/// asked), the last crawl and run-time figures, saved whole to <c>&lt;data dir&gt;/glue/crawlers.json</c> after every
/// change (<see cref="CrawlerFile"/>, beside the catalog's file). Crawls run in the background, one at a time per crawler;
/// a crawl that a restart interrupted is reported as FAILED. Schedules are stored and shown, not run.
/// Thread-safety: every public member takes one lock; what it returns is a copy the caller owns.
/// </summary>
public sealed class CrawlerRegistry : IAsyncDisposable
{
    public const string Ready = "READY";
    public const string Running = "RUNNING";
    public const string Stopping = "STOPPING";

    private readonly Lock _lock = new();
    private readonly string? _path;
    private readonly DataCatalog _catalog;
    private readonly IObjectStore _store;
    private readonly string _cacheDirectory;
    private readonly ILogger _logger;
    private readonly SortedDictionary<string, CrawlerEntry> _crawlers;

    internal sealed class CrawlerEntry(JsonObject definition)
    {
        public JsonObject Definition { get; set; } = definition;
        public JsonObject? LastCrawl { get; set; }
        public List<double> Runtimes { get; } = [];
        public int TablesCreated { get; set; }
        public int TablesUpdated { get; set; }
        public int TablesDeleted { get; set; }
        public string State { get; set; } = Ready;
        public DateTimeOffset RunStarted { get; set; }
        public CancellationTokenSource? Cancellation { get; set; }
        public Task? Run { get; set; }
    }

    private CrawlerRegistry(string? path, DataCatalog catalog, IObjectStore store, string cacheDirectory, ILogger logger, SortedDictionary<string, CrawlerEntry> crawlers)
    {
        _path = path;
        _catalog = catalog;
        _store = store;
        _cacheDirectory = cacheDirectory;
        _logger = logger;
        _crawlers = crawlers;
    }

    /// <summary>
    /// Opens (or creates) the crawlers saved at <paramref name="path"/> (null: in memory only). Objects of stores other
    /// than a local directory are copied into <paramref name="cacheDirectory"/> to be read.
    /// </summary>
    public static CrawlerRegistry Open(string? path, DataCatalog catalog, IObjectStore store, string cacheDirectory, ILogger? logger = null)
    {
        var crawlers = path is not null && File.Exists(path) ? CrawlerFile.Read(File.ReadAllBytes(path)) : new SortedDictionary<string, CrawlerEntry>(StringComparer.Ordinal);
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        var registry = new CrawlerRegistry(path, catalog, store, cacheDirectory, logger ?? NullLogger.Instance, crawlers);
        lock (registry._lock)
        {
            registry.Save();
        }
        return registry;
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public void Create(JsonObject definition)
    {
        var name = (string)definition["Name"]!;
        lock (_lock)
        {
            if (_crawlers.ContainsKey(name))
            {
                throw GlueErrors.AlreadyExists($"{name} already exists");
            }
            definition["CreationTime"] = Now();
            definition["LastUpdated"] = Now();
            definition["Version"] = 1;
            _crawlers[name] = new CrawlerEntry(definition);
            Save();
        }
    }

    /// <summary>The crawler as GetCrawler shows it: the definition, State, CrawlElapsedTime and LastCrawl.</summary>
    public JsonObject Get(string name)
    {
        lock (_lock)
        {
            return Shape(Entry(name));
        }
    }

    public List<JsonObject> List()
    {
        lock (_lock)
        {
            return [.. _crawlers.Values.Select(Shape)];
        }
    }

    public List<string> Names()
    {
        lock (_lock)
        {
            return [.. _crawlers.Keys];
        }
    }

    /// <summary>Replaces the members of the definition that <paramref name="changes"/> names; refused while the crawler runs.</summary>
    public void Update(string name, JsonObject changes, Action<JsonObject> validate)
    {
        lock (_lock)
        {
            var entry = Entry(name);
            if (entry.State != Ready)
            {
                throw CrawlerErrors.Running(name);
            }
            var updated = (JsonObject)entry.Definition.DeepClone();
            foreach (var (member, value) in changes)
            {
                updated[member] = value?.DeepClone();
            }
            validate(updated);
            updated["LastUpdated"] = Now();
            updated["Version"] = ((int?)updated["Version"] ?? 1) + 1;
            entry.Definition = updated;
            Save();
        }
    }

    public void Delete(string name)
    {
        lock (_lock)
        {
            var entry = Entry(name);
            if (entry.State != Ready)
            {
                throw CrawlerErrors.Running(name);
            }
            _crawlers.Remove(name);
            Save();
        }
    }

    /// <summary>Starts a crawl in the background; CrawlerRunningException when one is under way.</summary>
    public void Start(string name)
    {
        lock (_lock)
        {
            var entry = Entry(name);
            if (entry.State != Ready)
            {
                throw CrawlerErrors.Running(name);
            }
            var settings = CrawlerSettings.From(entry.Definition);
            entry.State = Running;
            entry.RunStarted = DateTimeOffset.UtcNow;
            entry.Cancellation = new CancellationTokenSource();
            var token = entry.Cancellation.Token;
            Save();
            entry.Run = Task.Run(() => RunAsync(entry, settings, token), CancellationToken.None);
        }
    }

    /// <summary>Asks a running crawl to stop (STOPPING until it has); CrawlerNotRunningException or CrawlerStoppingException otherwise.</summary>
    public void Stop(string name)
    {
        lock (_lock)
        {
            var entry = Entry(name);
            if (entry.State == Ready)
            {
                throw CrawlerErrors.NotRunning(name);
            }
            if (entry.State == Stopping)
            {
                throw CrawlerErrors.Stopping(name);
            }
            entry.State = Stopping;
            entry.Cancellation!.Cancel();
        }
    }

    /// <summary>GetCrawlerMetrics' figures for each named crawler (all when <paramref name="names"/> is null).</summary>
    public List<JsonObject> Metrics(IReadOnlyList<string>? names)
    {
        lock (_lock)
        {
            var result = new List<JsonObject>();
            foreach (var name in names ?? [.. _crawlers.Keys])
            {
                if (!_crawlers.TryGetValue(name, out var entry))
                {
                    continue;
                }
                var runtimes = entry.Runtimes.Order().ToList();
                var running = entry.State != Ready;
                var median = runtimes.Count == 0 ? 0 : runtimes.Count % 2 == 1 ? runtimes[runtimes.Count / 2] : (runtimes[(runtimes.Count / 2) - 1] + runtimes[runtimes.Count / 2]) / 2;
                result.Add(new JsonObject
                {
                    ["CrawlerName"] = name,
                    ["TimeLeftSeconds"] = running ? Math.Max(0, median - (DateTimeOffset.UtcNow - entry.RunStarted).TotalSeconds) : 0.0,
                    ["StillEstimating"] = running && runtimes.Count == 0,
                    ["LastRuntimeSeconds"] = entry.Runtimes.Count == 0 ? 0.0 : entry.Runtimes[^1],
                    ["MedianRuntimeSeconds"] = median,
                    ["TablesCreated"] = entry.TablesCreated,
                    ["TablesUpdated"] = entry.TablesUpdated,
                    ["TablesDeleted"] = entry.TablesDeleted,
                });
            }
            return result;
        }
    }

    private async Task RunAsync(CrawlerEntry entry, CrawlerSettings settings, CancellationToken token)
    {
        var started = entry.RunStarted;
        CrawlOutcome? outcome = null;
        string status;
        string? error = null;
        try
        {
            outcome = await new Crawl(_catalog, _store, _cacheDirectory, _logger).RunAsync(settings, token).ConfigureAwait(false);
            error = outcome.ErrorMessage;
            status = error is null ? "SUCCEEDED" : "FAILED";
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            status = "CANCELLED";
        }
        catch (Exception e)
        {
            // Whatever the objects hold, the crawl ends with a status and a message, never with the server.
            status = "FAILED";
            error = $"Internal Service Exception: {e.GetType().Name}: {e.Message}";
            _logger.LogError(e, "Crawler {Crawler} failed", settings.Name);
        }
        var seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        _logger.LogInformation("Crawler {Crawler}: {Status} in {Seconds:F2} s; tables created {Created}, updated {Updated}, deleted {Deleted}{Error}",
            settings.Name, status, seconds, outcome?.TablesCreated ?? 0, outcome?.TablesUpdated ?? 0, outcome?.TablesDeleted ?? 0, error is null ? "" : ": " + error);
        lock (_lock)
        {
            var lastCrawl = new JsonObject
            {
                ["Status"] = status,
                ["LogGroup"] = "/aws-glue/crawlers",
                ["LogStream"] = settings.Name,
                ["MessagePrefix"] = Guid.NewGuid().ToString(),
                ["StartTime"] = started.ToUnixTimeSeconds(),
            };
            if (error is not null)
            {
                lastCrawl["ErrorMessage"] = error;
            }
            entry.LastCrawl = lastCrawl;
            entry.Runtimes.Add(Math.Round(seconds, 3));
            if (entry.Runtimes.Count > 100)
            {
                entry.Runtimes.RemoveAt(0);
            }
            entry.TablesCreated = outcome?.TablesCreated ?? 0;
            entry.TablesUpdated = outcome?.TablesUpdated ?? 0;
            entry.TablesDeleted = outcome?.TablesDeleted ?? 0;
            entry.State = Ready;
            entry.Cancellation?.Dispose();
            entry.Cancellation = null;
            if (_crawlers.ContainsValue(entry))
            {
                Save();
            }
        }
    }

    private static JsonObject Shape(CrawlerEntry entry)
    {
        var shape = (JsonObject)entry.Definition.DeepClone();
        shape["State"] = entry.State;
        if (entry.State != Ready)
        {
            shape["CrawlElapsedTime"] = (long)(DateTimeOffset.UtcNow - entry.RunStarted).TotalMilliseconds;
        }
        if (entry.LastCrawl is not null)
        {
            shape["LastCrawl"] = entry.LastCrawl.DeepClone();
        }
        return shape;
    }

    private CrawlerEntry Entry(string name) => _crawlers.TryGetValue(name, out var entry) ? entry : throw CrawlerErrors.NotFound(name);

    private void Save()
    {
        if (_path is not null)
        {
            Foundation.IO.DurableFile.WriteAtomically(_path, CrawlerFile.Write(_crawlers));
        }
    }

    /// <summary>Stops running crawls and waits for them (server shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        List<Task> runs;
        lock (_lock)
        {
            runs = [];
            foreach (var entry in _crawlers.Values.Where(e => e.Run is not null && e.State != Ready))
            {
                entry.Cancellation?.Cancel();
                runs.Add(entry.Run!);
            }
        }
        await Task.WhenAll(runs).ConfigureAwait(false);
    }
}

/// <summary>The crawler errors, with Glue's names.</summary>
internal static class CrawlerErrors
{
    public static Aws.AwsErrorException NotFound(string name) => GlueErrors.EntityNotFound($"Crawler entry with name {name} does not exist");

    public static Aws.AwsErrorException Running(string name) => new("CrawlerRunningException", $"Crawler with name {name} has already started");

    public static Aws.AwsErrorException NotRunning(string name) => new("CrawlerNotRunningException", $"Crawler with name {name} isn't running.");

    public static Aws.AwsErrorException Stopping(string name) => new("CrawlerStoppingException", $"Crawler with name {name} is stopping.");
}

/// <summary>
/// The crawlers' file (<c>&lt;data dir&gt;/glue/crawlers.json</c>): a header naming the format and its version, then each
/// crawler's definition (Glue's Crawler shape without State), its last crawl, run times and last table counts. Keep in
/// sync with docs/formats/glue-catalog.md.
/// </summary>
internal static class CrawlerFile
{
    public const string FormatName = "tributary-glue-crawlers";
    public const int CurrentVersion = 1;

    public static byte[] Write(SortedDictionary<string, CrawlerRegistry.CrawlerEntry> crawlers)
    {
        var list = new JsonArray();
        foreach (var entry in crawlers.Values)
        {
            list.Add(new JsonObject
            {
                ["crawler"] = entry.Definition.DeepClone(),
                ["lastCrawl"] = entry.LastCrawl?.DeepClone(),
                ["runtimes"] = new JsonArray([.. entry.Runtimes.Select(r => (JsonNode)JsonValue.Create(r))]),
                ["tablesCreated"] = entry.TablesCreated,
                ["tablesUpdated"] = entry.TablesUpdated,
                ["tablesDeleted"] = entry.TablesDeleted,
                ["running"] = entry.State != CrawlerRegistry.Ready,
            });
        }
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["format"] = FormatName, ["version"] = CurrentVersion, ["crawlers"] = list });
    }

    public static SortedDictionary<string, CrawlerRegistry.CrawlerEntry> Read(byte[] bytes)
    {
        var root = JsonNode.Parse(bytes) as JsonObject ?? throw new InvalidDataException("The Glue crawlers file is not a JSON object.");
        if ((string?)root["format"] != FormatName || (int?)root["version"] != CurrentVersion)
        {
            throw new InvalidDataException($"The Glue crawlers file is not {FormatName} version {CurrentVersion}.");
        }
        var result = new SortedDictionary<string, CrawlerRegistry.CrawlerEntry>(StringComparer.Ordinal);
        foreach (var item in (root["crawlers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var entry = new CrawlerRegistry.CrawlerEntry((JsonObject)item["crawler"]!.DeepClone())
            {
                LastCrawl = item["lastCrawl"]?.DeepClone() as JsonObject,
                TablesCreated = (int?)item["tablesCreated"] ?? 0,
                TablesUpdated = (int?)item["tablesUpdated"] ?? 0,
                TablesDeleted = (int?)item["tablesDeleted"] ?? 0,
            };
            entry.Runtimes.AddRange((item["runtimes"] as JsonArray ?? []).Select(r => (double)r!));
            if ((bool?)item["running"] == true)
            {
                // The server stopped during this crawl: it ended without a result.
                entry.LastCrawl = new JsonObject
                {
                    ["Status"] = "FAILED",
                    ["ErrorMessage"] = "The crawl was interrupted: the server stopped while it ran.",
                    ["LogGroup"] = "/aws-glue/crawlers",
                    ["LogStream"] = (string)entry.Definition["Name"]!,
                    ["MessagePrefix"] = Guid.NewGuid().ToString(),
                    ["StartTime"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                };
            }
            result[(string)entry.Definition["Name"]!] = entry;
        }
        return result;
    }
}
