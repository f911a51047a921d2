using System.Buffers;
using Tributary.S3.Storage;

namespace Tributary.S3.Handlers;

/// <summary>
/// GET /BUCKET/KEY — the object's bytes streamed from its file in 256 KiB reads (never the whole object in memory),
/// or one byte range of them (206 with Content-Range; InvalidRange 416 beyond the end). The file is opened once, so a
/// concurrent replace (a rename over it) leaves this reader on the complete old object.
/// </summary>
public sealed class GetObject(EmbeddedBuckets buckets) : IS3Operation
{
    private const int ReadBufferBytes = 256 * 1024;

    public string Name => "GetObject";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        var key = request.ObjectKey;
        buckets.RequireBucket(bucket);
        var stored = await buckets.FindAsync(bucket, key, request.Aborted).ConfigureAwait(false) ?? throw S3Errors.NoSuchKey(key);
        Stream file;
        try
        {
            file = await buckets.Store.OpenReadAsync(bucket, key, request.Aborted).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            throw S3Errors.NoSuchKey(key);
        }
        await using (file.ConfigureAwait(false))
        {
            if (file.Length != stored.Info.Size)
            {
                // Replaced between the lookup and the open: describe what was opened.
                stored = await buckets.FindAsync(bucket, key, request.Aborted).ConfigureAwait(false) ?? throw S3Errors.NoSuchKey(key);
            }
            if (ObjectHeaders.AnswerConditions(request, stored))
            {
                return;
            }
            var size = file.Length;
            var range = ByteRange.Parse(request.Header("Range"), size);
            ObjectHeaders.Write(request, stored);
            var response = request.Response;
            long remaining;
            if (range is { } part)
            {
                response.StatusCode = 206;
                response.Headers.ContentRange = part.ContentRange(size);
                file.Seek(part.First, SeekOrigin.Begin);
                remaining = part.Length;
            }
            else
            {
                response.StatusCode = 200;
                remaining = size;
            }
            response.ContentLength = remaining;
            var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
            try
            {
                while (remaining > 0)
                {
                    var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), request.Aborted).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new IOException($"{bucket}/{key} ended {remaining} bytes early.");
                    }
                    await response.Body.WriteAsync(buffer.AsMemory(0, read), request.Aborted).ConfigureAwait(false);
                    remaining -= read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
