using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// DescribeStream: the stream and a page of its shards (Limit 1–10000, default 100; ExclusiveStartShardId),
/// HasMoreShards. Expired shards (closed longer than the retention period) are not listed.
/// </summary>
public sealed class DescribeStream(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "DescribeStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "limit", "exclusiveStartShardId", "streamARN"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var limit = body.GetInt32("Limit");
        var exclusiveStart = body.GetString("ExclusiveStartShardId");
        validation.Range(limit, 1, 10000, "limit");
        ValidateShardId(validation, exclusiveStart, "exclusiveStartShardId", required: false);
        var stream = ResolveStream(body, validation);
        var startAfter = exclusiveStart is not null && ShardId.TryParse(exclusiveStart, out var index) ? index : -1;
        var now = Streams.NowMs;
        lock (stream.Lock)
        {
            var visible = stream.Shards.Where(s => s.Index > startAfter && stream.IsVisible(s, now)).ToList();
            var page = visible.Take((int)(limit ?? 100)).ToList();
            response.WriteStartObject("StreamDescription");
            response.WriteString("StreamName", stream.Name);
            response.WriteString("StreamARN", stream.Arn);
            response.WriteString("StreamStatus", stream.Status);
            WriteStreamModeDetails(response, stream);
            response.WriteStartArray("Shards");
            foreach (var shard in page)
            {
                WriteShard(response, stream, shard);
            }
            response.WriteEndArray();
            response.WriteBoolean("HasMoreShards", visible.Count > page.Count);
            response.WriteNumber("RetentionPeriodHours", stream.RetentionHours);
            response.WriteTimestamp("StreamCreationTimestamp", stream.CreatedMs);
            WriteEnhancedMonitoring(response, stream);
            response.WriteString("EncryptionType", stream.EncryptionType);
            if (stream.KeyId is not null)
            {
                response.WriteString("KeyId", stream.KeyId);
            }
            response.WriteEndObject();
        }
        return ValueTask.CompletedTask;
    }
}
