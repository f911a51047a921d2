using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Tributary.Aws;
using Tributary.Foundation.Buffers;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// PutRecords: Records* (1–500, each Data*, PartitionKey*, ExplicitHashKey), at most 10 MiB of data per call.
/// Each shard's records go in one batch appended with acks=all; the answer lists, in request order, a
/// SequenceNumber and ShardId per record or a per-record ErrorCode (ProvisionedThroughputExceededException when
/// the optional limits are on, InternalFailure), and FailedRecordCount.
/// </summary>
public sealed class PutRecords(KinesisStreams streams) : KinesisOperation(streams)
{
    public const int MaxRecords = 500;
    public const long MaxRequestDataBytes = 10L * 1024 * 1024;

    public override string Name => "PutRecords";

    public override IReadOnlyList<string> InputMembers { get; } = ["records", "streamName", "streamARN"];

    public override async ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var records = body.GetElement("Records", JsonValueKind.Array);
        validation.Required(records, "records");
        var count = records?.GetArrayLength() ?? 0;
        if (records is not null)
        {
            validation.Count(count, 1, MaxRecords, "records", "[" + count.ToString(CultureInfo.InvariantCulture) + " records]");
        }
        StreamState? stream = null;
        try
        {
            stream = Streams.Resolve(body.GetString("StreamName"), body.GetString("StreamARN"));
        }
        catch (AwsErrorException)
        {
            // Member validation comes first, as in AWS; the stream is resolved again below.
        }
        var maxBytes = stream?.MaxRecordBytes ?? 10 * 1024 * 1024;
        using var payload = new PooledBufferWriter(Math.Max(4096, records is { } raw ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(raw).Length : 0));
        var entries = ArrayPool<PutEntry>.Shared.Rent(Math.Max(1, Math.Min(count, MaxRecords)));
        try
        {
            if (records is { } list && count <= MaxRecords)
            {
                var index = 0;
                foreach (var record in list.EnumerateArray())
                {
                    if (record.ValueKind != JsonValueKind.Object)
                    {
                        throw AwsRequestReader.WrongType("Records", "a list of structures", record);
                    }
                    PutRecordReader.Read(record, payload, ref entries[index], maxBytes, index, validation);
                    index++;
                }
            }
            stream = ResolveStream(body, validation);
            long total = 0;
            for (var i = 0; i < count; i++)
            {
                total += entries[i].DataLength + entries[i].KeyLength;
            }
            if (total > MaxRequestDataBytes)
            {
                throw AwsErrorException.InvalidArgument($"Records size exceeds {MaxRequestDataBytes / (1024 * 1024)} MB limit");
            }
            Streams.EnsureActive(stream);
            await Streams.PutAsync(stream, payload.WrittenMemory, entries, count, request.Aborted).ConfigureAwait(false);
            var failed = 0;
            for (var i = 0; i < count; i++)
            {
                if (entries[i].ErrorCode is not null)
                {
                    failed++;
                }
            }
            response.WriteNumber("FailedRecordCount", failed);
            response.WriteStartArray("Records");
            Span<byte> sequence = stackalloc byte[SequenceNumber.Length];
            for (var i = 0; i < count; i++)
            {
                ref var entry = ref entries[i];
                response.WriteStartObject();
                if (entry.ErrorCode is null)
                {
                    var shard = stream.Shards[entry.ShardIndex];
                    SequenceNumber.Write(sequence, stream.SequenceEpoch, shard.Index, entry.Offset, entry.ArrivalMs);
                    response.WriteUtf8String("SequenceNumber", sequence);
                    response.WriteString("ShardId", shard.Id);
                }
                else
                {
                    response.WriteString("ErrorCode", entry.ErrorCode);
                    response.WriteString("ErrorMessage", entry.ErrorMessage ?? entry.ErrorCode);
                }
                response.WriteEndObject();
            }
            response.WriteEndArray();
            if (stream.EncryptionType != "NONE")
            {
                response.WriteString("EncryptionType", stream.EncryptionType);
            }
        }
        finally
        {
            ArrayPool<PutEntry>.Shared.Return(entries, clearArray: true);
        }
    }
}
