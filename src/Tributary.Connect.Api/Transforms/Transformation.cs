using Tributary.Connect.Config;

namespace Tributary.Connect.Transforms;

/// <summary>
/// A single message transformation (Kafka's <c>Transformation</c>): configured once, then applied to each record in
/// turn on the task's thread. Returns a new record (records are immutable), the same one, or null to drop it.
/// </summary>
public interface ITransformation : IDisposable
{
    void Configure(IReadOnlyDictionary<string, string> configs);

    ConnectRecord? Apply(ConnectRecord record);

    ConfigDef Config { get; }
}

/// <summary>A condition a transformation can be made to depend on (Kafka's <c>Predicate</c>, KIP-585).</summary>
public interface IPredicate : IDisposable
{
    void Configure(IReadOnlyDictionary<string, string> configs);

    bool Test(ConnectRecord record);

    ConfigDef Config { get; }
}
