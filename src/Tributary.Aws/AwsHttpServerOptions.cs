namespace Tributary.Aws;

/// <summary>Where and how the AWS-compatible HTTP endpoints listen.</summary>
public sealed record AwsHttpServerOptions
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>HTTP/1.1 port (AWS CLI, boto3, Java and .NET SDKs); 0 picks a free port, -1 disables it.</summary>
    public int Port { get; init; } = 4566;

    /// <summary>
    /// HTTP/2-cleartext (prior knowledge) port, for the JS SDK v3 Kinesis client and event streams; 0 picks a free
    /// port, -1 disables it. Separate because Kestrel without TLS cannot offer HTTP/1.1 and HTTP/2 on one port.
    /// </summary>
    public int Http2Port { get; init; } = 4567;

    /// <summary>Largest request body accepted; a larger one is answered 413.</summary>
    public int MaxRequestBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Access key id → secret key. Empty: any credentials (or none) are accepted and signatures are not checked.</summary>
    public IReadOnlyDictionary<string, string> Credentials { get; init; } = new Dictionary<string, string>();
}
