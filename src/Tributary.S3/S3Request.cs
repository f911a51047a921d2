using Microsoft.AspNetCore.Http;

namespace Tributary.S3;

/// <summary>
/// One S3 request as a handler sees it: path-style <c>/BUCKET/KEY</c> split from the raw request target and
/// percent-decoded (so a key may hold any character, '/' and '%2F' alike), its query, and the exchange to answer on.
/// </summary>
public sealed class S3Request
{
    public required HttpContext Http { get; init; }

    /// <summary>The id sent in x-amz-request-id and in error bodies.</summary>
    public required string RequestId { get; init; }

    /// <summary>The bucket named by the path, or null for the service (<c>/</c>).</summary>
    public string? Bucket { get; init; }

    /// <summary>The key named by the path, or null for the bucket itself (<c>/BUCKET</c> or <c>/BUCKET/</c>).</summary>
    public string? Key { get; init; }

    public HttpRequest Request => Http.Request;

    public HttpResponse Response => Http.Response;

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>The bucket of a bucket or object operation (the router sends only those here).</summary>
    public string BucketName => Bucket ?? throw new InvalidOperationException("No bucket in the path.");

    public string ObjectKey => Key ?? throw new InvalidOperationException("No key in the path.");

    public bool HasQuery(string name) => Request.Query.ContainsKey(name);

    /// <summary>A query parameter's value; null when absent.</summary>
    public string? Query(string name) => Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;

    public string Header(string name) => Request.Headers[name].ToString();
}

/// <summary>An S3 operation: one implementation per operation, one file each under Handlers/.</summary>
public interface IS3Operation
{
    /// <summary>The operation's name in the S3 API reference (PutObject, ListObjectsV2, …).</summary>
    string Name { get; }

    /// <summary>Answers the request; throws <see cref="S3Exception"/> for modelled errors, before writing anything.</summary>
    Task ExecuteAsync(S3Request request);
}
