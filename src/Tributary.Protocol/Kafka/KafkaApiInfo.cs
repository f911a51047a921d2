namespace Tributary.Protocol.Kafka;

/// <summary>An API key's name and version ranges (the generated <c>KafkaApis.All</c> lists every defined API).</summary>
public readonly record struct KafkaApiInfo(short ApiKey, string Name, short LowestVersion, short HighestVersion, short LowestFlexibleVersion)
{
    /// <summary>True when <paramref name="version"/> uses compact encodings and tagged fields.</summary>
    public bool IsFlexible(short version) => version >= LowestFlexibleVersion;

    /// <summary>Request header version: 2 for flexible versions, else 1 (Kafka's rule for every API in use here).</summary>
    public short RequestHeaderVersion(short version) => IsFlexible(version) ? (short)2 : (short)1;

    /// <summary>Response header version: 1 for flexible versions, else 0; ApiVersions always uses 0 (KIP-511).</summary>
    public short ResponseHeaderVersion(short version) => ApiKey != 18 && IsFlexible(version) ? (short)1 : (short)0;
}
