
namespace Tributary.Connect.Source;

/// <summary>Whether a source connector can run with exactly-once delivery (KIP-618).</summary>
public enum ExactlyOnceSupport
{
    Supported,
    Unsupported,
}

/// <summary>Whether a source connector can define its own transaction boundaries (<c>transaction.boundary=connector</c>).</summary>
public enum ConnectorTransactionBoundaries
{
    Supported,
    Unsupported,
}

/// <summary>A connector that reads an external system into Kafka (Kafka's <c>SourceConnector</c>).</summary>
public abstract class SourceConnector : Connector
{
    /// <summary>The context as a source connector sees it (with the offsets of its tasks).</summary>
    protected new SourceConnectorContext Context => (SourceConnectorContext)base.Context;

    /// <summary>
    /// Whether this connector, configured so, supports exactly-once delivery; null when it cannot tell (preflight
    /// validation with <c>exactly.once.support=required</c> then fails).
    /// </summary>
    public virtual ExactlyOnceSupport? ExactlyOnceSupport(IReadOnlyDictionary<string, string> properties) => null;

    public virtual ConnectorTransactionBoundaries CanDefineTransactionBoundaries(IReadOnlyDictionary<string, string> properties) =>
        ConnectorTransactionBoundaries.Unsupported;

    /// <summary>
    /// Called by PATCH/DELETE /connectors/{c}/offsets (KIP-875) with the new offsets (a null offset resets its
    /// partition) while the connector is stopped; false (the default) means the connector keeps no offsets of its own
    /// outside the framework's, so the framework's change is all there is.
    /// </summary>
    public virtual bool AlterOffsets(IReadOnlyDictionary<string, string> connectorConfig, IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?> offsets) => false;
}

/// <summary>The connector context of a source connector.</summary>
public interface SourceConnectorContext : ConnectorContext
{
    /// <summary>The committed offsets of the connector's tasks.</summary>
    OffsetStorageReader OffsetStorageReader { get; }
}

/// <summary>
/// Reads committed source offsets (Kafka's <c>OffsetStorageReader</c>). Keys and values are the maps a task put into
/// <see cref="SourceRecord.SourcePartition"/> and <see cref="SourceRecord.SourceOffset"/>, as read back from the
/// offset store's JSON: strings, booleans, longs (every JSON integer), doubles. Thread-safe.
/// </summary>
public interface OffsetStorageReader
{
    /// <summary>The last committed offset of one source partition, or null.</summary>
    IReadOnlyDictionary<string, object?>? Offset(IReadOnlyDictionary<string, object?> partition);

    /// <summary>The last committed offsets of several partitions (absent ones left out).</summary>
    IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> Offsets(IEnumerable<IReadOnlyDictionary<string, object?>> partitions);
}
