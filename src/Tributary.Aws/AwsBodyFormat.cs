namespace Tributary.Aws;

/// <summary>How a request body is encoded; the response uses the same encoding.</summary>
public enum AwsBodyFormat
{
    /// <summary><c>application/x-amz-json-1.1</c> (also 1.0): blobs are base64 strings, timestamps epoch seconds with a fraction.</summary>
    Json,

    /// <summary><c>application/x-amz-cbor-1.1</c>: blobs are byte strings, timestamps tag 1 with epoch milliseconds.</summary>
    Cbor,
}
