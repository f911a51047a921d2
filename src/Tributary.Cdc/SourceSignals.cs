using System.Text.Json;
using System.Text.RegularExpressions;
using Tributary.Connect.Errors;

namespace Tributary.Cdc;

/// <summary>
/// Debezium's signals, from the <c>source</c> channel (a row inserted into the signalling table,
/// <c>signal.data.collection</c>, columns id, type, data) or the <c>kafka</c> channel (<see cref="KafkaSignalChannel"/>):
/// <c>log</c> (data <c>{"message": "..."}</c>, written to the worker's output), <c>execute-snapshot</c> (an incremental
/// one is queued in the connector's incremental snapshot, a blocking one is handed back to the connector to run),
/// <c>stop-snapshot</c>, <c>pause-snapshot</c> or <c>resume-snapshot</c> (acting on the incremental snapshot, an
/// <see cref="ISnapshotSignalTarget"/>). The connector's own watermark rows (<c>snapshot-window-open</c>,
/// <c>snapshot-window-close</c>) are not signals and are left to the caller. A malformed signal (data that is not JSON,
/// an invalid table pattern, an unknown type) is written to the output as a warning and skipped: a signal never fails
/// the task. Stateless; the snapshot it acts on belongs to one reader task.
/// </summary>
public static class SourceSignals
{
    /// <summary>The signalling table in the captured database.</summary>
    public const string SourceChannel = "source";

    /// <summary>A Kafka topic (<see cref="KafkaSignalChannel"/>).</summary>
    public const string KafkaChannel = "kafka";

    public const string Log = "log";
    public const string ExecuteSnapshot = "execute-snapshot";
    public const string StopSnapshot = "stop-snapshot";
    public const string PauseSnapshot = "pause-snapshot";
    public const string ResumeSnapshot = "resume-snapshot";
    public const string WindowOpen = "snapshot-window-open";
    public const string WindowClose = "snapshot-window-close";

    /// <summary>Debezium's other channel names: known, but not implemented here, so refused by name rather than ignored.</summary>
    private static readonly string[] UnsupportedChannels = ["file", "jmx"];

    /// <summary>
    /// <c>signal.enabled.channels</c> (default <c>source</c>): a list of <c>source</c> and <c>kafka</c>. Any other name
    /// fails the configuration, so a connector configured for a channel that would never deliver a signal does not
    /// start quietly.
    /// </summary>
    public static IReadOnlyList<string> ParseChannels(string? value)
    {
        var channels = (value ?? SourceChannel).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.ToLowerInvariant()).Distinct().ToList();
        if (channels.FirstOrDefault(c => c is not (SourceChannel or KafkaChannel)) is { } other)
        {
            throw new ConfigException("signal.enabled.channels", other, UnsupportedChannels.Contains(other)
                ? $"The {other} signal channel is not supported; the supported channels are source (the signal.data.collection table) and kafka (signal.kafka.topic)"
                : "Unknown signal channel; the supported channels are source (the signal.data.collection table) and kafka (signal.kafka.topic)");
        }
        return channels;
    }

    /// <summary>Whether a row of the signalling table with this type is the connector's own watermark, not a signal.</summary>
    public static bool IsWatermark(string? type) => type is WindowOpen or WindowClose;

    /// <summary>
    /// Acts on the signal (<paramref name="id"/>, <paramref name="type"/>, <paramref name="data"/>);
    /// <paramref name="captured"/> lists the captured tables (<c>namespace.table</c>), asked only by the signals that
    /// name tables. <paramref name="incremental"/> is the connector's incremental snapshot, null when it has none (no
    /// signalling table for its watermarks): incremental snapshot signals are then warned about and skipped. A blocking
    /// <c>execute-snapshot</c> is returned for the connector to run (null otherwise). Watermark rows are not for this
    /// method (see <see cref="IsWatermark"/>). Lines go to <paramref name="output"/>, prefixed with
    /// <paramref name="connector"/> (the topic prefix).
    /// </summary>
    public static async Task<SnapshotRequest?> ApplyAsync(ISnapshotSignalTarget? incremental, string connector, string? id, string? type, string? data,
        Func<Task<IEnumerable<string>>> captured, bool ignoreCase, TextWriter output)
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
                        var request = SnapshotRequest.Parse(data, await captured().ConfigureAwait(false), ignoreCase);
                        if (request is { Kind: SnapshotKind.Blocking })
                        {
                            Write(output, "info", connector, $"Signal {id} execute-snapshot: {(request.Tables.Count == 0 ? "no captured table to snapshot" : "blocking snapshot of " + string.Join(", ", request.Tables))}");
                            return request.Tables.Count == 0 ? null : request;
                        }
                        if (incremental is null)
                        {
                            Write(output, "warn", connector, $"Signal {id} skipped: an incremental snapshot writes its watermarks to the signalling table; set signal.data.collection");
                            break;
                        }
                        var queued = request is null ? [] : incremental.Request(request);
                        Write(output, "info", connector, $"Signal {id} execute-snapshot: {(queued.Count == 0 ? "no captured table newly queued" : "queued " + string.Join(", ", queued))}");
                    }
                    break;
                case StopSnapshot:
                    {
                        var dropped = incremental?.Stop(data, ignoreCase) ?? [];
                        Write(output, "info", connector, $"Signal {id} stop-snapshot: {(dropped.Count == 0 ? "no incremental snapshot table to stop" : "stopped " + string.Join(", ", dropped))}");
                    }
                    break;
                case PauseSnapshot:
                    Write(output, "info", connector, $"Signal {id} pause-snapshot: {(incremental?.Pause() == true ? "incremental snapshot paused" : "no incremental snapshot running")}");
                    break;
                case ResumeSnapshot:
                    Write(output, "info", connector, $"Signal {id} resume-snapshot: {(incremental?.Unpause() == true ? "incremental snapshot resumed" : "the incremental snapshot was not paused")}");
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
        return null;
    }

    /// <summary>An <c>info:</c> line about what a signal started, in the format of the signal lines (a blocking snapshot's end).</summary>
    public static void Info(TextWriter output, string connector, string message) => Write(output, "info", connector, message);

    /// <summary>A line about a signal channel itself (a Kafka signal record that is not JSON), in the format of the signal lines.</summary>
    public static void Warn(TextWriter output, string connector, string message) => Write(output, "warn", connector, message);

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

/// <summary>What the signals act on in a connector's incremental snapshot (<see cref="IncrementalSnapshotWindow{TTable, TKey, TRow}"/>).</summary>
public interface ISnapshotSignalTarget
{
    /// <summary>Queues the tables of an incremental <c>execute-snapshot</c>; returns those newly queued.</summary>
    IReadOnlyList<string> Request(SnapshotRequest request);

    /// <summary>A <c>stop-snapshot</c> signal's data; returns the tables dropped.</summary>
    IReadOnlyList<string> Stop(string? data, bool ignoreCase);

    /// <summary>A <c>pause-snapshot</c> signal; false when no snapshot runs.</summary>
    bool Pause();

    /// <summary>A <c>resume-snapshot</c> signal; false when the snapshot was not paused.</summary>
    bool Unpause();
}
