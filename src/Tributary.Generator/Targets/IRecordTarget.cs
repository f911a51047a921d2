namespace Tributary.Generator.Targets;

/// <summary>
/// Where generated records go. <see cref="SendAsync"/> takes one tick's records (UTF-8, each as the template rendered
/// it) and returns how many the destination refused; an exception means none of them were sent (the run counts them as
/// errors and goes on). Called from one task at a time.
/// </summary>
public interface IRecordTarget : IAsyncDisposable
{
    /// <summary>What the run prints: <c>kafka:orders</c>, <c>kinesis:clicks</c>, <c>firehose:to-s3</c>.</summary>
    string Name { get; }

    Task<int> SendAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken);
}
