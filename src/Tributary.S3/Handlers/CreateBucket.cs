using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>
/// PUT /BUCKET — creates the bucket (a directory, made durable). The optional CreateBucketConfiguration body is read
/// for well-formedness (MalformedXML) only: the embedded bucket has one location. A bucket that exists is
/// BucketAlreadyOwnedByYou (409), S3's answer outside us-east-1, where one account owns every bucket; a name outside
/// S3's rules is InvalidBucketName.
/// </summary>
public sealed class CreateBucket(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "CreateBucket";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        if (!EmbeddedBuckets.IsValidBucketName(bucket))
        {
            throw S3Errors.InvalidBucketName(bucket);
        }
        if (request.Request.ContentLength > 0 || request.Request.Headers.TransferEncoding.Count > 0)
        {
            await S3Xml.ReadAsync(request.Request, request.Aborted).ConfigureAwait(false);
        }
        if (buckets.Store.BucketExists(bucket))
        {
            throw S3Errors.BucketAlreadyOwnedByYou(bucket);
        }
        await buckets.Store.EnsureBucketAsync(bucket, request.Aborted).ConfigureAwait(false);
        request.Response.Headers.Location = "/" + bucket;
        request.Response.StatusCode = 200;
        request.Response.ContentLength = 0;
    }
}
