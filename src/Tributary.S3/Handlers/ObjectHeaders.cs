using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>
/// The headers that carry an object's metadata, both ways: what PutObject, CopyObject (REPLACE) and
/// CreateMultipartUpload store (Content-Type, <c>x-amz-meta-*</c>), and what GetObject and HeadObject answer (ETag,
/// Last-Modified, Content-Type, Accept-Ranges, user metadata, and the <c>response-*</c> query overrides). Stateless.
/// </summary>
public static class ObjectHeaders
{
    private const string UserMetadataPrefix = "x-amz-meta-";

    /// <summary>S3's limit on user metadata: 2 KB of names and values.</summary>
    private const int MaxUserMetadataBytes = 2048;

    private static readonly (string Query, string Header)[] ResponseOverrides =
    [
        ("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding"),
    ];

    /// <summary>The request's Content-Type, or S3's default.</summary>
    public static string ContentType(HttpRequest request) =>
        string.IsNullOrEmpty(request.ContentType) ? ObjectMetadata.DefaultContentType : request.ContentType;

    /// <summary>The request's <c>x-amz-meta-*</c> headers, names lower-cased without the prefix; MetadataTooLarge above 2 KB.</summary>
    public static IReadOnlyDictionary<string, string> UserMetadata(HttpRequest request)
    {
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var size = 0;
        foreach (var (name, value) in request.Headers)
        {
            if (name.StartsWith(UserMetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var shortName = name[UserMetadataPrefix.Length..].ToLowerInvariant();
                metadata[shortName] = value.ToString();
                size += shortName.Length + value.ToString().Length;
            }
        }
        if (size > MaxUserMetadataBytes)
        {
            throw new S3Exception("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.", 400,
                ("Size", size.ToString(CultureInfo.InvariantCulture)), ("MaxSizeAllowed", MaxUserMetadataBytes.ToString(CultureInfo.InvariantCulture)));
        }
        return metadata;
    }

    /// <summary>Sets the headers describing <paramref name="stored"/> on a GetObject or HeadObject response.</summary>
    public static void Write(S3Request request, StoredObject stored)
    {
        var headers = request.Response.Headers;
        headers.ETag = stored.Metadata.ETag;
        headers.LastModified = S3Xml.HttpDate(stored.Info.LastModified);
        headers.AcceptRanges = "bytes";
        headers.ContentType = stored.Metadata.ContentType;
        foreach (var (name, value) in stored.Metadata.UserMetadata)
        {
            headers[UserMetadataPrefix + name] = value;
        }
        foreach (var (query, header) in ResponseOverrides)
        {
            if (request.Query(query) is { } value)
            {
                headers[header] = value;
            }
        }
    }

    /// <summary>
    /// The conditional headers of a read (If-Match, If-None-Match, If-Unmodified-Since, If-Modified-Since, in RFC 7232's
    /// order): PreconditionFailed (412) or 304 Not Modified (returned true: the response is complete).
    /// </summary>
    public static bool AnswerConditions(S3Request request, StoredObject stored)
    {
        var ifMatch = request.Header("If-Match");
        var ifNoneMatch = request.Header("If-None-Match");
        var etag = stored.Metadata.ETag;
        var modified = stored.Info.LastModified;
        if (ifMatch.Length > 0 && !MatchesAny(ifMatch, etag))
        {
            throw new S3Exception("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, ("Condition", "If-Match"));
        }
        if (ifMatch.Length == 0 && TryDate(request.Header("If-Unmodified-Since"), out var unmodifiedSince) && modified > unmodifiedSince.AddSeconds(1))
        {
            throw new S3Exception("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, ("Condition", "If-Unmodified-Since"));
        }
        var notModified = ifNoneMatch.Length > 0
            ? MatchesAny(ifNoneMatch, etag)
            : TryDate(request.Header("If-Modified-Since"), out var modifiedSince) && modified < modifiedSince.AddSeconds(1);
        if (notModified)
        {
            request.Response.StatusCode = 304;
            request.Response.Headers.ETag = etag;
            request.Response.Headers.LastModified = S3Xml.HttpDate(modified);
            return true;
        }
        return false;
    }

    private static bool MatchesAny(string header, string etag)
    {
        foreach (var candidate in header.Split(','))
        {
            var trimmed = candidate.Trim();
            if (trimmed == "*" || trimmed.Trim('"') == etag.Trim('"'))
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryDate(string value, out DateTimeOffset date) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);
}
