using Tributary.Delivery.Engine;

namespace Tributary.Delivery.Dialect;

/// <summary>
/// One pipeline as a configuration dialect describes it to the engine (<see cref="DeliveryPipeline{TRecord}"/>): how
/// source records become buffered records, which buffer each goes to, when a buffer becomes an object, and how the
/// object is named and encoded. The engine owns everything else: buffers, the memory bound, the exactly-once
/// spool → state → upload protocol, positions and commits. Delivery streams are one dialect;
/// docs/delivery-streams.md says how another plugs in.
/// </summary>
/// <typeparam name="TRecord">The dialect's buffered record: what its router, flush policy, naming and encoders read.</typeparam>
public sealed record PipelineDefinition<TRecord>
    where TRecord : DeliveryRecord
{
    /// <summary>Names the pipeline in logs. With <see cref="Version"/> it seeds every object id, so it must not change across restarts.</summary>
    public required string Name { get; init; }

    /// <summary>The version of the pipeline's configuration: part of every object id, and recorded in the state file.</summary>
    public required int Version { get; init; }

    public required IRecordProcessor<TRecord> Processor { get; init; }

    public required IBufferRouter<TRecord> Router { get; init; }

    public required IFlushPolicy<TRecord> Flush { get; init; }

    public required IObjectLayout<TRecord> Objects { get; init; }
}
