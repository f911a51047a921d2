using Tributary.Connect.Runtime.Config;

namespace Tributary.Connect.Runtime.ErrorHandling;

/// <summary>A connector's errors.* settings (KIP-298), parsed once per task.</summary>
public sealed record ErrorHandlingConfig(
    bool TolerateAll,
    long RetryTimeoutMs,
    long RetryMaxDelayMs,
    bool LogEnable,
    bool LogIncludeMessages,
    string DlqTopic,
    short DlqReplicationFactor,
    bool DlqContextHeaders)
{
    public static ErrorHandlingConfig From(IReadOnlyDictionary<string, object?> parsed) => new(
        (string?)parsed[ConnectorConfig.ErrorsTolerance] == "all",
        (long)parsed[ConnectorConfig.ErrorsRetryTimeout]!,
        (long)parsed[ConnectorConfig.ErrorsRetryMaxDelay]!,
        (bool)parsed[ConnectorConfig.ErrorsLogEnable]!,
        (bool)parsed[ConnectorConfig.ErrorsLogIncludeMessages]!,
        parsed.TryGetValue(ConnectorConfig.DlqTopicName, out var topic) ? ((string?)topic ?? "").Trim() : "",
        parsed.TryGetValue(ConnectorConfig.DlqReplicationFactor, out var replication) && replication is short factor ? factor : (short)3,
        parsed.TryGetValue(ConnectorConfig.DlqContextHeadersEnable, out var headers) && headers is true);
}
