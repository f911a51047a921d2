namespace Tributary.ObjectStores;

/// <summary>
/// How <see cref="S3ObjectStore"/> reaches an S3 API. With neither <see cref="AccessKeyId"/> nor a session the AWS SDK's
/// standard credential chain is used (environment, shared config/credentials files, container and instance roles).
/// </summary>
public sealed record S3StoreOptions
{
    /// <summary>S3's smallest part (every part but the last must be at least this large).</summary>
    public const long MinimumPartSize = 5L * 1024 * 1024;

    /// <summary>S3's largest number of parts in one upload.</summary>
    public const int MaximumPartCount = 10_000;

    /// <summary>An endpoint override such as <c>http://127.0.0.1:9000</c> (MinIO, s3rver, LocalStack); null for AWS.</summary>
    public string? ServiceUrl { get; init; }

    /// <summary>The signing region, and the AWS region when <see cref="ServiceUrl"/> is null.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), which most S3-compatible servers need.</summary>
    public bool ForcePathStyle { get; init; }

    public string? AccessKeyId { get; init; }

    public string? SecretAccessKey { get; init; }

    public string? SessionToken { get; init; }

    /// <summary>Objects larger than this go up in parts of this size (at least 5 MiB; default 8 MiB, the AWS CLI's).</summary>
    public long PartSize { get; init; } = 8L * 1024 * 1024;

    /// <summary>Whether <see cref="S3ObjectStore.EnsureBucketAsync"/> may create a missing bucket (otherwise it only checks).</summary>
    public bool CreateBuckets { get; init; } = true;

    /// <summary>Timeout of one HTTP request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    public S3RetryOptions Retry { get; init; } = new();

    internal void Validate()
    {
        if (PartSize < MinimumPartSize)
        {
            throw new ArgumentOutOfRangeException(nameof(PartSize), PartSize, $"S3 parts must be at least {MinimumPartSize} bytes.");
        }
        if (AccessKeyId is null != SecretAccessKey is null)
        {
            throw new ArgumentException("Give both AccessKeyId and SecretAccessKey, or neither (the standard credential chain).");
        }
        Retry.Validate();
    }
}

/// <summary>
/// Retries of one S3 request (a put, one part, a get…) on transient failures: 5xx, 429 and throttling codes, network
/// and I/O errors, timeouts. Attempt n (from 1) waits a random time in [0, min(MaxDelay, InitialDelay · 2ⁿ⁻¹)] ("full
/// jitter": spreads out clients that failed together), and retrying stops after <see cref="MaxAttempts"/> attempts or
/// once <see cref="MaxElapsed"/> has passed since the first. The sink engine retries whole objects on top of this.
/// </summary>
public sealed record S3RetryOptions
{
    public int MaxAttempts { get; init; } = 6;

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxElapsed { get; init; } = TimeSpan.FromMinutes(2);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialDelay, TimeSpan.Zero, nameof(InitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, InitialDelay, nameof(MaxDelay));
    }
}
