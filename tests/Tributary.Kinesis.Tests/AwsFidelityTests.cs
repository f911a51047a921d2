using System.Net.Http.Headers;
using System.Text;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// Malformed and edge requests answered byte for byte as AWS answers them (issue 23), driven with raw HTTP and with the
/// AWS CLI and boto3. The expected bodies are written out from AWS's behaviour as recorded by the test suites that run
/// against the real service (kinesalite's, run with REMOTE=1) and AWS's published error list: the order of the checks
/// (method, body and content type, target, signature presence and form), XML bodies before an operation is resolved,
/// type-only JSON bodies, <c>Message</c> (not <c>message</c>) in SerializationException, CBOR answers to non-JSON
/// requests, CORS.
/// </summary>
[Trait("Category", "process")]
public class AwsFidelityTests(KinesisServer server) : IClassFixture<KinesisServer>
{
    private const string Json = "application/x-amz-json-1.1";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private async Task<(int Status, string? ContentType, string Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string? target, string? body, string? contentType = Json, bool sign = true, string query = "", Action<HttpRequestMessage>? headers = null)
    {
        var request = new HttpRequestMessage(method, server.Endpoint + "/" + query);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }
        else if (contentType is not null)
        {
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }
        if (sign)
        {
            AwsClients.Sign(request);
        }
        headers?.Invoke(request);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), text, response);
    }

    private const string AccessDeniedXml = "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n";

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Methods_other_than_POST_are_AccessDenied_in_xml_403(string method)
    {
        var (status, contentType, body, response) = await SendAsync(new HttpMethod(method), "Kinesis_20131202.ListStreams", null, contentType: null);
        Assert.Equal(403, status);
        Assert.Null(contentType);
        Assert.Equal(AccessDeniedXml, body);
        Assert.Matches("^[0-9a-f-]{36}$", response.Headers.GetValues("x-amzn-RequestId").Single());
    }

    [Fact]
    public async Task Unusable_content_types_are_answered_before_the_operation_in_xml()
    {
        // With a target of the Service.Operation form: 404 and the type alone; without one: AccessDenied.
        var (status, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", "application/x-amz-json-1.0");
        Assert.Equal(404, status);
        Assert.Equal("<UnknownOperationException/>\n", body);
        (status, _, body, _) = await SendAsync(HttpMethod.Post, null, "{}", "text/plain");
        Assert.Equal(403, status);
        Assert.Equal(AccessDeniedXml, body);
        (status, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", contentType: null);
        Assert.Equal(404, status);
        Assert.Equal("<UnknownOperationException/>\n", body);
    }

    [Fact]
    public async Task The_pre_1_1_json_content_type_gets_AWS_s_200_envelope()
    {
        var (status, contentType, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", "application/json");
        Assert.Equal(200, status);
        Assert.Equal("application/json", contentType);
        Assert.Equal("""{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException","message":null},"Version":"1.0"}""", body);
        (_, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "hello", "application/json");
        Assert.Equal("""{"Output":{"__type":"com.amazon.coral.service#SerializationException","Message":null},"Version":"1.0"}""", body);
    }

    [Fact]
    public async Task An_empty_body_is_a_type_only_error_in_json_for_json_and_in_cbor_otherwise()
    {
        var (status, contentType, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", null, Json);
        Assert.Equal(400, status);
        Assert.Equal(Json, contentType);
        Assert.Equal("""{"__type":"SerializationException"}""", body);
        (_, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.Nope", null, Json);
        Assert.Equal("""{"__type":"UnknownOperationException"}""", body);

        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202.Nope");
        using var response = await Http.SendAsync(request);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/x-amz-cbor-1.1", response.Content.Headers.ContentType?.MediaType);
        // {_ "__type": "UnknownOperationException"} as an indefinite-length CBOR map.
        var expected = new List<byte> { 0xBF, 0x66 };
        expected.AddRange("__type"u8.ToArray());
        expected.AddRange([0x78, 0x19]);
        expected.AddRange("UnknownOperationException"u8.ToArray());
        expected.Add(0xFF);
        Assert.Equal(expected.ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Signature_presence_and_form_are_checked_as_AWS_checks_them()
    {
        var (status, contentType, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", sign: false);
        Assert.Equal(400, status);
        Assert.Equal(Json, contentType);
        Assert.Equal("""{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}""", body);

        (status, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", sign: false,
            headers: r => r.Headers.TryAddWithoutValidation("Authorization", "X"));
        Assert.Equal(400, status);
        Assert.Equal("""{"__type":"IncompleteSignatureException","message":"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=X"}""", body);

        (_, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", sign: false, headers: r =>
        {
            r.Headers.TryAddWithoutValidation("Authorization", "AWS4- Signature=b, Credential=a");
            r.Headers.TryAddWithoutValidation("Date", "a");
        });
        Assert.Equal("""{"__type":"IncompleteSignatureException","message":"Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b, Credential=a"}""", body);

        (_, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", sign: true, query: "?X-Amz-Algorithm");
        Assert.Equal("""{"__type":"InvalidSignatureException","message":"Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."}""", body);

        (_, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", sign: false, query: "?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d");
        Assert.Equal("""{"__type":"IncompleteSignatureException","message":"AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."}""", body);

        // Without X-Amz-Algorithm the query string is no signature at all.
        (_, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", sign: false, query: "?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d");
        Assert.Equal("""{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}""", body);

        // Target and body errors come before the signature's.
        (_, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.Nope", "{}", sign: false);
        Assert.Equal("""{"__type":"UnknownOperationException"}""", body);
        (_, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "hello", sign: false);
        Assert.Equal("""{"__type":"SerializationException"}""", body);
    }

    [Theory]
    [InlineData("CreateStream", """{"StreamName":"s","ShardCount":"two"}""", "class java.lang.String can not be converted to an Integer")]
    [InlineData("CreateStream", """{"StreamName":"s","ShardCount":true}""", "class java.lang.Boolean can not be converted to an Integer")]
    [InlineData("CreateStream", """{"StreamName":7,"ShardCount":1}""", "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String")]
    [InlineData("CreateStream", """{"StreamName":["s"],"ShardCount":1}""", "Start of list found where not expected")]
    [InlineData("CreateStream", """{"StreamName":{"a":1},"ShardCount":1}""", "Start of structure or map found where not expected.")]
    [InlineData("CreateStream", """{"StreamName":"s","Tags":"x"}""", "Expected map or null")]
    [InlineData("CreateStream", """{"StreamName":"s","Tags":[]}""", "Start of list found where not expected")]
    [InlineData("CreateStream", """{"StreamName":"s","StreamModeDetails":"x"}""", "Expected null")]
    [InlineData("RemoveTagsFromStream", """{"StreamName":"s","TagKeys":"x"}""", "Expected list or null")]
    [InlineData("RemoveTagsFromStream", """{"StreamName":"s","TagKeys":{}}""", "Start of structure or map found where not expected.")]
    [InlineData("DeleteStream", """{"StreamName":"s","EnforceConsumerDeletion":"maybe"}""", "'MAYBE' can not be converted to an Boolean")]
    [InlineData("DeleteStream", """{"StreamName":"s","EnforceConsumerDeletion":1}""", "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean")]
    [InlineData("GetShardIterator", """{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":"2020-01-01"}""", "class java.lang.String can not be converted to milliseconds since epoch")]
    public async Task Wrong_member_types_get_AWS_s_deserializer_texts_under_Message(string operation, string request, string message)
    {
        var (status, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202." + operation, request);
        Assert.Equal(400, status);
        Assert.Equal($$"""{"__type":"SerializationException","Message":"{{message}}"}""", body);
    }

    [Fact]
    public async Task Fractional_and_huge_integers_are_truncated_then_validated_as_AWS_does()
    {
        var (status, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", """{"Limit":100000000000}""");
        Assert.Equal(400, status);
        Assert.Contains("Value '2147483647' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000", body);
        (status, _, body, _) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", """{"Limit":0.5}""");
        Assert.Equal(400, status);
        Assert.Contains("Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", body);
    }

    [Fact]
    public async Task Cors_preflight_and_response_headers_let_browsers_call()
    {
        var (status, _, body, response) = await SendAsync(HttpMethod.Options, null, null, contentType: null, sign: false, headers: r =>
        {
            r.Headers.TryAddWithoutValidation("Origin", "http://generator.example");
            r.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "authorization, content-type, x-amz-target");
            r.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        });
        Assert.Equal(200, status);
        Assert.Equal("", body);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("authorization, content-type, x-amz-target", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("172800", response.Headers.GetValues("Access-Control-Max-Age").Single());

        (status, _, _, response) = await SendAsync(HttpMethod.Post, "Kinesis_20131202.ListStreams", "{}", headers: r => r.Headers.TryAddWithoutValidation("Origin", "http://generator.example"));
        Assert.Equal(200, status);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-amzn-RequestId", response.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    /// <summary>The AWS CLI prints AWS's error line; each call here passes the CLI's own checks and fails at the server.</summary>
    [Fact]
    public async Task Aws_cli_error_output_reads_as_against_AWS()
    {
        AwsClients.RequireAwsCli();
        async Task<string> Fail(params string[] arguments)
        {
            var result = await ClientProcess.RunAsync(AwsClients.AwsCli, ["--endpoint-url", server.Endpoint, "kinesis", .. arguments], TimeSpan.FromSeconds(25), environment: AwsClients.Environment());
            Assert.True(result.ExitCode == 254, result.ToString());
            return result.StandardError.Trim();
        }
        Assert.Equal("An error occurred (ResourceNotFoundException) when calling the DescribeStreamSummary operation: Stream no-such-stream under account 000000000000 not found.",
            await Fail("describe-stream-summary", "--stream-name", "no-such-stream"));
        Assert.Equal("An error occurred (ValidationException) when calling the DescribeStreamSummary operation: 1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
            await Fail("describe-stream-summary", "--stream-name", "bad name!"));
        Assert.Equal("An error occurred (ValidationException) when calling the ListStreams operation: 1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
            await Fail("list-streams", "--limit", "10001"));
        // Several violations, listed in the model's member order (StreamName, ShardId, ShardIteratorType).
        Assert.Equal("An error occurred (ValidationException) when calling the GetShardIterator operation: 3 validation errors detected: " +
            "Value 'a b' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
            "Value 'x!' at 'shardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
            "Value 'NOPE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]",
            await Fail("get-shard-iterator", "--shard-iterator-type", "NOPE", "--shard-id", "x!", "--stream-name", "a b"));
        // A list member's violation names the whole list (the Debian CLI predates the ARN-only operations).
        var longKey = new string('k', 129);
        Assert.Equal($"An error occurred (ValidationException) when calling the RemoveTagsFromStream operation: 1 validation error detected: Value '[a, {longKey}]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
            await Fail("remove-tags-from-stream", "--stream-name", "s", "--tag-keys", "a", longKey));
    }

    [Fact]
    public async Task Boto3_raises_AWS_s_error_codes_and_messages()
    {
        await AwsClients.RequireBoto3();
        const string Script = """
            import sys, boto3, botocore
            kinesis = boto3.client("kinesis", endpoint_url=sys.argv[1])
            for call, kwargs in [("describe_stream", {"StreamName": "no-such-stream"}), ("create_stream", {"StreamName": "bad name!", "ShardCount": 1}),
                                 ("remove_tags_from_stream", {"StreamName": "s", "TagKeys": ["a", "k" * 129]}),
                                 ("describe_stream_consumer", {"ConsumerARN": "arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c"}),
                                 ("split_shard", {"StreamName": "no-such-stream", "ShardToSplit": "anything-0", "NewStartingHashKey": "1"})]:
                try:
                    getattr(kinesis, call)(**kwargs)
                    print("no error")
                except botocore.exceptions.ClientError as e:
                    print(e.response["Error"]["Code"] + "|" + e.response["Error"]["Message"] + "|" + str(e.response["ResponseMetadata"]["HTTPStatusCode"]))
                    print(str(e))
            """;
        var result = await ClientProcess.RunAsync(AwsClients.Python, ["-c", Script, server.Endpoint], TimeSpan.FromSeconds(60), environment: AwsClients.Environment());
        Assert.True(result.ExitCode == 0, result.ToString());
        var longKey = new string('k', 129);
        Assert.Equal(
            "ResourceNotFoundException|Stream no-such-stream under account 000000000000 not found.|400\n" +
            "An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: Stream no-such-stream under account 000000000000 not found.\n" +
            "ValidationException|1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+|400\n" +
            "An error occurred (ValidationException) when calling the CreateStream operation: 1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+\n" +
            $"ValidationException|1 validation error detected: Value '[a, {longKey}]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]|400\n" +
            $"An error occurred (ValidationException) when calling the RemoveTagsFromStream operation: 1 validation error detected: Value '[a, {longKey}]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]\n" +
            "ValidationException|1 validation error detected: Value 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c' at 'consumerARN' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+|400\n" +
            "An error occurred (ValidationException) when calling the DescribeStreamConsumer operation: 1 validation error detected: Value 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c' at 'consumerARN' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+\n" +
            "ResourceNotFoundException|Stream no-such-stream under account 000000000000 not found.|400\n" +
            "An error occurred (ResourceNotFoundException) when calling the SplitShard operation: Stream no-such-stream under account 000000000000 not found.",
            result.StandardOutput.Trim().ReplaceLineEndings("\n"));
    }
}
