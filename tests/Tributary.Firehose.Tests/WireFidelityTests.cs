using System.Net.Http.Headers;
using System.Text;

namespace Tributary.Firehose.Tests;

/// <summary>
/// Malformed and edge Firehose requests answered as AWS answers them (issue 23), driven with raw HTTP against the real
/// `tributary serve`, then with the AWS CLI and boto3. Every expected body is written out. Connection-level checks are
/// the shared front door's (the same as Kinesis's, <c>tests/Tributary.Kinesis.Tests/AwsFidelityTests.cs</c>), shown
/// here for the target prefix <c>Firehose_20150804</c>; the SerializationException texts are AWS's JSON deserializer's
/// (the same Coral texts as Kinesis's); ValidationException lists every violated constraint of Firehose's model in the
/// model's member order; the checks after validation answer with AWS's messages.
/// </summary>
[Trait("Category", "process")]
public class WireFidelityTests(FirehoseServer server) : IClassFixture<FirehoseServer>
{
    private const string Json = "application/x-amz-json-1.1";
    private const string Target = "Firehose_20150804.";
    private const string Role = "arn:aws:iam::000000000000:role/firehose";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private async Task<(int Status, string? ContentType, string Body, HttpResponseMessage Response)> SendAsync(
        string? target, string? body, string? contentType = Json, bool sign = true, HttpMethod? method = null, Action<HttpRequestMessage>? headers = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Post, server.Endpoint + "/");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }
        if (sign)
        {
            // Signature form only: the server verifies values only when aws.credentials is set.
            var now = DateTimeOffset.UtcNow;
            request.Headers.TryAddWithoutValidation("X-Amz-Date", now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=tributary/{now:yyyyMMdd}/us-east-1/firehose/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={new string('0', 64)}");
        }
        headers?.Invoke(request);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), text, response);
    }

    [Fact]
    public async Task A_cbor_body_that_does_not_decode_is_a_serialization_error_answered_in_cbor()
    {
        // The shared front door decodes CBOR for every JSON-protocol service (as for Kinesis,
        // tests/Tributary.Kinesis.Tests/WireTests.cs): an indefinite-length map cut after a one-byte text header.
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/") { Content = new ByteArrayContent([0xBF, 0x61]) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-cbor-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", Target + "PutRecord");
        var now = DateTimeOffset.UtcNow;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=tributary/{now:yyyyMMdd}/us-east-1/firehose/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={new string('0', 64)}");
        using var response = await Http.SendAsync(request);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/x-amz-cbor-1.1", response.Content.Headers.ContentType?.MediaType);
        var json = new System.Buffers.ArrayBufferWriter<byte>();
        Tributary.Aws.Cbor.CborJsonTranscoder.Transcode(await response.Content.ReadAsByteArrayAsync(), json);
        using var document = System.Text.Json.JsonDocument.Parse(json.WrittenMemory);
        Assert.Equal("SerializationException", document.RootElement.GetProperty("__type").GetString());
    }

    private async Task AssertAnswerAsync(string operation, string request, int status, string expected)
    {
        var (actualStatus, contentType, body, _) = await SendAsync(Target + operation, request);
        Assert.Equal(expected, body);
        Assert.Equal(status, actualStatus);
        Assert.Equal(Json, contentType);
    }

    private Task AssertErrorAsync(string operation, string request, string type, string message) =>
        AssertAnswerAsync(operation, request, 400, $$$"""{"__type":"{{{type}}}","message":"{{{message}}}"}""");

    private static string Create(string name, string destination = "") =>
        $$$"""{"DeliveryStreamName":"{{{name}}}","ExtendedS3DestinationConfiguration":{"RoleARN":"{{{Role}}}","BucketARN":"arn:aws:s3:::bucket"{{{destination}}}}}""";

    [Fact]
    public async Task Connection_level_errors_come_from_the_shared_front_door_for_firehose_too()
    {
        var (status, contentType, body, _) = await SendAsync(Target + "ListDeliveryStreams", null, contentType: null, method: HttpMethod.Get);
        Assert.Equal((403, null), (status, contentType));
        Assert.Equal("<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n", body);
        (status, _, body, _) = await SendAsync(Target + "ListDeliveryStreams", "{}", method: HttpMethod.Put);
        Assert.Equal(403, status);
        (status, _, body, _) = await SendAsync(Target + "ListDeliveryStreams", "{}", "application/x-amz-json-1.0");
        Assert.Equal((404, "<UnknownOperationException/>\n"), (status, body));
        (status, contentType, body, _) = await SendAsync(Target + "PutRecords", "{}");
        Assert.Equal((400, Json, """{"__type":"UnknownOperationException"}"""), (status, contentType, body));
        (status, _, body, _) = await SendAsync(Target + "ListDeliveryStreams", "hello");
        Assert.Equal((400, """{"__type":"SerializationException"}"""), (status, body));
        (status, _, body, _) = await SendAsync(Target + "ListDeliveryStreams", "[1]");
        Assert.Equal((400, """{"__type":"SerializationException"}"""), (status, body));

        (status, _, body, _) = await SendAsync(Target + "ListDeliveryStreams", "{}", sign: false);
        Assert.Equal((400, """{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}"""), (status, body));
        (_, _, body, _) = await SendAsync(Target + "ListDeliveryStreams", "{}", sign: false, headers: r => r.Headers.TryAddWithoutValidation("Authorization", "X"));
        Assert.Equal("""{"__type":"IncompleteSignatureException","message":"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=X"}""", body);

        // CORS: a browser's preflight, then the exposed headers on the answer.
        (status, _, body, var response) = await SendAsync(null, null, contentType: null, sign: false, method: HttpMethod.Options, headers: r =>
        {
            r.Headers.TryAddWithoutValidation("Origin", "http://generator.example");
            r.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "authorization, content-type, x-amz-target");
            r.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        });
        Assert.Equal((200, ""), (status, body));
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("authorization, content-type, x-amz-target", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        (status, _, _, response) = await SendAsync(Target + "ListDeliveryStreams", "{}", headers: r => r.Headers.TryAddWithoutValidation("Origin", "http://generator.example"));
        Assert.Equal(200, status);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-amzn-RequestId", response.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    [Theory]
    [InlineData("CreateDeliveryStream", """{"DeliveryStreamName":7}""", "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String")]
    [InlineData("CreateDeliveryStream", """{"DeliveryStreamName":"s","Tags":{}}""", "Start of structure or map found where not expected.")]
    [InlineData("CreateDeliveryStream", """{"DeliveryStreamName":"s","ExtendedS3DestinationConfiguration":{"BufferingHints":{"SizeInMBs":"big"}}}""", "class java.lang.String can not be converted to an Integer")]
    [InlineData("ListDeliveryStreams", """{"Limit":true}""", "class java.lang.Boolean can not be converted to an Integer")]
    [InlineData("DeleteDeliveryStream", """{"DeliveryStreamName":"s","AllowForceDelete":"maybe"}""", "'MAYBE' can not be converted to an Boolean")]
    [InlineData("PutRecord", """{"DeliveryStreamName":"s","Record":"x"}""", "Expected null")]
    [InlineData("PutRecord", """{"DeliveryStreamName":"s","Record":{"Data":5}}""", "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob")]
    [InlineData("PutRecord", """{"DeliveryStreamName":"s","Record":{"Data":"AAA"}}""", "'AAA' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3")]
    [InlineData("PutRecord", """{"DeliveryStreamName":"s","Record":{"Data":"A!=="}}""", "'A!==' can not be converted to a Blob: Invalid Base64 character: '!'")]
    [InlineData("PutRecordBatch", """{"DeliveryStreamName":"s","Records":"x"}""", "Expected list or null")]
    [InlineData("PutRecordBatch", """{"DeliveryStreamName":"s","Records":[[]]}""", "Start of list found where not expected")]
    [InlineData("UntagDeliveryStream", """{"DeliveryStreamName":"s","TagKeys":{}}""", "Start of structure or map found where not expected.")]
    public async Task Wrong_member_types_and_bad_base64_are_SerializationException_with_Message(string operation, string request, string message) =>
        await AssertAnswerAsync(operation, request, 400, $$$"""{"__type":"SerializationException","Message":"{{{message}}}"}""");

    [Fact]
    public async Task Validation_lists_every_violation_in_the_model_s_member_order()
    {
        await AssertErrorAsync("CreateDeliveryStream", "{}", "ValidationException",
            "1 validation error detected: Value null at 'deliveryStreamName' failed to satisfy constraint: Member must not be null");
        var longName = new string('n', 65);
        await AssertErrorAsync("DescribeDeliveryStream", $$$"""{"DeliveryStreamName":"{{{longName}}}"}""", "ValidationException",
            $"1 validation error detected: Value '{longName}' at 'deliveryStreamName' failed to satisfy constraint: Member must have length less than or equal to 64");
        // Sent in another order than CreateDeliveryStreamInput declares (name, type, …, destination, …, tags).
        await AssertErrorAsync("CreateDeliveryStream",
            """{"Tags":[],"ExtendedS3DestinationConfiguration":{"CompressionFormat":"LZ4","BufferingHints":{"IntervalInSeconds":901,"SizeInMBs":0},"BucketARN":"bucket"},"DeliveryStreamType":"Direct","DeliveryStreamName":"a b"}""",
            "ValidationException",
            "8 validation errors detected: " +
            "Value 'a b' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
            "Value 'Direct' at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource]; " +
            "Value null at 'extendedS3DestinationConfiguration.roleARN' failed to satisfy constraint: Member must not be null; " +
            "Value 'bucket' at 'extendedS3DestinationConfiguration.bucketARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:s3:::[\\\\w\\\\.\\\\-]{1,255}; " +
            "Value '0' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
            "Value '901' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900; " +
            "Value 'LZ4' at 'extendedS3DestinationConfiguration.compressionFormat' failed to satisfy constraint: Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]; " +
            "Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1");
    }

    [Fact]
    public async Task Every_kind_of_constraint_is_worded_as_AWS_words_it()
    {
        // Prefix lengths, the role ARN pattern, a KMS key ARN and an enum inside the stream's encryption input.
        await AssertErrorAsync("CreateDeliveryStream",
            $$$"""{"DeliveryStreamName":"s","DeliveryStreamEncryptionConfigurationInput":{"KeyType":"OWN","KeyARN":"key"},"ExtendedS3DestinationConfiguration":{"RoleARN":"role","BucketARN":"arn:aws:s3:::bucket","Prefix":"{{{new string('p', 1025)}}}"}}""",
            "ValidationException",
            "4 validation errors detected: " +
            "Value 'key' at 'deliveryStreamEncryptionConfigurationInput.keyARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:kms:[a-zA-Z0-9\\\\-]+:\\\\d{12}:(key|alias)/[a-zA-Z_0-9+=,.@\\\\-_/]+; " +
            "Value 'OWN' at 'deliveryStreamEncryptionConfigurationInput.keyType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_OWNED_CMK, CUSTOMER_MANAGED_CMK]; " +
            "Value 'role' at 'extendedS3DestinationConfiguration.roleARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:iam::\\\\d{12}:role/[a-zA-Z_0-9+=,.@\\\\-_/]+; " +
            $"Value '{new string('p', 1025)}' at 'extendedS3DestinationConfiguration.prefix' failed to satisfy constraint: Member must have length less than or equal to 1024");
        // Record sizes: 1,000 KiB per record, shown as AWS shows a blob; 1–500 records per batch.
        var tooBig = Convert.ToBase64String(new byte[1_024_001]);
        await AssertErrorAsync("PutRecord", $$$"""{"DeliveryStreamName":"s","Record":{"Data":"{{{tooBig}}}"}}""", "ValidationException",
            "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 cap=1024001]' at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000");
        await AssertErrorAsync("PutRecordBatch", """{"DeliveryStreamName":"s","Records":[]}""", "ValidationException",
            "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1");
        var many = string.Join(",", Enumerable.Repeat("""{"Data":"AA=="}""", 501));
        await AssertErrorAsync("PutRecordBatch", $$$"""{"DeliveryStreamName":"s","Records":[{{{many}}}]}""", "ValidationException",
            "1 validation error detected: Value '[501 records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500");
        await AssertErrorAsync("PutRecordBatch", """{"DeliveryStreamName":"s","Records":[{"Data":"AA=="},{}]}""", "ValidationException",
            "1 validation error detected: Value null at 'records.2.member.data' failed to satisfy constraint: Member must not be null");
        // Ranges, and list members: tag keys are reported for the whole list.
        await AssertErrorAsync("ListDeliveryStreams", """{"Limit":0}""", "ValidationException",
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
        await AssertErrorAsync("UntagDeliveryStream", """{"DeliveryStreamName":"s","TagKeys":["ok","aws:x"]}""", "ValidationException",
            "1 validation error detected: Value '[ok, aws:x]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: ^(?!aws:)[\\\\p{L}\\\\p{Z}\\\\p{N}_.:\\\\/=+\\\\-@%]*$]");
        await AssertErrorAsync("UpdateDestination", """{"DeliveryStreamName":"s","CurrentDeliveryStreamVersionId":"v1","DestinationId":"d!"}""", "ValidationException",
            "2 validation errors detected: " +
            "Value 'v1' at 'currentDeliveryStreamVersionId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+; " +
            "Value 'd!' at 'destinationId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-]+");
    }

    [Fact]
    public async Task Checks_after_validation_answer_with_AWS_s_messages_and_responses_carry_AWS_s_members()
    {
        await AssertErrorAsync("DescribeDeliveryStream", """{"DeliveryStreamName":"no-such-stream"}""", "ResourceNotFoundException",
            "Firehose no-such-stream under account 000000000000 not found.");
        await AssertErrorAsync("PutRecord", """{"DeliveryStreamName":"no-such-stream","Record":{"Data":"AA=="}}""", "ResourceNotFoundException",
            "Firehose no-such-stream under account 000000000000 not found.");
        // Validation comes first: a bad member of a missing stream is a ValidationException.
        await AssertErrorAsync("PutRecordBatch", """{"DeliveryStreamName":"no-such-stream","Records":[]}""", "ValidationException",
            "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1");

        await AssertAnswerAsync("CreateDeliveryStream", Create("wire"), 200, """{"DeliveryStreamARN":"arn:aws:firehose:us-east-1:000000000000:deliverystream/wire"}""");
        await AssertErrorAsync("CreateDeliveryStream", Create("wire"), "ResourceInUseException", "Firehose wire under account 000000000000 already exists.");
        await AssertErrorAsync("CreateDeliveryStream", """{"DeliveryStreamName":"k","DeliveryStreamType":"KinesisStreamAsSource"}""", "InvalidArgumentException",
            "KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource.");

        var (status, _, body, _) = await SendAsync(Target + "PutRecord", """{"DeliveryStreamName":"wire","Record":{"Data":"aGVsbG8K"}}""");
        Assert.Equal(200, status);
        Assert.Matches("""^\{"RecordId":"[^"]+","Encrypted":false\}$""", body);
        var megabyte = Convert.ToBase64String(new byte[1_000_000]);
        var five = string.Join(",", Enumerable.Repeat($$$"""{"Data":"{{{megabyte}}}"}""", 5));
        await AssertErrorAsync("PutRecordBatch", $$$"""{"DeliveryStreamName":"wire","Records":[{{{five}}}]}""", "InvalidArgumentException", "Records size exceeds 4 MB limit");

        // Operations whose output shape is empty answer {} (not an empty body, unlike Kinesis's shapeless ones).
        var fifty = string.Join(",", Enumerable.Range(0, 50).Select(i => $$$"""{"Key":"k{{{i}}}","Value":"v"}"""));
        await AssertAnswerAsync("TagDeliveryStream", $$$"""{"DeliveryStreamName":"wire","Tags":[{{{fifty}}}]}""", 200, "{}");
        await AssertErrorAsync("TagDeliveryStream", """{"DeliveryStreamName":"wire","Tags":[{"Key":"one-more"}]}""", "LimitExceededException",
            "Failed to add tags to Firehose wire under account 000000000000 because a given Firehose cannot have more than 50 tags.");
        await AssertAnswerAsync("UntagDeliveryStream", """{"DeliveryStreamName":"wire","TagKeys":["k0"]}""", 200, "{}");
        await AssertAnswerAsync("ListTagsForDeliveryStream", """{"DeliveryStreamName":"wire","ExclusiveStartTagKey":"k8","Limit":1}""", 200,
            """{"Tags":[{"Key":"k9","Value":"v"}],"HasMoreTags":false}""");
        await AssertAnswerAsync("StartDeliveryStreamEncryption", """{"DeliveryStreamName":"wire"}""", 200, "{}");
        await AssertAnswerAsync("StopDeliveryStreamEncryption", """{"DeliveryStreamName":"wire"}""", 200, "{}");
        await AssertAnswerAsync("UpdateDestination",
            """{"DeliveryStreamName":"wire","CurrentDeliveryStreamVersionId":"1","DestinationId":"destinationId-000000000001","ExtendedS3DestinationUpdate":{"Prefix":"p/"}}""", 200, "{}");
        await AssertAnswerAsync("ListDeliveryStreams", """{"Limit":1}""", 200, """{"DeliveryStreamNames":["wire"],"HasMoreDeliveryStreams":false}""");
        await AssertAnswerAsync("DeleteDeliveryStream", """{"DeliveryStreamName":"wire"}""", 200, "{}");
    }

    /// <summary>
    /// The AWS CLI prints AWS's error line. Each call passes the CLI's own checks (botocore checks required members and
    /// minimums, not maximums or patterns) and fails at the server.
    /// </summary>
    [Fact]
    public async Task Aws_cli_error_output_reads_as_against_AWS()
    {
        AwsServeFixture.RequireAwsCli();
        async Task<string> Fail(params string[] arguments)
        {
            var result = await ClientProcess.RunAsync(AwsServeFixture.AwsCli, ["--endpoint-url", server.Endpoint, "firehose", .. arguments], TimeSpan.FromSeconds(60), environment: AwsServeFixture.Environment());
            Assert.True(result.ExitCode == 254, result.ToString());
            return result.StandardError.Trim();
        }
        Assert.Equal("An error occurred (ResourceNotFoundException) when calling the PutRecord operation: Firehose no-such-stream under account 000000000000 not found.",
            await Fail("put-record", "--delivery-stream-name", "no-such-stream", "--record", "Data=AAAA"));
        var longName = new string('n', 65);
        Assert.Equal($"An error occurred (ValidationException) when calling the DescribeDeliveryStream operation: 1 validation error detected: Value '{longName}' at 'deliveryStreamName' failed to satisfy constraint: Member must have length less than or equal to 64",
            await Fail("describe-delivery-stream", "--delivery-stream-name", longName));
        Assert.Equal("An error occurred (ValidationException) when calling the CreateDeliveryStream operation: 2 validation errors detected: " +
            "Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128; " +
            "Value '901' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
            await Fail("create-delivery-stream", "--delivery-stream-name", "hints", "--extended-s3-destination-configuration",
                $"RoleARN={Role},BucketARN=arn:aws:s3:::bucket,BufferingHints={{SizeInMBs=129,IntervalInSeconds=901}}"));
    }

    /// <summary>boto3 raises ClientError with AWS's code, message and status; one script makes every call.</summary>
    [Fact]
    public async Task Boto3_raises_AWS_s_error_codes_and_messages()
    {
        await AwsServeFixture.RequireBoto3();
        const string Script = """
            import sys, boto3, botocore
            firehose = boto3.client("firehose", endpoint_url=sys.argv[1])
            role, bucket = "arn:aws:iam::000000000000:role/firehose", "arn:aws:s3:::bucket"
            firehose.create_delivery_stream(DeliveryStreamName="boto", ExtendedS3DestinationConfiguration={"RoleARN": role, "BucketARN": bucket})
            for call, kwargs in [("put_record", {"DeliveryStreamName": "no-such-stream", "Record": {"Data": b"x"}}),
                                 ("create_delivery_stream", {"DeliveryStreamName": "boto", "ExtendedS3DestinationConfiguration": {"RoleARN": role, "BucketARN": bucket}}),
                                 ("create_delivery_stream", {"DeliveryStreamName": "bad name!", "ExtendedS3DestinationConfiguration": {"RoleARN": role, "BucketARN": bucket, "BufferingHints": {"SizeInMBs": 129, "IntervalInSeconds": 60}}}),
                                 ("put_record_batch", {"DeliveryStreamName": "boto", "Records": [{"Data": b"x"}] * 501}),
                                 ("untag_delivery_stream", {"DeliveryStreamName": "boto", "TagKeys": ["aws:x"]})]:
                try:
                    getattr(firehose, call)(**kwargs)
                    print("no error")
                except botocore.exceptions.ClientError as e:
                    print(e.response["Error"]["Code"] + "|" + e.response["Error"]["Message"] + "|" + str(e.response["ResponseMetadata"]["HTTPStatusCode"]))
                    print(str(e))
            firehose.delete_delivery_stream(DeliveryStreamName="boto")
            """;
        var result = await ClientProcess.RunAsync(AwsServeFixture.Python, ["-c", Script, server.Endpoint], TimeSpan.FromSeconds(60), environment: AwsServeFixture.Environment());
        Assert.True(result.ExitCode == 0, result.ToString());
        const string NameError = "1 validation error detected: Value 'bad name!' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
        const string HintError = "Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128";
        const string TagError = "1 validation error detected: Value '[aws:x]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: ^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$]";
        Assert.Equal(
            "ResourceNotFoundException|Firehose no-such-stream under account 000000000000 not found.|400\n" +
            "An error occurred (ResourceNotFoundException) when calling the PutRecord operation: Firehose no-such-stream under account 000000000000 not found.\n" +
            "ResourceInUseException|Firehose boto under account 000000000000 already exists.|400\n" +
            "An error occurred (ResourceInUseException) when calling the CreateDeliveryStream operation: Firehose boto under account 000000000000 already exists.\n" +
            $"ValidationException|{NameError.Replace("1 validation error", "2 validation errors", StringComparison.Ordinal)}; {HintError}|400\n" +
            $"An error occurred (ValidationException) when calling the CreateDeliveryStream operation: {NameError.Replace("1 validation error", "2 validation errors", StringComparison.Ordinal)}; {HintError}\n" +
            "ValidationException|1 validation error detected: Value '[501 records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500|400\n" +
            "An error occurred (ValidationException) when calling the PutRecordBatch operation: 1 validation error detected: Value '[501 records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500\n" +
            $"ValidationException|{TagError}|400\n" +
            $"An error occurred (ValidationException) when calling the UntagDeliveryStream operation: {TagError}",
            result.StandardOutput.Trim().ReplaceLineEndings("\n"));
    }
}
