namespace Tributary.Registry.Store;

/// <summary>
/// Where the registry's records live: the compacted topic, reached in-process (<see cref="RegistryLog"/>, the single
/// instance inside `tributary serve`) or through a Kafka client (<see cref="KafkaRegistryLog"/>, one of several
/// instances over one cluster). The registry writes only under its write gate, one record at a time.
/// </summary>
public interface IRegistryLog
{
    /// <summary>
    /// True when the log hands every record, the instance's own writes included, to the apply callback given to
    /// <see cref="OpenAsync"/> and <see cref="AppendAsync"/> returns only once its record was applied; false when the
    /// caller applies what it wrote itself.
    /// </summary>
    bool AppliesOwnWrites { get; }

    /// <summary>Applies every record written so far, in log order, before returning (and, for a following log, keeps applying new ones).</summary>
    Task OpenAsync(Action<RegistryRecord> apply, CancellationToken cancellationToken = default);

    /// <summary>Returns once every record written before the call (by any instance) has been applied.</summary>
    Task CatchUpAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes one record durably (acks=all); a null value is a tombstone.</summary>
    ValueTask AppendAsync(byte[] key, byte[]? value, CancellationToken cancellationToken = default);
}
