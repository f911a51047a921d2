using Microsoft.AspNetCore.Http;
using Tributary.S3.Handlers;
using Tributary.S3.Storage;

namespace Tributary.S3;

/// <summary>
/// Chooses the operation of a path-style request from its method, whether the path names the service, a bucket or an
/// object, the subresource in its query (<c>?uploads</c>, <c>?uploadId=</c>, <c>?delete</c>, <c>?location</c>,
/// <c>?list-type=2</c>, <c>?partNumber=</c>) and <c>x-amz-copy-source</c>, as the S3 API reference defines each
/// operation's request. Subresources Tributary does not serve (versioning, ACLs, policies, tagging, …) are
/// NotImplemented; a method no operation takes there is MethodNotAllowed. Immutable; thread-safe.
/// </summary>
public sealed class S3Router
{
    /// <summary>Bucket and object subresources S3 has that Tributary does not serve: answered NotImplemented, never as a listing or a read.</summary>
    private static readonly string[] UnservedSubresources =
    [
        "acl", "policy", "policyStatus", "versioning", "versions", "tagging", "cors", "lifecycle", "website", "logging",
        "notification", "replication", "encryption", "ownershipControls", "publicAccessBlock", "object-lock", "retention",
        "legal-hold", "accelerate", "requestPayment", "analytics", "metrics", "inventory", "intelligent-tiering", "restore",
        "select", "torrent", "attributes",
    ];

    private readonly Dictionary<string, IS3Operation> _operations;

    public S3Router(EmbeddedBuckets buckets)
    {
        IS3Operation[] operations =
        [
            new ListBuckets(buckets), new CreateBucket(buckets), new DeleteBucket(buckets), new HeadBucket(buckets),
            new GetBucketLocation(buckets), new ListObjectsV2(buckets), new ListObjects(buckets), new HeadObject(buckets),
            new GetObject(buckets), new PutObject(buckets), new DeleteObject(buckets), new DeleteObjects(buckets),
            new CopyObject(buckets), new CreateMultipartUpload(buckets), new UploadPart(buckets),
            new CompleteMultipartUpload(buckets), new AbortMultipartUpload(buckets), new ListParts(buckets),
            new ListMultipartUploads(buckets),
        ];
        _operations = operations.ToDictionary(o => o.Name, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> OperationNames => _operations.Keys;

    public IS3Operation Route(S3Request request)
    {
        var method = request.Request.Method;
        if (request.Bucket is null)
        {
            return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? _operations["ListBuckets"] : throw S3Errors.MethodNotAllowed(method, "SERVICE");
        }
        foreach (var subresource in UnservedSubresources)
        {
            if (request.HasQuery(subresource))
            {
                throw S3Errors.NotImplemented();
            }
        }
        return _operations[request.Key is null ? BucketOperation(request, method) : ObjectOperation(request, method)];
    }

    private static string BucketOperation(S3Request request, string method)
    {
        if (HttpMethods.IsGet(method))
        {
            return request.HasQuery("location") ? "GetBucketLocation"
                : request.HasQuery("uploads") ? "ListMultipartUploads"
                : request.Query("list-type") == "2" ? "ListObjectsV2"
                : "ListObjects";
        }
        if (HttpMethods.IsPut(method))
        {
            return "CreateBucket";
        }
        if (HttpMethods.IsDelete(method))
        {
            return "DeleteBucket";
        }
        if (HttpMethods.IsHead(method))
        {
            return "HeadBucket";
        }
        if (HttpMethods.IsPost(method) && request.HasQuery("delete"))
        {
            return "DeleteObjects";
        }
        throw S3Errors.MethodNotAllowed(method, "BUCKET");
    }

    private static string ObjectOperation(S3Request request, string method)
    {
        var upload = request.HasQuery("uploadId");
        if (HttpMethods.IsPut(method))
        {
            if (request.HasQuery("partNumber") && upload)
            {
                // UploadPartCopy is not served.
                return request.Header("x-amz-copy-source").Length > 0 ? throw S3Errors.NotImplemented() : "UploadPart";
            }
            return request.Header("x-amz-copy-source").Length > 0 ? "CopyObject" : "PutObject";
        }
        if (HttpMethods.IsGet(method))
        {
            return upload ? "ListParts" : "GetObject";
        }
        if (HttpMethods.IsHead(method))
        {
            return "HeadObject";
        }
        if (HttpMethods.IsDelete(method))
        {
            return upload ? "AbortMultipartUpload" : "DeleteObject";
        }
        if (HttpMethods.IsPost(method))
        {
            if (request.HasQuery("uploads"))
            {
                return "CreateMultipartUpload";
            }
            if (upload)
            {
                return "CompleteMultipartUpload";
            }
        }
        throw S3Errors.MethodNotAllowed(method, "OBJECT");
    }
}
