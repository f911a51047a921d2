using System.Globalization;
using Tributary.S3.Body;
using Tributary.S3.Storage;

namespace Tributary.S3.Handlers;

/// <summary>
/// PUT /BUCKET/KEY?partNumber=N&amp;uploadId=ID — the body spooled and checked as PutObject's is, then moved into the
/// upload as part N (1–10,000), replacing an earlier part N. ETag: the part's MD5, quoted.
/// </summary>
public sealed class UploadPart(EmbeddedBuckets buckets) : IS3Operation
{
    /// <summary>S3's part numbers: 1 to 10,000.</summary>
    public const int MaxPartNumber = 10_000;

    public string Name => "UploadPart";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        buckets.RequireBucket(bucket);
        var number = ParsePartNumber(request.Query("partNumber"));
        var uploadId = request.Query("uploadId") ?? "";
        var upload = buckets.Uploads.Find(uploadId, bucket, request.ObjectKey) ?? throw S3Errors.NoSuchUpload(uploadId);
        var body = await RequestBody.SpoolAsync(request.Request, buckets.NewSpoolPath(), request.Aborted).ConfigureAwait(false);
        if (!buckets.Uploads.AddPart(upload, number, body.Path, body.Md5))
        {
            throw S3Errors.NoSuchUpload(uploadId); // aborted or completed meanwhile
        }
        request.Response.Headers.ETag = body.ETag;
        request.Response.StatusCode = 200;
        request.Response.ContentLength = 0;
    }

    public static int ParsePartNumber(string? value)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > MaxPartNumber)
        {
            throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", value ?? "");
        }
        return number;
    }
}
