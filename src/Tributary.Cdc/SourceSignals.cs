using System.Text.Json;
using System.Text.RegularExpressions;
using Tributary.Connect.Errors;

namespace Tributary.Cdc;

/// <summary>
/// Debezium's signals through the <c>source</c> channel: a row inserted into the signalling table
/// (<c>signal.data.collection</c>, columns id, type, data) whose type is one of <c>log</c> (data
/// <c>{"message": "..."}</c>, written to the worker's output), <c>execute-snapshot</c>, <c>stop-snapshot</c>,
/// <c>pause-snapshot</c> or <c>resume-snapshot</c> (acting on the connector's
/// <see cref="IncrementalSnapshotWindow{TTable, TKey, TRow}"/>). The connector's own watermark rows
/// (<c>snapshot-window-open</c>, <c>snapshot-window-close</c>) are not signals and are left to the caller. A malformed
/// signal (data that is not JSON, an invalid table pattern, an unknown type) is written to the output as a warning and
/// skipped: a signal never fails the task. Stateless; the window it acts on belongs to one reader task.
/// </summary>
public static class SourceSignals
{
    /// <summary>The only channel implemented: the signalling table in the captured database.</summary>
    public const string SourceChannel = "source";

    public const string Log = "log";
    public const string ExecuteSnapshot = "execute-snapshot";
    public const string StopSnapshot = "stop-snapshot";
    public const string PauseSnapshot = "pause-snapshot";
    public const string ResumeSnapshot = "resume-snapshot";
    public const string WindowOpen = "snapshot-window-open";
    public const string WindowClose = "snapshot-window-close";

    /// <summary>Debezium's other channel names: known, but not implemented here, so refused by name rather than ignored.</summary>
    private static readonly string[] UnsupportedChannels = ["kafka", "file", "jmx"];

    /// <summary>
    /// <c>signal.enabled.channels</c> (default <c>source</c>): a list naming only <c>source</c>. Any other name fails the
    /// configuration, so a connector configured for a channel that would never deliver a signal does not start quietly.
    /// </summary>
    public static IReadOnlyList<string> ParseChannels(string? value)
    {
        var channels = (value ?? SourceChannel).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.ToLowerInvariant()).Distinct().ToList();
        if (channels.FirstOrDefault(c => c != SourceChannel) is { } other)
        {
            throw new ConfigException("signal.enabled.channels", other, UnsupportedChannels.Contains(other)
                ? $"The {other} signal channel is not supported; only source (the signal.data.collection table) is"
                : "Unknown signal channel; the only supported channel is source (the signal.data.collection table)");
        }
        return channels;
    }

    /// <summary>Whether a row of the signalling table with this type is the connector's own watermark, not a signal.</summary>
    public static bool IsWatermark(string? type) => type is WindowOpen or WindowClose;

    /// <summary>
    /// Acts on the signal row (<paramref name="id"/>, <paramref name="type"/>, <paramref name="data"/>);
    /// <paramref name="captured"/> lists the captured tables (<c>namespace.table</c>), asked only by the signals that
    /// name tables. Watermark rows are not for this method (see <see cref="IsWatermark"/>). Lines go to
    /// <paramref name="output"/>, prefixed with <paramref name="connector"/> (the topic prefix).
    /// </summary>
    public static async Task ApplyAsync<TTable, TKey, TRow>(IncrementalSnapshotWindow<TTable, TKey, TRow> window, string connector, string? id, string? type, string? data,
        Func<Task<IEnumerable<string>>> captured, bool ignoreCase, TextWriter output)
        where TTable : class
        where TKey : notnull
    {
        try
        {
            switch (type)
            {
                case Log:
                    using (var json = JsonDocument.Parse(string.IsNullOrEmpty(data) ? "{}" : data))
                    {
                        var message = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var text) ? text.ToString() : "";
                        Write(output, "info", connector, $"Signal {id} log: {message}");
                    }
                    break;
                case ExecuteSnapshot:
                    {
                        var queued = window.Request(data, await captured().ConfigureAwait(false), ignoreCase);
                        Write(output, "info", connector, $"Signal {id} execute-snapshot: {(queued.Count == 0 ? "no captured table newly queued" : "queued " + string.Join(", ", queued))}");
                    }
                    break;
                case StopSnapshot:
                    {
                        var dropped = window.Stop(data, ignoreCase);
                        Write(output, "info", connector, $"Signal {id} stop-snapshot: {(dropped.Count == 0 ? "no incremental snapshot table to stop" : "stopped " + string.Join(", ", dropped))}");
                    }
                    break;
                case PauseSnapshot:
                    Write(output, "info", connector, $"Signal {id} pause-snapshot: {(window.Pause() ? "incremental snapshot paused" : "no incremental snapshot running")}");
                    break;
                case ResumeSnapshot:
                    Write(output, "info", connector, $"Signal {id} resume-snapshot: {(window.Unpause() ? "incremental snapshot resumed" : "the incremental snapshot was not paused")}");
                    break;
                default:
                    Write(output, "warn", connector, $"Signal {id} skipped: unknown signal type '{type}'");
                    break;
            }
        }
        catch (Exception error) when (error is JsonException or RegexParseException or InvalidOperationException)
        {
            // JsonException: data is not JSON; InvalidOperationException: a JSON value of the wrong kind (GetString on a number).
            Write(output, "warn", connector, $"Signal {id} ({type}) skipped: malformed data: {error.Message}");
        }
    }

    /// <summary>One line in the single-line console format the worker's own log uses.</summary>
    private static void Write(TextWriter output, string level, string connector, string message)
    {
        lock (output)
        {
            output.WriteLine($"{level}: Tributary.Cdc.SourceSignals[0] {connector}: {message}");
            output.Flush();
        }
    }
}
