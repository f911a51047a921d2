using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Tributary.S3.Body;

/// <summary>A request body written to a spool file: its path, length and MD5 (the ETag of a single-part object).</summary>
public sealed record SpooledBody(string Path, long Length, byte[] Md5)
{
    public string ETag => "\"" + Convert.ToHexStringLower(Md5) + "\"";
}

/// <summary>
/// An object-carrying request body (PutObject, UploadPart): decoded from <c>aws-chunked</c> framing when the request
/// says so, streamed to a spool file in 1 MiB writes (never held whole in memory) while its MD5 — and its SHA-256 when
/// <c>x-amz-content-sha256</c> names a digest — are computed, then checked as S3 checks them: Content-MD5 (InvalidDigest,
/// BadDigest), the SHA-256 (XAmzContentSHA256Mismatch), the declared length (IncompleteBody). Stateless; thread-safe.
/// </summary>
public static class RequestBody
{
    /// <summary>S3's largest single PUT: 5 GiB.</summary>
    public const long MaxPutBytes = 5L * 1024 * 1024 * 1024;

    private const int CopyBufferBytes = 1024 * 1024;

    /// <summary>Whether the body uses the aws-chunked framing (a STREAMING-… payload hash, or Content-Encoding aws-chunked).</summary>
    public static bool IsAwsChunked(HttpRequest request) =>
        request.Headers["x-amz-content-sha256"].ToString().StartsWith("STREAMING-", StringComparison.Ordinal)
        || request.Headers.ContentEncoding.ToString().Contains("aws-chunked", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body's decoded bytes (aws-chunked framing removed).</summary>
    public static Stream Open(HttpRequest request) => IsAwsChunked(request) ? new AwsChunkedStream(request.Body) : request.Body;

    /// <summary>The decoded length the request announces (x-amz-decoded-content-length for aws-chunked, else Content-Length), or null.</summary>
    public static long? DeclaredLength(HttpRequest request)
    {
        if (IsAwsChunked(request))
        {
            return long.TryParse(request.Headers["x-amz-decoded-content-length"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var decoded) ? decoded : null;
        }
        return request.ContentLength;
    }

    /// <summary>Spools the body to <paramref name="path"/> (created) and checks it; deletes the file when a check fails.</summary>
    public static async Task<SpooledBody> SpoolAsync(HttpRequest request, string path, CancellationToken cancellationToken)
    {
        var expectedMd5 = ContentMd5(request);
        var claimedSha256 = request.Headers["x-amz-content-sha256"].ToString();
        var checkSha256 = claimedSha256.Length == 64 && claimedSha256.All(char.IsAsciiHexDigit);
        var declared = DeclaredLength(request);
        if (declared > MaxPutBytes)
        {
            throw S3Errors.EntityTooLarge(declared.Value, MaxPutBytes);
        }
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha256 = checkSha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        long length = 0;
        try
        {
            await using (var body = Open(request))
            await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
            {
                while (true)
                {
                    // Fill the buffer before writing, so the file sees 1 MiB writes however the network slices the body.
                    var filled = 0;
                    int read;
                    while (filled < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        filled += read;
                    }
                    if (filled == 0)
                    {
                        break;
                    }
                    length += filled;
                    if (length > MaxPutBytes)
                    {
                        throw S3Errors.EntityTooLarge(length, MaxPutBytes);
                    }
                    md5.AppendData(buffer, 0, filled);
                    sha256?.AppendData(buffer, 0, filled);
                    await output.WriteAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                }
            }
            if (declared is long expected && expected != length)
            {
                throw S3Errors.IncompleteBody();
            }
            var digest = md5.GetHashAndReset();
            if (expectedMd5 is not null && !expectedMd5.AsSpan().SequenceEqual(digest))
            {
                throw S3Errors.BadDigest();
            }
            if (sha256 is not null)
            {
                var computed = Convert.ToHexStringLower(sha256.GetHashAndReset());
                if (!string.Equals(computed, claimedSha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw S3Errors.ContentSha256Mismatch(claimedSha256, computed);
                }
            }
            return new SpooledBody(path, length, digest);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The Content-MD5 header's digest, null when absent; InvalidDigest when it is not base64 of 16 bytes.</summary>
    public static byte[]? ContentMd5(HttpRequest request)
    {
        var header = request.Headers["Content-MD5"].ToString();
        if (header.Length == 0)
        {
            return null;
        }
        var digest = new byte[16];
        if (!Convert.TryFromBase64String(header, digest, out var written) || written != 16)
        {
            throw S3Errors.InvalidDigest();
        }
        return digest;
    }
}
