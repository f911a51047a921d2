using Tributary.Connect.Runtime.Worker;

namespace Tributary.Connect.Runtime.Herder;

/// <summary>What GET /connectors/{c} shows (Kafka's <c>ConnectorInfo</c>): name, config, task ids and type.</summary>
public sealed record ConnectorInfo(string Name, IReadOnlyDictionary<string, string> Config, IReadOnlyList<int> Tasks, string Type);

/// <summary>What GET /connectors/{c}/status shows (Kafka's <c>ConnectorStateInfo</c>).</summary>
public sealed record ConnectorStatus(string Name, StateInfo Connector, IReadOnlyList<(int Id, StateInfo State)> Tasks, string Type);
