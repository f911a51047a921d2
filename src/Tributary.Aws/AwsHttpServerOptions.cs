namespace Tributary.Aws;

/// <summary>Where and how the AWS-compatible HTTP endpoints listen.</summary>
public sealed record AwsHttpServerOptions
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// The AWS endpoint for every SDK: HTTP/1.1 (AWS CLI, boto3, Java and .NET SDKs) and cleartext HTTP/2 with prior
    /// knowledge (the JS SDK v3 Kinesis client, event streams) on one port, told apart by the connection preface;
    /// 0 picks a free port, -1 disables it.
    /// </summary>
    public int Port { get; init; } = 4566;

    /// <summary>
    /// HTTP/2-only cleartext (prior knowledge) port, kept so that configurations and clients pointed at it before
    /// <see cref="Port"/> served HTTP/2 too keep working; 0 picks a free port, -1 disables it.
    /// </summary>
    public int Http2Port { get; init; } = 4567;

    /// <summary>Largest request body accepted; a larger one is answered 413.</summary>
    public int MaxRequestBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Access key id → secret key. Empty: any credentials (or none) are accepted and signatures are not checked.</summary>
    public IReadOnlyDictionary<string, string> Credentials { get; init; } = new Dictionary<string, string>();
}
