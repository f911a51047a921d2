namespace Tributary.Firehose.Api;

/// <summary>Settings of the Firehose API: the region and account its ARNs name (any region a client signs for is accepted).</summary>
public sealed record FirehoseOptions
{
    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary><c>arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME</c>.</summary>
    public string StreamArn(string name) => $"arn:aws:firehose:{Region}:{AccountId}:deliverystream/{name}";
}
