using System.Buffers;
using System.Text.Json;
using Tributary.Foundation.Buffers;

namespace Tributary.Generator.Targets;

/// <summary>
/// A Kinesis stream (PutRecords) or a Firehose delivery stream (PutRecordBatch), sent as the Kinesis Data Generator
/// sends: each record is the rendered template plus <c>"\n"</c>, in requests of at most 500 records; Kinesis records
/// get a random partition key (an integer below 10^10, as text). Records the service reports as failed
/// (FailedRecordCount / FailedPutCount) are counted, not retried, as the generator does.
/// </summary>
public sealed class AwsRecordTarget : IRecordTarget
{
    public const int MaxRecordsPerRequest = 500;

    private readonly AwsJsonClient _client;
    private readonly bool _kinesis;
    private readonly string _stream;
    private readonly PooledBufferWriter _body = new();
    private readonly Random _random = new();

    private AwsRecordTarget(AwsJsonClient client, bool kinesis, string stream)
    {
        _client = client;
        _kinesis = kinesis;
        _stream = stream;
    }

    public string Name => (_kinesis ? "kinesis:" : "firehose:") + _stream;

    public static AwsRecordTarget Kinesis(Uri endpoint, string stream) => new(new AwsJsonClient(endpoint, "kinesis", "Kinesis_20131202"), true, stream);

    public static AwsRecordTarget Firehose(Uri endpoint, string stream) => new(new AwsJsonClient(endpoint, "firehose", "Firehose_20150804"), false, stream);

    /// <summary>
    /// Checks the stream exists before anything is sent (DescribeStreamSummary / DescribeDeliveryStream): a missing one is
    /// a destination that cannot be used, not a run whose every record fails. Throws <see cref="AwsCallException"/>.
    /// </summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { [_kinesis ? "StreamName" : "DeliveryStreamName"] = _stream });
        using var answer = await _client.CallAsync(_kinesis ? "DescribeStreamSummary" : "DescribeDeliveryStream", body, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> SendAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken)
    {
        var failed = 0;
        for (var start = 0; start < records.Count; start += MaxRecordsPerRequest)
        {
            var count = Math.Min(MaxRecordsPerRequest, records.Count - start);
            var body = Build(records, start, count);
            using var answer = await _client.CallAsync(_kinesis ? "PutRecords" : "PutRecordBatch", body, cancellationToken).ConfigureAwait(false);
            if (answer.RootElement.TryGetProperty(_kinesis ? "FailedRecordCount" : "FailedPutCount", out var failures) && failures.TryGetInt32(out var n))
            {
                failed += n;
            }
        }
        return failed;
    }

    private byte[] Build(IReadOnlyList<ReadOnlyMemory<byte>> records, int start, int count)
    {
        _body.Reset();
        using (var json = new Utf8JsonWriter(_body))
        {
            json.WriteStartObject();
            json.WriteString(_kinesis ? "StreamName" : "DeliveryStreamName", _stream);
            json.WriteStartArray("Records");
            byte[]? scratch = null;
            for (var i = start; i < start + count; i++)
            {
                var record = records[i].Span;
                if (scratch is null || scratch.Length < record.Length + 1)
                {
                    if (scratch is not null)
                    {
                        ArrayPool<byte>.Shared.Return(scratch);
                    }
                    scratch = ArrayPool<byte>.Shared.Rent(record.Length + 1);
                }
                record.CopyTo(scratch);
                scratch[record.Length] = (byte)'\n';
                json.WriteStartObject();
                json.WriteBase64String("Data", scratch.AsSpan(0, record.Length + 1));
                if (_kinesis)
                {
                    json.WriteString("PartitionKey", _random.NextInt64(10_000_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                json.WriteEndObject();
            }
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return _body.WrittenSpan.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _body.Dispose();
        return ValueTask.CompletedTask;
    }
}
