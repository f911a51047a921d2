using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>
/// POST /BUCKET/KEY?uploadId=ID — the CompleteMultipartUpload document names the parts, in ascending order
/// (InvalidPartOrder), each uploaded with that ETag (InvalidPart), every one but the last at least 5 MiB
/// (EntityTooSmall). The parts are concatenated into a spool file in 1 MiB copies and the result is put like any
/// object; ETag <c>"&lt;MD5 of the parts' binary MD5s&gt;-&lt;count&gt;"</c>, S3's multipart form. The upload is taken
/// away first, so a second completion finds NoSuchUpload; an invalid request gives it back.
/// </summary>
public sealed class CompleteMultipartUpload(EmbeddedBuckets buckets) : IS3Operation
{
    /// <summary>S3's smallest part but the last: 5 MiB.</summary>
    public const long MinPartBytes = 5L * 1024 * 1024;

    private const int CopyBufferBytes = 1024 * 1024;

    public string Name => "CompleteMultipartUpload";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        var key = request.ObjectKey;
        buckets.RequireBucket(bucket);
        var uploadId = request.Query("uploadId") ?? "";
        var upload = buckets.Uploads.Find(uploadId, bucket, key) ?? throw S3Errors.NoSuchUpload(uploadId);
        var requested = ParseParts(await S3Xml.ReadAsync(request.Request, request.Aborted).ConfigureAwait(false));
        var taken = buckets.Uploads.Take(upload) ?? throw S3Errors.NoSuchUpload(uploadId);
        List<UploadedPart> parts;
        try
        {
            parts = Select(requested, MultipartUploads.PartsIn(taken));
        }
        catch (S3Exception)
        {
            buckets.Uploads.Restore(upload, taken);
            throw;
        }
        var spool = buckets.NewSpoolPath();
        string etag;
        try
        {
            etag = await ConcatenateAsync(parts, spool, request.Aborted).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(spool);
            buckets.Uploads.Restore(upload, taken);
            throw;
        }
        await buckets.PutAsync(bucket, key, spool, etag, upload.ContentType, upload.UserMetadata, request.Aborted).ConfigureAwait(false);
        MultipartUploads.Finish(taken);
        await S3Xml.WriteAsync(request.Http, "CompleteMultipartUploadResult", writer =>
        {
            writer.WriteElementString("Location", $"{request.Request.Scheme}://{request.Request.Host}/{bucket}/{ObjectListing.Encode(key, url: true)}");
            writer.WriteElementString("Bucket", bucket);
            writer.WriteElementString("Key", key);
            writer.WriteElementString("ETag", etag);
        }).ConfigureAwait(false);
    }

    private static List<(int Number, string ETag)> ParseParts(System.Xml.Linq.XElement document)
    {
        if (document.Name.LocalName != "CompleteMultipartUpload")
        {
            throw S3Errors.MalformedXml();
        }
        var parts = new List<(int, string)>();
        foreach (var part in S3Xml.Children(document, "Part"))
        {
            var numberText = S3Xml.ChildValue(part, "PartNumber");
            var etag = S3Xml.ChildValue(part, "ETag");
            if (!int.TryParse(numberText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || etag is null)
            {
                throw S3Errors.MalformedXml();
            }
            parts.Add((number, etag.Trim()));
        }
        if (parts.Count == 0)
        {
            throw S3Errors.MalformedXml();
        }
        return parts;
    }

    /// <summary>The uploaded parts the request names, checked in S3's order: ascending numbers, existence and ETag, sizes.</summary>
    private static List<UploadedPart> Select(List<(int Number, string ETag)> requested, List<UploadedPart> uploaded)
    {
        for (var i = 1; i < requested.Count; i++)
        {
            if (requested[i].Number <= requested[i - 1].Number)
            {
                throw S3Errors.InvalidPartOrder();
            }
        }
        var byNumber = uploaded.ToDictionary(p => p.Number);
        var selected = new List<UploadedPart>(requested.Count);
        foreach (var (number, etag) in requested)
        {
            if (!byNumber.TryGetValue(number, out var part) || part.ETag.Trim('"') != etag.Trim('"'))
            {
                throw S3Errors.InvalidPart(number, etag);
            }
            selected.Add(part);
        }
        for (var i = 0; i < selected.Count - 1; i++)
        {
            if (selected[i].Size < MinPartBytes)
            {
                throw S3Errors.EntityTooSmall(selected[i].Size, MinPartBytes, selected[i].Number, selected[i].ETag);
            }
        }
        return selected;
    }

    /// <summary>Writes the parts one after the other into <paramref name="spool"/>; returns the multipart ETag.</summary>
    private static async Task<string> ConcatenateAsync(List<UploadedPart> parts, string spool, CancellationToken cancellationToken)
    {
        using var md5OfMd5s = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            await using var output = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            foreach (var part in parts)
            {
                md5OfMd5s.AppendData(Convert.FromHexString(part.ETag.Trim('"')));
                await using var input = new FileStream(part.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return "\"" + Convert.ToHexStringLower(md5OfMd5s.GetHashAndReset()) + "-" + parts.Count.ToString(CultureInfo.InvariantCulture) + "\"";
    }
}
