using Tributary.S3.Storage;

namespace Tributary.S3.Handlers;

/// <summary>HEAD /BUCKET/KEY — GetObject's headers without the body (a Range gives 206 and its Content-Range); 404 without a body.</summary>
public sealed class HeadObject(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "HeadObject";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        buckets.RequireBucket(bucket);
        var stored = await buckets.FindAsync(bucket, request.ObjectKey, request.Aborted).ConfigureAwait(false) ?? throw S3Errors.NoSuchKey(request.ObjectKey);
        if (ObjectHeaders.AnswerConditions(request, stored))
        {
            return;
        }
        var size = stored.Info.Size;
        var range = ByteRange.Parse(request.Header("Range"), size);
        ObjectHeaders.Write(request, stored);
        if (range is { } part)
        {
            request.Response.StatusCode = 206;
            request.Response.Headers.ContentRange = part.ContentRange(size);
            request.Response.ContentLength = part.Length;
        }
        else
        {
            request.Response.StatusCode = 200;
            request.Response.ContentLength = size;
        }
    }
}
