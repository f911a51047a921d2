using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>
/// GET /BUCKET?location — an empty LocationConstraint, S3's answer for us-east-1: the embedded bucket is in no region,
/// and clients then sign for us-east-1, which every SDK's default endpoint resolution accepts.
/// </summary>
public sealed class GetBucketLocation(EmbeddedBuckets buckets) : IS3Operation
{
    /// <summary>The region the embedded buckets report (HeadBucket's x-amz-bucket-region).</summary>
    public const string Region = "us-east-1";

    public string Name => "GetBucketLocation";

    public Task ExecuteAsync(S3Request request)
    {
        buckets.RequireBucket(request.BucketName);
        return S3Xml.WriteAsync(request.Http, "LocationConstraint", _ => { });
    }
}
