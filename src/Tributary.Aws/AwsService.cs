using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tributary.Aws;

/// <summary>One parsed request as a handler sees it. <see cref="Body"/> is the root JSON object (CBOR bodies are transcoded first).</summary>
public sealed class AwsRequest
{
    public required string Operation { get; init; }

    public required AwsBodyFormat Format { get; init; }

    public required JsonElement Body { get; init; }

    /// <summary>The HTTP exchange, for operations that stream their response (event streams).</summary>
    public required HttpContext Http { get; init; }

    /// <summary>The access key the request was signed with, or null when unsigned.</summary>
    public string? AccessKeyId { get; init; }

    public CancellationToken Aborted => Http.RequestAborted;
}

/// <summary>An operation of a JSON-protocol AWS service: one implementation per operation (one file each).</summary>
public interface IAwsOperation
{
    /// <summary>The operation name as it appears after the dot in X-Amz-Target.</summary>
    string Name { get; }

    /// <summary>
    /// Whether the operation has an output shape. AWS answers an operation without one (Kinesis's CreateStream,
    /// MergeShards, AddTagsToStream...) with HTTP 200 and an empty body, not <c>{}</c>; an operation whose output
    /// shape exists but is empty (Firehose's DeleteDeliveryStream) answers <c>{}</c>.
    /// </summary>
    bool HasOutput => true;

    /// <summary>The input shape's top-level members in the service model's order, lower-camel (for the error tables).</summary>
    IReadOnlyList<string> InputMembers => [];

    /// <summary>
    /// Handles the request and writes the response members (the writer's root object is already open and is
    /// closed by the caller). Throws <see cref="AwsErrorException"/> for modelled errors.
    /// </summary>
    ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response);
}

/// <summary>An operation that writes the HTTP response itself (e.g. an event stream), after validating its input.</summary>
public interface IAwsStreamingOperation : IAwsOperation
{
    /// <summary>
    /// Validates and then streams. Throw <see cref="AwsErrorException"/> before writing anything to answer
    /// with an ordinary error; once the response has started, errors must be reported in-stream.
    /// </summary>
    Task StreamAsync(AwsRequest request, HttpResponse response);
}

/// <summary>
/// A JSON-protocol service: the X-Amz-Target prefix (e.g. <c>Kinesis_20131202</c>), its SigV4 signing name and
/// its operations. Immutable after construction; thread-safe.
/// </summary>
public sealed class AwsService
{
    private readonly Dictionary<string, IAwsOperation> _operations = new(StringComparer.Ordinal);

    public AwsService(string targetPrefix, string signingName, IEnumerable<IAwsOperation> operations)
    {
        TargetPrefix = targetPrefix;
        SigningName = signingName;
        foreach (var operation in operations)
        {
            _operations.Add(operation.Name, operation);
        }
    }

    public string TargetPrefix { get; }

    public string SigningName { get; }

    public IReadOnlyCollection<string> OperationNames => _operations.Keys;

    public bool TryGetOperation(string name, out IAwsOperation operation) => _operations.TryGetValue(name, out operation!);
}
