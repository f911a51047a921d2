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
/// a crawl that a restart interrupted is reported as FAILED. Schedules (<see cref="CronSchedule"/>, Glue's Schedule
/// {ScheduleExpression, State SCHEDULED | NOT_SCHEDULED}) are run by a timer that looks once a second: a crawler whose
/// schedule is SCHEDULED and due starts as StartCrawler would; a crawl still running at the next firing time skips it.
/// Thread-safety: every public member takes one lock; what it returns is a copy the caller owns.
/// </summary>
public sealed class CrawlerRegistry : IAsyncDisposable
{
    public const string Ready = "READY";
    public const string Running = "RUNNING";
    public const string Stopping = "STOPPING";
    public const string Scheduled = "SCHEDULED";
    public const string NotScheduled = "NOT_SCHEDULED";

    /// <summary>How often the timer looks for due schedules: schedules have whole minutes, so a run starts within a second of its minute.</summary>
    private static readonly TimeSpan ScheduleCheckInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly string? _path;
    private readonly DataCatalog _catalog;
    private readonly IObjectStore _store;
    private readonly string _cacheDirectory;
    private readonly ILogger _logger;
    private readonly SortedDictionary<string, CrawlerEntry> _crawlers;
    private readonly TimeProvider _time;
    private ITimer? _scheduleTimer;

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

