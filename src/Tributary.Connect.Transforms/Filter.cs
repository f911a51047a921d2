using Tributary.Connect.Config;
using Tributary.Connect.Plugins;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>Filter</c> (KIP-585): drops every record it is applied to; used with a predicate (and <c>negate</c>) to
/// drop the records that match (or do not match) it.
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.transforms.Filter")]
public sealed class Filter : ITransformation
{
    public ConfigDef Config { get; } = new();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
    }

    public ConnectRecord? Apply(ConnectRecord record) => null;

    public void Dispose()
    {
    }
}
