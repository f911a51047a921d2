namespace Tributary.S3;

/// <summary>
/// An S3 error, answered as S3 does: HTTP <see cref="Status"/> and
/// <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;…extra elements…&lt;RequestId/&gt;&lt;/Error&gt;</c>. Handlers throw it for every modelled
/// error (the factories in <see cref="S3Errors"/> carry S3's codes, statuses and texts); anything else escaping a
/// handler becomes InternalError (500).
/// </summary>
public sealed class S3Exception(string code, string message, int status, params (string Name, string Value)[] details) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;

    /// <summary>The elements S3 adds after Message for this error (BucketName, Key, UploadId, RangeRequested, …).</summary>
    public IReadOnlyList<(string Name, string Value)> Details { get; } = details;
}

/// <summary>S3's error codes with their HTTP statuses and messages (Amazon S3 API reference, "Error responses").</summary>
public static class S3Errors
{
    public static S3Exception NoSuchBucket(string bucket) =>
        new("NoSuchBucket", "The specified bucket does not exist", 404, ("BucketName", bucket));

    public static S3Exception NoSuchKey(string key) =>
        new("NoSuchKey", "The specified key does not exist.", 404, ("Key", key));

    public static S3Exception NoSuchUpload(string uploadId) =>
        new("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", 404, ("UploadId", uploadId));

    public static S3Exception BucketAlreadyOwnedByYou(string bucket) =>
        new("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409, ("BucketName", bucket));

    public static S3Exception BucketNotEmpty(string bucket) =>
        new("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, ("BucketName", bucket));

    public static S3Exception InvalidBucketName(string bucket) =>
        new("InvalidBucketName", "The specified bucket is not valid.", 400, ("BucketName", bucket));

    public static S3Exception InvalidRange(string range, long size) =>
        new("InvalidRange", "The requested range is not satisfiable", 416, ("RangeRequested", range), ("ActualObjectSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static S3Exception BadDigest() =>
        new("BadDigest", "The Content-MD5 you specified did not match what we received.", 400);

    public static S3Exception InvalidDigest() =>
        new("InvalidDigest", "The Content-MD5 you specified is not valid.", 400);

    public static S3Exception ContentSha256Mismatch(string claimed, string computed) =>
        new("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400,
            ("ClientComputedContentSHA256", claimed), ("S3ComputedContentSHA256", computed));

    public static S3Exception MalformedXml() =>
        new("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);

    public static S3Exception InvalidPart(int partNumber, string etag) =>
        new("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", 400,
            ("PartNumber", partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("ETag", etag));

    public static S3Exception InvalidPartOrder() =>
        new("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", 400);

    public static S3Exception EntityTooSmall(long size, long minimum, int partNumber, string etag) =>
        new("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400,
            ("ProposedSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("MinSizeAllowed", minimum.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("PartNumber", partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("ETag", etag));

    public static S3Exception EntityTooLarge(long size, long maximum) =>
        new("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400,
            ("ProposedSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("MaxSizeAllowed", maximum.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static S3Exception IncompleteBody() =>
        new("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.", 400);

    public static S3Exception InvalidArgument(string message, string name, string value) =>
        new("InvalidArgument", message, 400, ("ArgumentName", name), ("ArgumentValue", value));

    public static S3Exception InvalidRequest(string message) => new("InvalidRequest", message, 400);

    public static S3Exception MethodNotAllowed(string method, string resourceType) =>
        new("MethodNotAllowed", "The specified method is not allowed against this resource.", 405, ("Method", method), ("ResourceType", resourceType));

    public static S3Exception NotImplemented() =>
        new("NotImplemented", "A header or query you provided implies functionality that is not implemented.", 501);

    public static S3Exception KeyTooLong() =>
        new("KeyTooLongError", "Your key is too long", 400);

    public static S3Exception AccessDenied() => new("AccessDenied", "Access Denied", 403);

    public static S3Exception SignatureDoesNotMatch() =>
        new("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", 403);

    public static S3Exception InvalidAccessKeyId() =>
        new("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);

    public static S3Exception AuthorizationHeaderMalformed(string message) =>
        new("AuthorizationHeaderMalformed", message, 400);

    public static S3Exception RequestTimeTooSkewed() =>
        new("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403);

    public static S3Exception InternalError() =>
        new("InternalError", "We encountered an internal error. Please try again.", 500);
}
