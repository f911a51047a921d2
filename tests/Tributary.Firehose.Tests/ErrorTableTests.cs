using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Tests.Streams;

namespace Tributary.Firehose.Tests;

/// <summary>
/// Renders docs/aws-errors-firehose.md from the implementation (issue 23) with <see cref="AwsErrorTable"/>, as the
/// Kinesis table is rendered: for every operation, the constraints its handler checks and the exception, status and
/// message it answers to each probe request below, run in-process against the real registry (<c>DeliveryStreams</c>
/// on an in-process broker and a local object store). Fails when the committed file differs; run with
/// TRIBUTARY_WRITE_DOCS=1 to rewrite it. The probes are inputs only: every output in the table is what the code said.
/// </summary>
public sealed class ErrorTableTests
{
    private const string Destination = "\"ExtendedS3DestinationConfiguration\":{\"RoleARN\":\"arn:aws:iam::000000000000:role/firehose\",\"BucketARN\":\"arn:aws:s3:::bucket\"}";

    /// <summary>
    /// Probe requests per operation, beyond the empty body every operation gets. A DirectPut stream named "existing"
    /// exists; "no-such-stream" does not. Probes whose answer would hold a clock reading or a generated id are left out
    /// so the file is reproducible; probes run in the order given and may change "existing" (tags).
    /// </summary>
    private static readonly Dictionary<string, string[]> Probes = new()
    {
        ["CreateDeliveryStream"] =
        [
            $$"""{"DeliveryStreamName":"existing",{{Destination}}}""",
            """{"DeliveryStreamName":"s"}""",
            """{"DeliveryStreamName":"s","DeliveryStreamType":"KinesisStreamAsSource","ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::000000000000:role/firehose","BucketARN":"arn:aws:s3:::bucket"}}""",
            """{"Tags":[],"ExtendedS3DestinationConfiguration":{"BucketARN":"bucket","BufferingHints":{"SizeInMBs":0,"IntervalInSeconds":901},"CompressionFormat":"LZ4"},"DeliveryStreamType":"Direct","DeliveryStreamName":"a b"}""",
            """{"DeliveryStreamName":"s","ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::000000000000:role/firehose","BucketARN":"arn:aws:s3:::bucket","BufferingHints":{"SizeInMBs":5}}}""",
            """{"DeliveryStreamName":"s","ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::000000000000:role/firehose","BucketARN":"arn:aws:s3:::bucket","DynamicPartitioningConfiguration":{"Enabled":true}}}""",
            """{"DeliveryStreamName":"s","DeliveryStreamEncryptionConfigurationInput":{"KeyType":"CUSTOMER_MANAGED_CMK"},"ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::000000000000:role/firehose","BucketARN":"arn:aws:s3:::bucket"}}""",
            """{"DeliveryStreamName":"s","RedshiftDestinationConfiguration":{}}""",
        ],
        ["DeleteDeliveryStream"] = ["""{"DeliveryStreamName":"no-such-stream","AllowForceDelete":true}"""],
        ["DescribeDeliveryStream"] = ["""{"DeliveryStreamName":"no-such-stream","Limit":1,"ExclusiveStartDestinationId":"destinationId-000000000001"}""", """{"DeliveryStreamName":"existing","Limit":0}"""],
        ["ListDeliveryStreams"] = ["""{"Limit":10001,"DeliveryStreamType":"Kafka","ExclusiveStartDeliveryStreamName":"a b"}"""],
        ["ListTagsForDeliveryStream"] = ["""{"DeliveryStreamName":"no-such-stream","ExclusiveStartTagKey":"k","Limit":1}""", """{"DeliveryStreamName":"existing","Limit":51}"""],
        ["PutRecord"] = ["""{"DeliveryStreamName":"no-such-stream","Record":{"Data":"AA=="}}""", """{"DeliveryStreamName":"existing","Record":{"Data":"AAA"}}""", """{"DeliveryStreamName":"existing","Record":{}}"""],
        ["PutRecordBatch"] = ["""{"DeliveryStreamName":"no-such-stream","Records":[{"Data":"AA=="}]}""", """{"DeliveryStreamName":"existing","Records":[]}""", """{"DeliveryStreamName":"existing","Records":[{"Data":"A!=="}]}"""],
        ["StartDeliveryStreamEncryption"] = ["""{"DeliveryStreamName":"no-such-stream"}""", """{"DeliveryStreamName":"existing","DeliveryStreamEncryptionConfigurationInput":{"KeyType":"AWS_OWNED_CMK","KeyARN":"arn:aws:kms:us-east-1:000000000000:key/k"}}"""],
        ["StopDeliveryStreamEncryption"] = ["""{"DeliveryStreamName":"no-such-stream"}"""],
        ["TagDeliveryStream"] =
        [
            """{"DeliveryStreamName":"no-such-stream","Tags":[{"Key":"k","Value":"v"}]}""",
            """{"DeliveryStreamName":"existing","Tags":[{"Key":"aws:k"},{"Key":"k","Value":"v"},{"Key":"k","Value":"w"}]}""",
            """{"DeliveryStreamName":"existing","Tags":[{"Key":"k","Value":"v"},{"Key":"k","Value":"w"}]}""",
        ],
        ["UntagDeliveryStream"] = ["""{"DeliveryStreamName":"no-such-stream","TagKeys":["k"]}""", """{"DeliveryStreamName":"existing","TagKeys":["aws:k"]}"""],
        ["UpdateDestination"] =
        [
            """{"DeliveryStreamName":"no-such-stream","CurrentDeliveryStreamVersionId":"1","DestinationId":"destinationId-000000000001","ExtendedS3DestinationUpdate":{}}""",
            """{"DeliveryStreamName":"existing","CurrentDeliveryStreamVersionId":"7","DestinationId":"destinationId-000000000001","ExtendedS3DestinationUpdate":{}}""",
            """{"DeliveryStreamName":"existing","CurrentDeliveryStreamVersionId":"1","DestinationId":"destinationId-000000000001"}""",
            """{"DeliveryStreamName":"existing","CurrentDeliveryStreamVersionId":"1","DestinationId":"destinationId-000000000001","ExtendedS3DestinationUpdate":{"DynamicPartitioningConfiguration":{"Enabled":true}}}""",
        ],
    };

