using Tributary.Delivery.Engine;

namespace Tributary.Firehose.Model;

/// <summary>
/// The delivery streams of this server, as the Firehose API (and the host's configuration loader) sees them.
/// Every method is thread-safe. Failures are <see cref="DeliveryException"/>s carrying Firehose's exception type.
/// </summary>
public interface IDeliveryStreams
{
    /// <summary>
    /// Creates and starts a stream from a validated definition. VersionId, CreateTimestamp and the sources'
    /// DeliveryStartTimestamp are set here. ResourceInUseException when the name exists; LimitExceededException
    /// above the stream limit; InvalidArgumentException when a source or destination cannot be used
    /// (an unknown topic or Kinesis stream, a bucket that cannot be created).
    /// </summary>
    Task<DeliveryStreamDefinition> CreateAsync(DeliveryStreamDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Null when no such stream.</summary>
    DeliveryStreamDescription? Describe(string name);

    /// <summary>All streams, ordered by name.</summary>
    IReadOnlyList<DeliveryStreamDescription> List();

    /// <summary>Stops and removes a stream (its undelivered direct puts are dropped, as Firehose does). ResourceNotFoundException.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the destination when <paramref name="currentVersionId"/> is the stream's VersionId
    /// (ConcurrentModificationException otherwise) and <paramref name="destinationId"/> names its destination
    /// (InvalidArgumentException otherwise); VersionId goes up by one. Buffered records are delivered under the old
    /// version first. Returns the updated definition.
    /// </summary>
    Task<DeliveryStreamDefinition> UpdateDestinationAsync(string name, int currentVersionId, string destinationId,
        Func<S3DestinationDefinition, S3DestinationDefinition> update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Direct put: the records are durable in the stream's internal log before this completes. One result per record,
    /// in order. ResourceNotFoundException; InvalidArgumentException when the stream is not a DirectPut stream.
    /// </summary>
    Task<IReadOnlyList<PutRecordResult>> PutAsync(string name, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces tags (at most 50 per stream: LimitExceededException).</summary>
    Task TagAsync(string name, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken = default);

    Task UntagAsync(string name, IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>StartDeliveryStreamEncryption / StopDeliveryStreamEncryption (recorded and described).</summary>
    Task SetEncryptionAsync(string name, bool enabled, CancellationToken cancellationToken = default);
}

/// <summary>A stream as described: its definition, its status and its figures (the engine's counters, which the host publishes under Firehose's CloudWatch metric names).</summary>
public sealed record DeliveryStreamDescription(DeliveryStreamDefinition Definition, DeliveryStreamStatus Status, DeliveryMetrics Metrics, string? FailureDescription = null);

/// <summary>Firehose's DeliveryStreamStatus values that Tributary reaches.</summary>
public enum DeliveryStreamStatus
{
    Creating,
    CreatingFailed,
    Deleting,
    Active,
}

/// <summary>One record's outcome: RecordId, or ErrorCode (ServiceUnavailableException, InternalFailure) and ErrorMessage.</summary>
public readonly record struct PutRecordResult(string? RecordId, string? ErrorCode = null, string? ErrorMessage = null);

/// <summary>A failure in Firehose's terms: <see cref="ErrorType"/> is the exception name returned as <c>__type</c>.</summary>
public sealed class DeliveryException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;

    public static DeliveryException NotFound(string name) =>
        new("ResourceNotFoundException", $"Firehose {name} under account not found.");

    public static DeliveryException InvalidArgument(string message) => new("InvalidArgumentException", message);
}
