using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tributary.ObjectStores;

/// <summary>
/// An <see cref="IObjectStore"/> over the S3 API (AWSSDK.S3), for AWS S3 and S3-compatible servers. Objects up to
/// <see cref="S3StoreOptions.PartSize"/> go up in one PutObject; larger ones in a multipart upload whose parts are read
/// from the content one at a time (memory stays at one part's buffers whatever the object's size) and which is
/// aborted if it fails. An object only appears when the upload completes, so puts are all or nothing. Every request is
/// retried by <see cref="S3RetryOptions"/>; the SDK's own retries are off so that one policy governs. The SDK computes
/// checksums only where S3 requires them, for S3-compatible servers that do not know the newer trailing checksums.
/// Thread-safe.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly S3StoreOptions _options;
    private long _retries;

    public S3ObjectStore(S3StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            MaxErrorRetry = 0,
            Timeout = options.RequestTimeout,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        _client = options.AccessKeyId is null
            ? new AmazonS3Client(config)
            : options.SessionToken is null
                ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), config)
                : new AmazonS3Client(new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken), config);
    }

    /// <summary>Requests retried so far (for retry metrics).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    public async Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken = default)
    {
        S3Names.ValidateBucketName(bucket);
        if (await BucketExistsAsync(bucket, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        if (!_options.CreateBuckets)
        {
            throw new DirectoryNotFoundException($"The bucket {bucket} does not exist and this store may not create buckets.");
        }
        try
        {
            await RetryAsync(ct => _client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou")
        {
            // Created concurrently by us: fine.
        }
    }

    public async Task PutAsync(string bucket, string key, ObjectContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        S3Names.ValidateBucketName(bucket);
        S3Names.ValidateKey(key);
        try
        {
            if (content.Length <= _options.PartSize)
            {
                await RetryAsync(async ct =>
                {
                    await using var stream = content.OpenRead();
                    await _client.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        InputStream = stream,
                        AutoCloseStream = false,
                        UseChunkEncoding = false,
                    }, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await PutMultipartAsync(bucket, key, content, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            throw new DirectoryNotFoundException($"The bucket {bucket} does not exist.", e);
        }
    }

    public async Task<bool> ExistsAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            await RetryAsync(ct => _client.GetObjectMetadataAsync(bucket, key, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return false;
        }
    }

    public async Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await RetryAsync(ct => _client.GetObjectAsync(bucket, key, ct), cancellationToken).ConfigureAwait(false);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey")
        {
            throw new FileNotFoundException($"No object {key} in bucket {bucket}.", key, e);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            throw new DirectoryNotFoundException($"The bucket {bucket} does not exist.", e);
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string bucket, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? continuation = null;
        do
        {
            ListObjectsV2Response page;
            try
            {
                var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = continuation };
                page = await RetryAsync(ct => _client.ListObjectsV2Async(request, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
            {
                throw new DirectoryNotFoundException($"The bucket {bucket} does not exist.", e);
            }
            foreach (var item in page.S3Objects ?? [])
            {
                yield return new ObjectInfo(item.Key, item.Size ?? 0, item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : default);
            }
            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    public Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken = default) =>
        RetryAsync(ct => _client.DeleteObjectAsync(bucket, key, ct), cancellationToken);

    public void Dispose() => _client.Dispose();

    private async Task<bool> BucketExistsAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await RetryAsync(ct => _client.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task PutMultipartAsync(string bucket, string key, ObjectContent content, CancellationToken cancellationToken)
    {
        // Grow the part size (in whole MiB) if the object would need more than S3's 10,000 parts.
        var partSize = _options.PartSize;
        if ((content.Length + partSize - 1) / partSize > S3StoreOptions.MaximumPartCount)
        {
            const long MiB = 1024 * 1024;
            partSize = ((content.Length / S3StoreOptions.MaximumPartCount / MiB) + 1) * MiB;
        }
        var upload = await RetryAsync(ct => _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, ct), cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            var partNumber = 1;
            for (long offset = 0; offset < content.Length; offset += partSize, partNumber++)
            {
                var length = Math.Min(partSize, content.Length - offset);
                var number = partNumber;
                var start = offset;
                var response = await RetryAsync(async ct =>
                {
                    await using var stream = content.OpenRead();
                    await using var slice = new StreamSlice(stream, start, length);
                    return await _client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        UploadId = upload.UploadId,
                        PartNumber = number,
                        PartSize = length,
                        InputStream = slice,
                        IsLastPart = start + length == content.Length,
                        UseChunkEncoding = false,
                    }, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(number, response.ETag));
            }
            await RetryAsync(ct => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, ct), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                // Parts of an unfinished upload are stored (and billed) until aborted. Best effort: the failure that
                // brought us here is the one to report.
                using var abortTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId }, abortTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception abortFailure) when (abortFailure is AmazonServiceException or AmazonClientException or IOException or HttpRequestException or OperationCanceledException)
            {
            }
            throw;
        }
    }

    private Task RetryAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RetryAsync<object?>(async ct =>
        {
            await operation(ct).ConfigureAwait(false);
            return null;
        }, cancellationToken);

    private async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var retry = _options.Retry;
        var elapsed = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < retry.MaxAttempts && IsTransient(e, cancellationToken))
            {
                var ceiling = Math.Min(retry.MaxDelay.TotalMilliseconds, retry.InitialDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
                var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
                if (elapsed.Elapsed + delay > retry.MaxElapsed)
                {
                    throw;
                }
                Interlocked.Increment(ref _retries);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a failure may pass by itself: server errors, throttling, network and I/O failures, timeouts.</summary>
    internal static bool IsTransient(Exception exception, CancellationToken cancellationToken)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case AmazonServiceException service when (int)service.StatusCode >= 500 || (int)service.StatusCode == 429:
                    return true;
                case AmazonServiceException service when service.ErrorCode is "SlowDown" or "Throttling" or "ThrottlingException" or "RequestTimeout" or "InternalError" or "ServiceUnavailable":
                    return true;
                case HttpRequestException or IOException or System.Net.Sockets.SocketException:
                    return true;
                case OperationCanceledException when !cancellationToken.IsCancellationRequested:
                    return true; // the request timed out, not our caller
            }
        }
        return false;
    }

    /// <summary>A GetObject body that disposes its response with it.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _body = response.ResponseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => _body.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _body.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _body.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _body.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// A read-only, seekable window [start, start + length) of a seekable stream: one multipart part read straight from
/// the spool file (the SDK seeks it to hash the payload for the signature, then again to send it).
/// </summary>
internal sealed class StreamSlice : Stream
{
    private readonly Stream _inner;
    private readonly long _start;
    private readonly long _length;
    private long _position;

    public StreamSlice(Stream inner, long start, long length)
    {
        if (!inner.CanSeek)
        {
            throw new ArgumentException("The content stream must be seekable.", nameof(inner));
        }
        _inner = inner;
        _start = start;
        _length = length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var available = (int)Math.Min(buffer.Length, Math.Max(0, _length - _position));
        if (available == 0)
        {
            return 0;
        }
        _inner.Position = _start + _position;
        var read = _inner.Read(buffer[..available]);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var available = (int)Math.Min(buffer.Length, Math.Max(0, _length - _position));
        if (available == 0)
        {
            return 0;
        }
        _inner.Position = _start + _position;
        var read = await _inner.ReadAsync(buffer[..available], cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