    [Fact]
    public async Task The_committed_error_table_is_what_the_handlers_answer()
    {
        await using var engine = await EngineFixture.StartAsync();
        var service = FirehoseApi.CreateService(engine.Streams, new FirehoseOptions());
        Assert.True(service.TryGetOperation("CreateDeliveryStream", out var create));
        Assert.Equal("200", await AwsErrorTable.RunAsync(create, $$"""{"DeliveryStreamName":"existing",{{Destination}}}"""));

        const string Heading = """
            # Firehose errors per operation

            GENERATED by `tests/Tributary.Firehose.Tests/ErrorTableTests.cs` from the handlers: do not edit. Rewrite with
            `TRIBUTARY_WRITE_DOCS=1 dotnet test tests/Tributary.Firehose.Tests --filter ErrorTableTests`.

            Errors answered before any operation runs (method, content type, body, target, signature) are the same for
            every operation and every AWS JSON service: see "Malformed requests" in `docs/kinesis.md`. Per operation
            below: the members its handler validates, in the model's order (the order violations are listed in), each
            with AWS's constraint texts; then what it answers to probe requests (a DirectPut stream `existing` exists,
            `no-such-stream` does not; account 000000000000). A ValidationException joins several violations as
            "N validation errors detected: …; …". Wrong JSON types and bad base64 are SerializationException with
            `Message` (see `docs/firehose-api.md`, "Validation").

            """;
        var rendered = await AwsErrorTable.RenderAsync(service, Heading.ReplaceLineEndings("\n"), Probes);
        await GeneratedDocs.AssertCurrentAsync(Path.Combine("docs", "aws-errors-firehose.md"), rendered);
    }
}
