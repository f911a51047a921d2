namespace Tributary.Cdc;

/// <summary>
/// Debezium's DefaultTopicNamingStrategy with the default delimiter <c>.</c> and <c>schema.name.adjustment.mode=none</c>:
/// data topics <c>&lt;prefix&gt;.&lt;db&gt;.&lt;table&gt;</c>, the schema change topic <c>&lt;prefix&gt;</c>, heartbeats on
/// <c>__debezium-heartbeat.&lt;prefix&gt;</c>, transaction metadata on <c>&lt;prefix&gt;.transaction</c>; record schemas are named after the data topic with <c>.Key</c>,
/// <c>.Value</c>, <c>.Envelope</c>.
/// </summary>
public sealed class TopicNaming(string prefix, string heartbeatPrefix = "__debezium-heartbeat")
{
    public string Prefix { get; } = prefix;

    public string DataTopic(string database, string table) => $"{Prefix}.{database}.{table}";

    public string SchemaChangeTopic => Prefix;

    public string HeartbeatTopic => $"{heartbeatPrefix}.{Prefix}";

    /// <summary>Transaction metadata's BEGIN/END records (<c>topic.transaction</c> default <c>transaction</c>).</summary>
    public string TransactionTopic => $"{Prefix}.transaction";

    public static string KeySchemaName(string dataTopic) => dataTopic + ".Key";

    public static string ValueSchemaName(string dataTopic) => dataTopic + ".Value";

    public static string EnvelopeSchemaName(string dataTopic) => dataTopic + ".Envelope";
}
