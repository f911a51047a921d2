using System.Text;
using Tributary.Delivery.Compression;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Tests;

/// <summary>Every operation in-process against the <see cref="InMemoryDeliveryStreams"/> test double: what reaches the registry and what is answered.</summary>
public class HandlerTests
{
    private readonly FirehoseHarness _firehose = new();

    private InMemoryDeliveryStreams Streams => _firehose.Streams;

    private async Task CreateAsync(string name = "orders", string destination = "", string extra = "") =>
        await _firehose.CallAsync("CreateDeliveryStream", FirehoseHarness.CreateRequest(name, destination, extra));

    [Fact]
    public void The_service_has_Firehose_target_signing_name_and_twelve_operations()
    {
        Assert.Equal("Firehose_20150804", _firehose.Service.TargetPrefix);
        Assert.Equal("firehose", _firehose.Service.SigningName);
        Assert.Equal(
            ["CreateDeliveryStream", "DeleteDeliveryStream", "DescribeDeliveryStream", "ListDeliveryStreams", "ListTagsForDeliveryStream", "PutRecord", "PutRecordBatch",
             "StartDeliveryStreamEncryption", "StopDeliveryStreamEncryption", "TagDeliveryStream", "UntagDeliveryStream", "UpdateDestination"],
            _firehose.Service.OperationNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Create_hands_the_parsed_definition_to_the_registry_and_answers_the_arn()
    {
        var answer = await _firehose.CallAsync("CreateDeliveryStream", FirehoseHarness.CreateRequest("orders", "\"Prefix\":\"in/\""));
        Assert.Equal("arn:aws:firehose:eu-west-1:123456789012:deliverystream/orders", answer.GetProperty("DeliveryStreamARN").GetString());
        Assert.Equal(["Create orders"], Streams.Calls);
        Assert.Equal("in/", Streams.LastCreated!.Destination.Prefix);
    }

    [Fact]
    public async Task Create_reports_validation_before_touching_the_registry_and_the_registry_errors_after()
    {
        await _firehose.FailsAsync("CreateDeliveryStream", FirehoseHarness.CreateRequest("bad name"), "ValidationException", "at 'deliveryStreamName'");
        Assert.Empty(Streams.Calls);
        await CreateAsync();
        await _firehose.FailsAsync("CreateDeliveryStream", FirehoseHarness.CreateRequest(), "ResourceInUseException", "Firehose orders under accountId 123456789012 already exists");
        Streams.StreamLimit = 1;
        await _firehose.FailsAsync("CreateDeliveryStream", FirehoseHarness.CreateRequest("second"), "LimitExceededException", "quota");
    }

    [Fact]
    public async Task Describe_answers_the_description_and_ResourceNotFoundException_for_an_unknown_stream()
    {
        await CreateAsync();
        var description = (await _firehose.CallAsync("DescribeDeliveryStream", new { DeliveryStreamName = "orders" })).GetProperty("DeliveryStreamDescription");
        Assert.Equal("ACTIVE", description.GetProperty("DeliveryStreamStatus").GetString());
        Assert.Equal("1", description.GetProperty("VersionId").GetString());
        Assert.Equal(Streams.Now.ToUnixTimeMilliseconds() / 1000m, description.GetProperty("CreateTimestamp").GetDecimal());
        var empty = await _firehose.CallAsync("DescribeDeliveryStream", new { DeliveryStreamName = "orders", Limit = 1, ExclusiveStartDestinationId = "destinationId-000000000001" });
        Assert.Empty(empty.GetProperty("DeliveryStreamDescription").GetProperty("Destinations").EnumerateArray());
        await _firehose.FailsAsync("DescribeDeliveryStream", new { DeliveryStreamName = "nope" }, "ResourceNotFoundException", "Firehose nope under account 123456789012 not found.");
        await _firehose.FailsAsync("DescribeDeliveryStream", new { DeliveryStreamName = "orders", Limit = 0 }, "ValidationException", "Value '0' at 'limit'");
        await _firehose.FailsAsync("DescribeDeliveryStream", new { DeliveryStreamName = "orders", ExclusiveStartDestinationId = "dest_1" }, "ValidationException",
            "Value 'dest_1' at 'exclusiveStartDestinationId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-]+");
        await _firehose.FailsAsync("DescribeDeliveryStream", new { }, "ValidationException", "Value null at 'deliveryStreamName' failed to satisfy constraint: Member must not be null");
    }

    [Fact]
    public async Task List_pages_by_name_ten_at_a_time_by_default_and_filters_by_type()
    {
        for (var i = 0; i < 12; i++)
        {
            await CreateAsync("s" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture));
        }
        await CreateAsync("t-kinesis", extra: "\"DeliveryStreamType\":\"KinesisStreamAsSource\",\"KinesisStreamSourceConfiguration\":{\"KinesisStreamARN\":\"arn:aws:kinesis:eu-west-1:123456789012:stream/k\",\"RoleARN\":\"arn:aws:iam::123456789012:role/r\"}");
        var first = await _firehose.CallAsync("ListDeliveryStreams", new { });
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "s" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)), first.GetProperty("DeliveryStreamNames").EnumerateArray().Select(n => n.GetString()));
        Assert.True(first.GetProperty("HasMoreDeliveryStreams").GetBoolean());
        var rest = await _firehose.CallAsync("ListDeliveryStreams", new { ExclusiveStartDeliveryStreamName = "s09", Limit = 100 });
        Assert.Equal(["s10", "s11", "t-kinesis"], rest.GetProperty("DeliveryStreamNames").EnumerateArray().Select(n => n.GetString()));
        Assert.False(rest.GetProperty("HasMoreDeliveryStreams").GetBoolean());
        var exact = await _firehose.CallAsync("ListDeliveryStreams", new { ExclusiveStartDeliveryStreamName = "s10", Limit = 2 });
        Assert.False(exact.GetProperty("HasMoreDeliveryStreams").GetBoolean());
        var kinesis = await _firehose.CallAsync("ListDeliveryStreams", new { DeliveryStreamType = "KinesisStreamAsSource" });
        Assert.Equal(["t-kinesis"], kinesis.GetProperty("DeliveryStreamNames").EnumerateArray().Select(n => n.GetString()));
        await _firehose.FailsAsync("ListDeliveryStreams", new { Limit = 10001 }, "ValidationException", "Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000");
        await _firehose.FailsAsync("ListDeliveryStreams", new { DeliveryStreamType = "Kafka" }, "ValidationException", "at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set");
    }

    [Fact]
    public async Task Delete_accepts_AllowForceDelete_and_reports_an_unknown_stream()
    {
        await CreateAsync();
        await _firehose.CallAsync("DeleteDeliveryStream", new { DeliveryStreamName = "orders", AllowForceDelete = true });
        Assert.Contains("Delete orders", Streams.Calls);
        Assert.Null(Streams.Describe("orders"));
        await _firehose.FailsAsync("DeleteDeliveryStream", new { DeliveryStreamName = "orders" }, "ResourceNotFoundException", "Firehose orders under account not found.");
        await _firehose.FailsAsync("DeleteDeliveryStream", new { DeliveryStreamName = "orders", AllowForceDelete = "yes" }, "SerializationException", "'YES' can not be converted to an Boolean");
    }

    [Fact]
    public async Task UpdateDestination_merges_given_members_and_checks_the_version()
    {
        await CreateAsync(destination: "\"Prefix\":\"old/\",\"BufferingHints\":{\"SizeInMBs\":10,\"IntervalInSeconds\":120}");
        await _firehose.CallAsync("UpdateDestination", """
            {"DeliveryStreamName":"orders","CurrentDeliveryStreamVersionId":"1","DestinationId":"destinationId-000000000001",
             "ExtendedS3DestinationUpdate":{"BufferingHints":{"IntervalInSeconds":60},"CompressionFormat":"GZIP"}}
            """);
        Assert.Contains("UpdateDestination orders 1 destinationId-000000000001", Streams.Calls);
        var definition = Streams.Describe("orders")!.Definition;
        Assert.Equal(2, definition.VersionId);
        Assert.Equal(("old/", 10, 60, CompressionFormat.Gzip), (definition.Destination.Prefix, definition.Destination.BufferSizeInMBs, definition.Destination.BufferIntervalInSeconds, definition.Destination.Compression));

        await _firehose.CallAsync("UpdateDestination", """{"DeliveryStreamName":"orders","CurrentDeliveryStreamVersionId":"2","DestinationId":"destinationId-000000000001","S3DestinationUpdate":{"Prefix":"new/"}}""");
        Assert.Equal("new/", Streams.Describe("orders")!.Definition.Destination.Prefix);

        await _firehose.FailsAsync("UpdateDestination", """{"DeliveryStreamName":"orders","CurrentDeliveryStreamVersionId":"1","DestinationId":"destinationId-000000000001","ExtendedS3DestinationUpdate":{}}""",
            "ConcurrentModificationException", "the current version id: 3 and the specified version id: 1 do not match");
        await _firehose.FailsAsync("UpdateDestination", """{"DeliveryStreamName":"orders","CurrentDeliveryStreamVersionId":"99999999999999999999","DestinationId":"destinationId-000000000001","ExtendedS3DestinationUpdate":{}}""",
            "ConcurrentModificationException", "the current version id: 3");
        await _firehose.FailsAsync("UpdateDestination", """{"DeliveryStreamName":"orders","CurrentDeliveryStreamVersionId":"3","DestinationId":"destinationId-000000000009","ExtendedS3DestinationUpdate":{}}""",
            "InvalidArgumentException", "Destination destinationId-000000000009 not found");
        await _firehose.FailsAsync("UpdateDestination", """{"DeliveryStreamName":"orders","CurrentDeliveryStreamVersionId":"v3","DestinationId":"destinationId-000000000001","ExtendedS3DestinationUpdate":{}}""",
            "ValidationException", "Value 'v3' at 'currentDeliveryStreamVersionId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+");
        await _firehose.FailsAsync("UpdateDestination", """{"DeliveryStreamName":"orders","CurrentDeliveryStreamVersionId":"3","DestinationId":"destinationId-000000000001","SplunkDestinationUpdate":{}}""",
            "InvalidArgumentException", "SplunkDestinationUpdate is not supported: Tributary supports S3 destinations only");
        await _firehose.FailsAsync("UpdateDestination", """{"DeliveryStreamName":"orders","CurrentDeliveryStreamVersionId":"3","DestinationId":"destinationId-000000000001"}""",
            "InvalidArgumentException", "A destination update is required");
        await _firehose.FailsAsync("UpdateDestination", """{"DeliveryStreamName":"orders","CurrentDeliveryStreamVersionId":"3","DestinationId":"destinationId-000000000001","ExtendedS3DestinationUpdate":{"DynamicPartitioningConfiguration":{"Enabled":true}}}""",
            "InvalidArgumentException", "Dynamic partitioning can be enabled only when the delivery stream is created.");
        await _firehose.FailsAsync("UpdateDestination", """{"DeliveryStreamName":"nope","CurrentDeliveryStreamVersionId":"1","DestinationId":"destinationId-000000000001","ExtendedS3DestinationUpdate":{}}""",
            "ResourceNotFoundException", "Firehose nope");
        Assert.Equal(3, Streams.Describe("orders")!.Definition.VersionId);
    }

    [Fact]
    public async Task PutRecord_stores_the_decoded_bytes_and_answers_a_record_id()
    {
        await CreateAsync();
        var answer = await _firehose.CallAsync("PutRecord", new { DeliveryStreamName = "orders", Record = new { Data = Convert.ToBase64String("hello\n"u8) } });
        Assert.Equal("record-00000001", answer.GetProperty("RecordId").GetString());
        Assert.False(answer.GetProperty("Encrypted").GetBoolean());
        Assert.Equal("hello\n", Encoding.UTF8.GetString(Streams.RecordsOf("orders").Single()));
        await _firehose.CallAsync("PutRecord", new { DeliveryStreamName = "orders", Record = new { Data = "" } });
        Assert.Empty(Streams.RecordsOf("orders")[1]);
        // Escaped base64 ("\/" for '/') decodes the same.
        await _firehose.CallAsync("PutRecord", "{\"DeliveryStreamName\":\"orders\",\"Record\":{\"Data\":\"\\/w==\"}}");
        Assert.Equal([0xFF], Streams.RecordsOf("orders")[2]);
    }

    [Fact]
    public async Task PutRecord_errors_size_base64_missing_members_unknown_stream_and_unavailability()
    {
        await CreateAsync();
        var largest = Convert.ToBase64String(new byte[RecordReader.MaxRecordBytes]);
        await _firehose.CallAsync("PutRecord", new { DeliveryStreamName = "orders", Record = new { Data = largest } });
        await _firehose.FailsAsync("PutRecord", new { DeliveryStreamName = "orders", Record = new { Data = Convert.ToBase64String(new byte[RecordReader.MaxRecordBytes + 1]) } },
            "ValidationException", "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 cap=1024001]' at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000");
        await _firehose.FailsAsync("PutRecord", new { DeliveryStreamName = "orders", Record = new { Data = "not base64!" } }, "SerializationException", "'not base64!' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 11");
        await _firehose.FailsAsync("PutRecord", new { DeliveryStreamName = "orders" }, "ValidationException", "Value null at 'record' failed to satisfy constraint: Member must not be null");
        await _firehose.FailsAsync("PutRecord", new { DeliveryStreamName = "orders", Record = new { } }, "ValidationException", "Value null at 'record.data'");
        await _firehose.FailsAsync("PutRecord", new { DeliveryStreamName = "nope", Record = new { Data = "" } }, "ResourceNotFoundException", "Firehose nope");
        Streams.FailRecord = _ => new PutRecordResult(null, "ServiceUnavailableException", "Slow down.");
        await _firehose.FailsAsync("PutRecord", new { DeliveryStreamName = "orders", Record = new { Data = "" } }, "ServiceUnavailableException", "Slow down.", status: 503);
        Streams.FailRecord = null;
        Streams.NextFailure = new DeliveryException("ServiceUnavailableException", "The engine is busy.");
        await _firehose.FailsAsync("PutRecord", new { DeliveryStreamName = "orders", Record = new { Data = "" } }, "ServiceUnavailableException", "The engine is busy.", status: 503);
        await CreateAsync("from-kinesis", extra: "\"DeliveryStreamType\":\"KinesisStreamAsSource\",\"KinesisStreamSourceConfiguration\":{\"KinesisStreamARN\":\"arn:aws:kinesis:eu-west-1:123456789012:stream/k\",\"RoleARN\":\"arn:aws:iam::123456789012:role/r\"}");
        await _firehose.FailsAsync("PutRecord", new { DeliveryStreamName = "from-kinesis", Record = new { Data = "" } }, "InvalidArgumentException", "not permitted on KinesisStreamAsSource");
    }

    [Fact]
    public async Task PutRecordBatch_answers_in_request_order_with_per_record_failures()
    {
        await CreateAsync();
        Streams.FailRecord = i => i == 1 ? new PutRecordResult(null, "ServiceUnavailableException", "Slow down.") : null;
        var records = new[] { "a", "b", "c" }.Select(s => new { Data = Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) });
        var answer = await _firehose.CallAsync("PutRecordBatch", new { DeliveryStreamName = "orders", Records = records });
        Assert.Equal(1, answer.GetProperty("FailedPutCount").GetInt32());
        Assert.False(answer.GetProperty("Encrypted").GetBoolean());
        var responses = answer.GetProperty("RequestResponses").EnumerateArray().ToList();
        Assert.Equal(3, responses.Count);
        Assert.Equal("record-00000001", responses[0].GetProperty("RecordId").GetString());
        Assert.Equal(("ServiceUnavailableException", "Slow down."), (responses[1].GetProperty("ErrorCode").GetString(), responses[1].GetProperty("ErrorMessage").GetString()));
        Assert.False(responses[1].TryGetProperty("RecordId", out _));
        Assert.Equal("record-00000002", responses[2].GetProperty("RecordId").GetString());
        Assert.Equal(["a", "c"], Streams.RecordsOf("orders").Select(r => Encoding.UTF8.GetString(r)));
        Assert.Contains("Put orders 3", Streams.Calls);
    }

    [Fact]
    public async Task PutRecordBatch_limits_count_record_size_and_total_size()
    {
        await CreateAsync();
        var empty = new { Data = "" };
        await _firehose.CallAsync("PutRecordBatch", new { DeliveryStreamName = "orders", Records = Enumerable.Repeat(empty, 500) });
        await _firehose.FailsAsync("PutRecordBatch", new { DeliveryStreamName = "orders", Records = Enumerable.Repeat(empty, 501) }, "ValidationException",
            "Value '[501 records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500");
        await _firehose.FailsAsync("PutRecordBatch", new { DeliveryStreamName = "orders", Records = Array.Empty<object>() }, "ValidationException", "Member must have length greater than or equal to 1");
        await _firehose.FailsAsync("PutRecordBatch", new { DeliveryStreamName = "orders" }, "ValidationException", "Value null at 'records'");
        await _firehose.FailsAsync("PutRecordBatch", new { DeliveryStreamName = "orders", Records = new object[] { empty, new { Data = Convert.ToBase64String(new byte[RecordReader.MaxRecordBytes + 1]) } } },
            "ValidationException", "at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1024000");
        await _firehose.FailsAsync("PutRecordBatch", new { DeliveryStreamName = "orders", Records = new object[] { empty, new { } } }, "ValidationException", "Value null at 'records.2.member.data'");
        var big = new { Data = Convert.ToBase64String(new byte[RecordReader.MaxRecordBytes]) };
        await _firehose.CallAsync("PutRecordBatch", new { DeliveryStreamName = "orders", Records = Enumerable.Repeat(big, 4) });
        await _firehose.FailsAsync("PutRecordBatch", new { DeliveryStreamName = "orders", Records = Enumerable.Repeat(big, 5) }, "InvalidArgumentException", "Records size exceeds 4 MB limit");
    }

    [Fact]
    public async Task Tags_are_added_replaced_listed_in_pages_and_removed()
    {
        await CreateAsync(extra: "\"Tags\":[{\"Key\":\"team\",\"Value\":\"data\"}]");
        await _firehose.CallAsync("TagDeliveryStream", """{"DeliveryStreamName":"orders","Tags":[{"Key":"env","Value":"prod"},{"Key":"team","Value":"platform"},{"Key":"cost","Value":"7"}]}""");
        var all = await _firehose.CallAsync("ListTagsForDeliveryStream", new { DeliveryStreamName = "orders" });
        Assert.Equal(["cost=7", "env=prod", "team=platform"], all.GetProperty("Tags").EnumerateArray().Select(t => t.GetProperty("Key").GetString() + "=" + t.GetProperty("Value").GetString()));
        Assert.False(all.GetProperty("HasMoreTags").GetBoolean());
        var page = await _firehose.CallAsync("ListTagsForDeliveryStream", new { DeliveryStreamName = "orders", Limit = 1, ExclusiveStartTagKey = "cost" });
        Assert.Equal(["env"], page.GetProperty("Tags").EnumerateArray().Select(t => t.GetProperty("Key").GetString()));
        Assert.True(page.GetProperty("HasMoreTags").GetBoolean());
        await _firehose.CallAsync("UntagDeliveryStream", new { DeliveryStreamName = "orders", TagKeys = new[] { "env", "absent" } });
        Assert.Contains("Untag orders env,absent", Streams.Calls);
        Assert.Equal(["cost", "team"], Streams.Describe("orders")!.Definition.Tags.Select(t => t.Key).Order());

        await _firehose.FailsAsync("TagDeliveryStream", new { DeliveryStreamName = "orders" }, "ValidationException", "Value null at 'tags' failed to satisfy constraint: Member must not be null");
        await _firehose.FailsAsync("TagDeliveryStream", """{"DeliveryStreamName":"orders","Tags":[{"Value":"x"}]}""", "ValidationException", "Value null at 'tags.1.member.key'");
        var many = "[" + string.Join(",", Enumerable.Range(0, 49).Select(i => "{\"Key\":\"k" + i + "\",\"Value\":\"v\"}")) + "]";
        await _firehose.FailsAsync("TagDeliveryStream", "{\"DeliveryStreamName\":\"orders\",\"Tags\":" + many + "}", "LimitExceededException", "the limit is 50");
        await _firehose.FailsAsync("UntagDeliveryStream", new { DeliveryStreamName = "orders", TagKeys = Array.Empty<string>() }, "ValidationException", "at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1");
        await _firehose.FailsAsync("UntagDeliveryStream", new { DeliveryStreamName = "orders", TagKeys = new[] { "" } }, "ValidationException",
            "Value '[]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]");
        await _firehose.FailsAsync("ListTagsForDeliveryStream", new { DeliveryStreamName = "orders", Limit = 51 }, "ValidationException", "Value '51' at 'limit'");
        await _firehose.FailsAsync("ListTagsForDeliveryStream", new { DeliveryStreamName = "nope" }, "ResourceNotFoundException", "Firehose nope under account 123456789012 not found.");
    }

    [Fact]
    public async Task Encryption_is_recorded_and_described()
    {
        await CreateAsync();
        await _firehose.CallAsync("StartDeliveryStreamEncryption", new { DeliveryStreamName = "orders", DeliveryStreamEncryptionConfigurationInput = new { KeyType = "AWS_OWNED_CMK" } });
        Assert.Contains("SetEncryption orders True", Streams.Calls);
        var described = await _firehose.CallAsync("DescribeDeliveryStream", new { DeliveryStreamName = "orders" });
        Assert.Equal("ENABLED", described.GetProperty("DeliveryStreamDescription").GetProperty("DeliveryStreamEncryptionConfiguration").GetProperty("Status").GetString());
        await _firehose.CallAsync("StopDeliveryStreamEncryption", new { DeliveryStreamName = "orders" });
        described = await _firehose.CallAsync("DescribeDeliveryStream", new { DeliveryStreamName = "orders" });
        Assert.Equal("DISABLED", described.GetProperty("DeliveryStreamDescription").GetProperty("DeliveryStreamEncryptionConfiguration").GetProperty("Status").GetString());
        await _firehose.FailsAsync("StartDeliveryStreamEncryption", new { DeliveryStreamName = "orders", DeliveryStreamEncryptionConfigurationInput = new { KeyType = "MINE" } },
            "ValidationException", "at 'deliveryStreamEncryptionConfigurationInput.keyType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_OWNED_CMK, CUSTOMER_MANAGED_CMK]");
        await _firehose.FailsAsync("StartDeliveryStreamEncryption", new { DeliveryStreamName = "orders", DeliveryStreamEncryptionConfigurationInput = new { KeyType = "AWS_OWNED_CMK", KeyARN = "arn:aws:kms:eu-west-1:123456789012:key/k" } },
            "InvalidArgumentException", "KeyARN must not be specified when KeyType is AWS_OWNED_CMK.");
        await _firehose.FailsAsync("StopDeliveryStreamEncryption", new { DeliveryStreamName = "nope" }, "ResourceNotFoundException", "Firehose nope");
    }

    [Theory]
    [InlineData("InvalidArgumentException", 400)]
    [InlineData("LimitExceededException", 400)]
    [InlineData("ResourceInUseException", 400)]
    [InlineData("ResourceNotFoundException", 400)]
    [InlineData("ConcurrentModificationException", 400)]
    [InlineData("InvalidKMSResourceException", 400)]
    [InlineData("ServiceUnavailableException", 503)]
    public async Task Engine_exceptions_become_AWS_errors_of_the_same_type_and_status(string type, int status)
    {
        await CreateAsync();
        Streams.NextFailure = new DeliveryException(type, "from the engine");
        await _firehose.FailsAsync("StopDeliveryStreamEncryption", new { DeliveryStreamName = "orders" }, type, "from the engine", status);
    }
}