        /// <summary>When the schedule fires next (null: not yet computed, or it never fires again).</summary>
        public DateTimeOffset? NextScheduledRun { get; set; }
    }

    private CrawlerRegistry(string? path, DataCatalog catalog, IObjectStore store, string cacheDirectory, ILogger logger, SortedDictionary<string, CrawlerEntry> crawlers, TimeProvider time)
    {
        _time = time;
        _path = path;
        _catalog = catalog;
        _store = store;
        _cacheDirectory = cacheDirectory;
        _logger = logger;
        _crawlers = crawlers;
    }

    /// <summary>
    /// Opens (or creates) the crawlers saved at <paramref name="path"/> (null: in memory only). Objects of stores other
    /// than a local directory are copied into <paramref name="cacheDirectory"/> to be read. Schedules are evaluated
    /// against <paramref name="time"/> (the system clock by default; tests pass a clock they move).
    /// </summary>
    public static CrawlerRegistry Open(string? path, DataCatalog catalog, IObjectStore store, string cacheDirectory, ILogger? logger = null, TimeProvider? time = null)
    {
        var crawlers = path is not null && File.Exists(path) ? CrawlerFile.Read(File.ReadAllBytes(path)) : new SortedDictionary<string, CrawlerEntry>(StringComparer.Ordinal);
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        var registry = new CrawlerRegistry(path, catalog, store, cacheDirectory, logger ?? NullLogger.Instance, crawlers, time ?? TimeProvider.System);
        lock (registry._lock)
        {
            registry.Save();
            registry._scheduleTimer = registry._time.CreateTimer(_ => registry.RunDueSchedules(), null, ScheduleCheckInterval, ScheduleCheckInterval);
        }
        return registry;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeSeconds();

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
            var entry = new CrawlerEntry(definition);
            // A crawler created with a schedule is SCHEDULED, as in Glue.
            SetSchedule(entry, (string?)definition["Schedule"], Scheduled);
            _crawlers[name] = entry;
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

    /// <summary>How many crawls of the crawler have ended (the run times kept, at most the last 100).</summary>
    internal int Runs(string name)
    {
        lock (_lock)
        {
            return Entry(name).Runtimes.Count;
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
                if (member != "Schedule")
                {
                    updated[member] = value?.DeepClone();
                }
            }
            validate(updated);
            updated["LastUpdated"] = Now();
            updated["Version"] = ((int?)updated["Version"] ?? 1) + 1;
            var previous = entry.Definition;
            entry.Definition = updated;
            if (changes.ContainsKey("Schedule"))
            {
                try
                {
                    // A new expression keeps a schedule's state; a crawler that had none becomes SCHEDULED; "" removes it.
                    SetSchedule(entry, (string?)changes["Schedule"], ScheduleState(previous) ?? Scheduled);
                }
                catch
                {
                    entry.Definition = previous;
                    throw;
                }
            }
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
            StartRun(entry);
        }
    }

    /// <summary>Under the lock, for a READY crawler: RUNNING, and the crawl started in the background.</summary>
    private void StartRun(CrawlerEntry entry)
    {
        var settings = CrawlerSettings.From(entry.Definition);
        entry.State = Running;
        entry.RunStarted = _time.GetUtcNow();
        entry.Cancellation = new CancellationTokenSource();
        var token = entry.Cancellation.Token;
        Save();
        entry.Run = Task.Run(() => RunAsync(entry, settings, token), CancellationToken.None);
    }

    /// <summary>StartCrawlerSchedule: NOT_SCHEDULED → SCHEDULED. NoScheduleException without a schedule, SchedulerRunningException when already scheduled.</summary>
    public void StartSchedule(string name)
    {
        lock (_lock)
        {
            var entry = Entry(name);
            switch (ScheduleState(entry.Definition))
            {
                case null:
                    throw CrawlerErrors.NoSchedule(name);
                case Scheduled:
                    throw CrawlerErrors.SchedulerRunning(name);
            }
            SetSchedule(entry, (string?)entry.Definition["Schedule"]!["ScheduleExpression"], Scheduled);
            Save();
        }
    }

    /// <summary>StopCrawlerSchedule: SCHEDULED → NOT_SCHEDULED (a crawl under way goes on). SchedulerNotRunningException otherwise.</summary>
    public void StopSchedule(string name)
    {
        lock (_lock)
        {
            var entry = Entry(name);
            if (ScheduleState(entry.Definition) != Scheduled)
            {
                throw CrawlerErrors.SchedulerNotRunning(name);
            }
            SetSchedule(entry, (string?)entry.Definition["Schedule"]!["ScheduleExpression"], NotScheduled);
            Save();
        }
    }

    /// <summary>UpdateCrawlerSchedule: a new expression (the state kept; SCHEDULED for a crawler that had none); "" removes the schedule.</summary>
    public void UpdateSchedule(string name, string? expression)
    {
        lock (_lock)
        {
            var entry = Entry(name);
            var previous = entry.Definition;
            entry.Definition = (JsonObject)previous.DeepClone();
            try
            {
                SetSchedule(entry, expression, ScheduleState(previous) ?? Scheduled);
            }
            catch
            {
                entry.Definition = previous;
                throw;
            }
            entry.Definition["LastUpdated"] = Now();
            Save();
        }
    }

    private static string? ScheduleState(JsonObject definition) => (string?)(definition["Schedule"] as JsonObject)?["State"];

    /// <summary>
    /// Under the lock: the definition's Schedule becomes <paramref name="expression"/> in <paramref name="state"/> (none
    /// when the expression is null or empty), and the next firing time is computed from now. InvalidInputException for an
    /// expression <see cref="CronSchedule.Parse"/> refuses.
    /// </summary>
    private void SetSchedule(CrawlerEntry entry, string? expression, string state)
    {
        entry.NextScheduledRun = null;
        if (string.IsNullOrEmpty(expression))
        {
            entry.Definition.Remove("Schedule");
            return;
        }
        CronSchedule schedule;
        try
        {
            schedule = CronSchedule.Parse(expression);
        }
        catch (FormatException e)
        {
            throw GlueErrors.InvalidInput(e.Message);
        }
        entry.Definition["Schedule"] = new JsonObject { ["ScheduleExpression"] = expression, ["State"] = state };
        if (state == Scheduled)
        {
            entry.NextScheduledRun = schedule.Next(_time.GetUtcNow());
        }
    }

    /// <summary>The timer's work: start each SCHEDULED crawler whose time has come (a running one skips that firing).</summary>
    private void RunDueSchedules()
    {
        try
        {
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                foreach (var entry in _crawlers.Values)
                {
                    if (ScheduleState(entry.Definition) != Scheduled)
                    {
                        continue;
                    }
                    var schedule = CronSchedule.Parse((string)entry.Definition["Schedule"]!["ScheduleExpression"]!);
                    // After a restart the next time is computed afresh: firings missed while the server was down are not made up.
                    entry.NextScheduledRun ??= schedule.Next(now);
                    if (entry.NextScheduledRun is not { } due || due > now)
                    {
                        continue;
                    }
                    entry.NextScheduledRun = schedule.Next(now);
                    var name = (string)entry.Definition["Name"]!;
                    if (entry.State != Ready)
                    {
                        _logger.LogInformation("Crawler {Crawler}: the scheduled run of {Due:O} is skipped, a crawl is still under way.", name, due);
                        continue;
                    }
                    _logger.LogInformation("Crawler {Crawler}: scheduled run ({Schedule}).", name, schedule.Expression);
                    StartRun(entry);
                }
            }
        }
        catch (Exception e)
        {
            // A timer callback must not throw: the next tick tries again.
            _logger.LogError(e, "Crawler schedules could not be evaluated.");
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
                    ["TimeLeftSeconds"] = running ? Math.Max(0, median - (_time.GetUtcNow() - entry.RunStarted).TotalSeconds) : 0.0,
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
        var seconds = (_time.GetUtcNow() - started).TotalSeconds;
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

    private JsonObject Shape(CrawlerEntry entry)
    {
        var shape = (JsonObject)entry.Definition.DeepClone();
        shape["State"] = entry.State;
        if (entry.State != Ready)
        {
            shape["CrawlElapsedTime"] = (long)(_time.GetUtcNow() - entry.RunStarted).TotalMilliseconds;
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
            _scheduleTimer?.Dispose();
            _scheduleTimer = null;
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

    public static Aws.AwsErrorException NoSchedule(string name) => new("NoScheduleException", $"Crawler with name {name} has no schedule.");

    public static Aws.AwsErrorException SchedulerRunning(string name) => new("SchedulerRunningException", $"The schedule of crawler {name} is already SCHEDULED.");

    public static Aws.AwsErrorException SchedulerNotRunning(string name) => new("SchedulerNotRunningException", $"The schedule of crawler {name} is not SCHEDULED.");
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
