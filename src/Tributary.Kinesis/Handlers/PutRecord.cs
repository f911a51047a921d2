using Tributary.Aws;
using Tributary.Foundation.Buffers;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// PutRecord: Data*, PartitionKey*, ExplicitHashKey, SequenceNumberForOrdering (accepted and validated; per-shard
/// order is already the arrival order of the log, so a later put always gets a larger number). Answers ShardId and
/// SequenceNumber once the record is durable.
/// </summary>
public sealed partial class PutRecord(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "PutRecord";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "data", "partitionKey", "explicitHashKey", "sequenceNumberForOrdering", "streamARN"];

    public override async ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var ordering = body.GetString("SequenceNumberForOrdering");
        validation.Pattern(ordering, SequenceNumberForOrderingRegex(), "0|([1-9]\\d{0,128})", "sequenceNumberForOrdering");
        var stream = ResolveStreamAfter(body, validation, out var payload, out var entries);
        using (payload)
        {
            Streams.EnsureActive(stream);
            await Streams.PutAsync(stream, payload.WrittenMemory, entries, 1, request.Aborted).ConfigureAwait(false);
            var entry = entries[0];
            if (entry.ErrorCode is not null)
            {
                throw new AwsErrorException(entry.ErrorCode, entry.ErrorMessage ?? entry.ErrorCode, entry.ErrorCode == "InternalFailure" ? 500 : 400);
            }
            var shard = stream.Shards[entry.ShardIndex];
            response.WriteString("ShardId", shard.Id);
            response.WriteString("SequenceNumber", KinesisStreams.Sequence(stream, shard, entry.Offset, entry.ArrivalMs));
            if (stream.EncryptionType != "NONE")
            {
                response.WriteString("EncryptionType", stream.EncryptionType);
            }
        }
    }

    private StreamState ResolveStreamAfter(System.Text.Json.JsonElement body, AwsValidation validation, out PooledBufferWriter payload, out PutEntry[] entries)
    {
        payload = new PooledBufferWriter(1024);
        entries = new PutEntry[1];
        try
        {
            // The stream's record size limit is needed to validate Data, so the stream is resolved first when it exists.
            var maxBytes = 10 * 1024 * 1024;
            StreamState? stream = null;
            try
            {
                stream = Streams.Resolve(body.GetString("StreamName"), body.GetString("StreamARN"));
                maxBytes = stream.MaxRecordBytes;
            }
            catch (AwsErrorException)
            {
                // Reported below, after the member validation AWS performs first.
            }
            PutRecordReader.Read(body, payload, ref entries[0], maxBytes, -1, validation);
            var resolved = ResolveStream(body, validation);
            return stream ?? resolved;
        }
        catch
        {
            payload.Dispose();
            throw;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(?:0|([1-9]\\d{0,128}))\\z")]
    private static partial System.Text.RegularExpressions.Regex SequenceNumberForOrderingRegex();
}
