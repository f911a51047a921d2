using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tributary.MskConnect.Messages;

using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Workers;

/// <summary>
/// Runs one MSK connector as its own Connect worker group of child processes and reports what it sees. Once a second
/// it reconciles: workers that died are started again; the count follows the plan (or the autoscaler); when the
/// plan's version is new, the configuration is PUT through a worker's REST API (<c>PUT /connectors/NAME/config</c>:
/// create or update, idempotent, so a restarted server re-applies safely); otherwise the connector's Connect status
/// is read and reported — RUNNING once the connector and all its tasks run, FAILED with the first line of the failed
/// connector's or task's trace. The autoscaler samples the workers' CPU time every <see cref="MskConnectOptions.ScaleSampleInterval"/>:
/// the mean use per worker as a share of its MCUs (1 vCPU each) above the scale-out percentage adds a worker, below
/// the scale-in one removes one, within [min, max], at most once per <see cref="MskConnectOptions.ScaleCooldown"/>, and
/// only on samples taken while the group ran the connector and all its tasks (not while workers start or rebalance).
/// Worker output goes to the connector's log delivery (<see cref="WorkerLogDelivery"/>), delivered every
/// <see cref="MskConnectOptions.LogFlushInterval"/> and once more after the workers stopped.
/// One loop task; <see cref="StopAsync"/> stops every worker.
/// </summary>
internal sealed class ConnectorRuntime
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private readonly Func<ConnectorPlan?> _plan;
    private readonly Action<string, StateDescription?> _reportState;
    private readonly Action<int> _reportWorkers;
    private readonly WorkerLauncher _launcher;
    private readonly MskConnectOptions _options;
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly WorkerLogDelivery? _logs;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<WorkerProcess> _workers = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private string? _appliedVersion;
    private int _autoscaledCount;
    private DateTime _lastScale = DateTime.MinValue;
    private DateTime _lastSample = DateTime.UtcNow;
    private DateTime _lastLogFlush = DateTime.UtcNow;
    private int _nextWorker;

    /// <summary>The connector and all its tasks ran at the last status read since the workers last changed: only then does the autoscaler act.</summary>
    private bool _settled;
    private DateTime? _settledSince;

    public ConnectorRuntime(
        Func<ConnectorPlan?> plan, Action<string, StateDescription?> reportState, Action<int> reportWorkers, int initialWorkers,
        WorkerLauncher launcher, MskConnectOptions options, string directory, ILogger logger, WorkerLogDelivery? logs = null)
    {
        _logs = logs is { Enabled: true } ? logs : null;
        _plan = plan;
        _reportState = reportState;
        _reportWorkers = reportWorkers;
        _autoscaledCount = initialWorkers;
        _launcher = launcher;
        _options = options;
        _directory = directory;
        _logger = logger;
    }

    /// <summary>Scaling steps the autoscaler took out (adding a worker) and in (removing one) since the runtime started.</summary>
    public (long Out, long In) ScalingSteps => (Interlocked.Read(ref _scaleOuts), Interlocked.Read(ref _scaleIns));

    private long _scaleOuts;
    private long _scaleIns;

    /// <summary>The process ids of the running workers (a snapshot).</summary>
    public IReadOnlyList<int> ProcessIds
    {
        get
        {
            lock (_workers)
            {
                return [.. _workers.Where(w => !w.HasExited).Select(w => w.ProcessId)];
            }
        }
    }

    public void Start()
    {
        Directory.CreateDirectory(_directory);
        _loop = Task.Run(RunAsync);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        List<WorkerProcess> workers;
        lock (_workers)
        {
            workers = [.. _workers];
            _workers.Clear();
        }
        await Task.WhenAll(workers.Select(w => w.StopAsync(StopGrace))).ConfigureAwait(false);
        if (_logs is not null)
        {
            await _logs.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        _http.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (_plan() is not { } plan)
                {
                    return;
                }
                await ReconcileWorkersAsync(plan).ConfigureAwait(false);
                if (_appliedVersion != plan.Version)
                {
                    await ApplyAsync(plan).ConfigureAwait(false);
                }
                else
                {
                    await ReportStatusAsync(plan).ConfigureAwait(false);
                }
                if (plan.Autoscaled)
                {
                    await AutoscaleAsync(plan).ConfigureAwait(false);
                }
                if (_logs is not null && DateTime.UtcNow - _lastLogFlush >= _options.LogFlushInterval)
                {
                    _lastLogFlush = DateTime.UtcNow;
                    await _logs.FlushAsync(_stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                _logger.LogWarning(e, "MSK connector runtime: reconciliation failed; retrying");
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private int Desired(ConnectorPlan plan) =>
        plan.Autoscaled ? Math.Clamp(_autoscaledCount, plan.MinWorkers, plan.MaxWorkers) : plan.WorkerCount;

    private async Task ReconcileWorkersAsync(ConnectorPlan plan)
    {
        List<WorkerProcess> exited;
        lock (_workers)
        {
            exited = [.. _workers.Where(w => w.HasExited)];
            _workers.RemoveAll(exited.Contains);
        }
        foreach (var dead in exited)
        {
            _logger.LogWarning("MSK connector {Name}: worker process {Pid} exited; starting another. Its last output:\n{Tail}", plan.ConnectorName, dead.ProcessId, dead.Tail);
            await dead.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        }
        var desired = Desired(plan);
        while (true)
        {
            WorkerProcess? surplus = null;
            lock (_workers)
            {
                if (_workers.Count < desired)
                {
                    var path = Path.Combine(_directory, $"worker-{_nextWorker++}.properties");
                    // MSK names a worker's log events [Worker-<17 hex digits>]; ours is random per process.
                    var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9))[..17];
                    var logs = _logs;
                    _workers.Add(WorkerProcess.Start(_launcher, path, plan.WorkerProperties, logs is null ? null : line => logs.Add(id, line), WorkerEnvironment()));
                    _settled = false;
                    continue;
                }
                if (_workers.Count > desired)
                {
                    surplus = _workers[^1];
                    _workers.RemoveAt(_workers.Count - 1);
                    _settled = false;
                }
            }
            if (surplus is null)
            {
                break;
            }
            await surplus.StopAsync(StopGrace).ConfigureAwait(false);
        }
        _reportWorkers(desired);
    }

    /// <summary>
    /// What the workers get beyond the server's environment: the configured credentials for the AWS SDK's environment
    /// chain (the service execution role's stand-in), and the trusted CAs as the process's system trust
    /// (<c>SSL_CERT_FILE</c>), so every client in the worker, the connectors' own included (a Debezium history
    /// producer on SASL_SSL), trusts the cluster as MSK's workers trust Amazon's CAs.
    /// </summary>
    private Dictionary<string, string> WorkerEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_options.WorkerCredentials is var (key, secret))
        {
            environment["AWS_ACCESS_KEY_ID"] = key;
            environment["AWS_SECRET_ACCESS_KEY"] = secret;
            environment["AWS_REGION"] = _options.Region;
        }
        if (_options.TrustStoreLocation is { } trustStore)
        {
            environment["SSL_CERT_FILE"] = trustStore;
        }
        return environment;
    }

    private WorkerProcess[] Workers()
    {
        lock (_workers)
        {
            return [.. _workers];
        }
    }

    private async Task ApplyAsync(ConnectorPlan plan)
    {
        foreach (var worker in Workers())
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.PutAsJsonAsync(new Uri(worker.RestUri, $"connectors/{Uri.EscapeDataString(plan.ConnectorName)}/config"), plan.ConnectorConfiguration, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !_stop.IsCancellationRequested)
            {
                continue; // Not listening yet, or busy joining the group: try another worker, or again next round.
            }
            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    _appliedVersion = plan.Version;
                    return;
                }
                var body = await response.Content.ReadAsStringAsync(_stop.Token).ConfigureAwait(false);
                if ((int)response.StatusCode is 400 or 404 or 422)
                {
                    // The configuration itself is refused (unknown class, invalid values): FAILED until updated.
                    _appliedVersion = plan.Version;
                    _reportState("FAILED", new StateDescription("INVALID_CONNECTOR_CONFIGURATION", ErrorMessage(body)));
                    return;
                }
                // 409 (rebalance in progress) or 5xx: try again next round.
            }
        }
    }

    private async Task ReportStatusAsync(ConnectorPlan plan)
    {
        foreach (var worker in Workers())
        {
            JsonElement status;
            try
            {
                using var response = await _http.GetAsync(new Uri(worker.RestUri, $"connectors/{Uri.EscapeDataString(plan.ConnectorName)}/status"), _stop.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    continue;
                }
                status = await response.Content.ReadFromJsonAsync<JsonElement>(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !_stop.IsCancellationRequested)
            {
                continue;
            }
            var connector = status.GetProperty("connector");
            if (State(connector) == "FAILED")
            {
                _reportState("FAILED", new StateDescription("CONNECTOR_FAILED", FirstLine(connector)));
                return;
            }
            var tasks = status.TryGetProperty("tasks", out var t) ? t.EnumerateArray().ToList() : [];
            if (tasks.FirstOrDefault(task => State(task) == "FAILED") is { ValueKind: JsonValueKind.Object } failed)
            {
                _reportState("FAILED", new StateDescription("TASK_FAILED", FirstLine(failed)));
                return;
            }
            if (State(connector) == "RUNNING" && tasks.Count > 0 && tasks.All(task => State(task) == "RUNNING"))
            {
                _reportState("RUNNING", null);
                _settled = true;
            }
            else
            {
                _settled = false;
            }
            return;
        }
    }

    private async Task AutoscaleAsync(ConnectorPlan plan)
    {
        var now = DateTime.UtcNow;
        if (now - _lastSample < _options.ScaleSampleInterval)
        {
            return;
        }
        _lastSample = now;
        var workers = Workers();
        if (workers.Length == 0)
        {
            return;
        }
        var percent = workers.Average(w => w.SampleCpuPercent()) / plan.McuCount;
        // Starting workers and a rebalancing group burn CPU that says nothing about the load: the autoscaler acts only
        // on a sample taken wholly while the group ran its connector and tasks, and the cooldown counts from then.
        var settledSample = _settled && _settledSince is { } since && since <= now - _options.ScaleSampleInterval;
        _settledSince = _settled ? _settledSince ?? now : null;
        if (!settledSample || now - _lastScale < _options.ScaleCooldown)
        {
            return;
        }
        var current = Desired(plan);
        var next = percent > plan.ScaleOutPercent ? current + 1 : percent < plan.ScaleInPercent ? current - 1 : current;
        next = Math.Clamp(next, plan.MinWorkers, plan.MaxWorkers);
        if (next != current)
        {
            _logger.LogInformation("MSK connector {Name}: CPU {Percent:F1}% per worker; scaling from {From} to {To} workers", plan.ConnectorName, percent, current, next);
            _autoscaledCount = next;
            _lastScale = now;
            Interlocked.Increment(ref next > current ? ref _scaleOuts : ref _scaleIns);
            await ReconcileWorkersAsync(plan).ConfigureAwait(false);
        }
    }

    private static string? State(JsonElement element) =>
        element.TryGetProperty("state", out var state) ? state.GetString() : null;

    private static string FirstLine(JsonElement element)
    {
        var trace = element.TryGetProperty("trace", out var t) ? t.GetString() ?? "" : "";
        var line = trace.Split('\n', 2)[0].Trim();
        return line.Length == 0 ? "The connector failed without a trace." : line;
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("message", out var message) && message.GetString() is { } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body itself.
        }
        return body.Length == 0 ? "The Connect worker refused the connector configuration." : body;
    }
}
