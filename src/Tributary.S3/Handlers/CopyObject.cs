using System.Buffers;
using System.Security.Cryptography;
using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>
/// PUT /BUCKET/KEY with <c>x-amz-copy-source: [/]SRCBUCKET/SRCKEY</c> (URL-encoded) — the source's bytes streamed into a
/// spool file and put like any object (a new ETag, the MD5 of the bytes; a new LastModified). x-amz-metadata-directive
/// COPY (default) keeps the source's Content-Type and user metadata, REPLACE takes the request's; copying an object onto
/// itself without REPLACE is InvalidRequest, as in S3.
/// </summary>
public sealed class CopyObject(EmbeddedBuckets buckets) : IS3Operation
{
    private const int CopyBufferBytes = 1024 * 1024;

    public string Name => "CopyObject";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        var key = request.ObjectKey;
        var (sourceBucket, sourceKey) = ParseSource(request.Header("x-amz-copy-source"));
        var directive = request.Header("x-amz-metadata-directive");
        if (directive.Length > 0 && directive is not ("COPY" or "REPLACE"))
        {
            throw S3Errors.InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
        }
        var replace = directive == "REPLACE";
        buckets.RequireBucket(bucket);
        buckets.RequireBucket(sourceBucket);
        if (sourceBucket == bucket && sourceKey == key && !replace)
        {
            throw S3Errors.InvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }
        buckets.RequireStorableKey(bucket, key);
        var source = await buckets.FindAsync(sourceBucket, sourceKey, request.Aborted).ConfigureAwait(false) ?? throw S3Errors.NoSuchKey(sourceKey);
        var contentType = replace ? ObjectHeaders.ContentType(request.Request) : source.Metadata.ContentType;
        var userMetadata = replace ? ObjectHeaders.UserMetadata(request.Request) : source.Metadata.UserMetadata;

        var spool = buckets.NewSpoolPath();
        byte[] digest;
        try
        {
            digest = await CopyToSpoolAsync(sourceBucket, sourceKey, spool, request.Aborted).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(spool);
            throw;
        }
        var metadata = await buckets.PutAsync(bucket, key, spool, "\"" + Convert.ToHexStringLower(digest) + "\"", contentType, userMetadata, request.Aborted).ConfigureAwait(false);
        await S3Xml.WriteAsync(request.Http, "CopyObjectResult", writer =>
        {
            writer.WriteElementString("LastModified", S3Xml.Timestamp(new DateTimeOffset(metadata.ModifiedTicks, TimeSpan.Zero)));
            writer.WriteElementString("ETag", metadata.ETag);
        }).ConfigureAwait(false);
    }

    private async Task<byte[]> CopyToSpoolAsync(string sourceBucket, string sourceKey, string spool, CancellationToken cancellationToken)
    {
        Stream input;
        try
        {
            input = await buckets.Store.OpenReadAsync(sourceBucket, sourceKey, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            throw S3Errors.NoSuchKey(sourceKey);
        }
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            await using (input.ConfigureAwait(false))
            await using (var output = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    md5.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            return md5.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The source bucket and key of x-amz-copy-source (a <c>?versionId=</c> suffix is not served: NotImplemented).</summary>
    private static (string Bucket, string Key) ParseSource(string header)
    {
        var question = header.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            throw S3Errors.NotImplemented();
        }
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(header).TrimStart('/');
        }
        catch (UriFormatException)
        {
            throw S3Errors.InvalidArgument("Invalid copy source encoding", "x-amz-copy-source", header);
        }
        var slash = decoded.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == decoded.Length - 1)
        {
            throw S3Errors.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", header);
        }
        return (decoded[..slash], decoded[(slash + 1)..]);
    }
}
