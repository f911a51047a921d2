using System.Text;
using System.Text.Json;
using Tributary.Aws;

namespace Tributary.Firehose.Tests;

/// <summary>
/// The real AWS CLI v2 and boto3, as separate processes, against an <see cref="AwsHttpServer"/> serving the Firehose
/// service over the <see cref="InMemoryDeliveryStreams"/> test double: request encoding (shorthand, --cli-input-json,
/// blobs), response parsing (timestamps, nested descriptions) and error reporting as real clients do them.
/// </summary>
[Trait("Category", "process")]
public sealed class AwsClientTests : IAsyncLifetime
{
    private readonly FirehoseHarness _firehose = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("tributary-firehose-cli-").FullName;
    private AwsHttpServer? _server;

    private string Endpoint => $"http://127.0.0.1:{_server!.Port}";

    public async Task InitializeAsync() => _server = await _firehose.StartServerAsync();

    public async Task DisposeAsync()
    {
        await _server!.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Runs <c>aws firehose ARGS</c> against the server; returns the process result.</summary>
    private Task<ClientResult> AwsAsync(params string[] args) =>
        ClientProcess.RunAsync(FirehoseClients.AwsCli, ["firehose", .. args, "--endpoint-url", Endpoint, "--output", "json"], TimeSpan.FromSeconds(60),
            workingDirectory: _directory, environment: FirehoseClients.Environment());

    private async Task<JsonElement> AwsJsonAsync(params string[] args)
    {
        var result = (await AwsAsync(args)).EnsureSuccess();
        return result.StandardOutput.Trim().Length == 0 ? default : JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return "file://" + path;
    }

    [Fact]
    public async Task Aws_cli_runs_the_whole_api()
    {
        FirehoseClients.RequireAwsCli();
        var input = WriteFile("create.json", """
            {"DeliveryStreamName":"clicks","DeliveryStreamType":"DirectPut",
             "ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/firehose","BucketARN":"arn:aws:s3:::click-bucket",
               "Prefix":"clicks/!{timestamp:yyyy/MM/dd}/","ErrorOutputPrefix":"errors/!{firehose:error-output-type}/",
               "BufferingHints":{"SizeInMBs":64,"IntervalInSeconds":60},
               "ProcessingConfiguration":{"Enabled":true,"Processors":[{"Type":"AppendDelimiterToRecord"}]},
               "DataFormatConversionConfiguration":{"Enabled":true,"SchemaConfiguration":{"DatabaseName":"web","TableName":"clicks"},
                 "InputFormatConfiguration":{"Deserializer":{"OpenXJsonSerDe":{}}},"OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{"Compression":"GZIP"}}}}},
             "Tags":[{"Key":"team","Value":"web"}]}
            """);
        var created = await AwsJsonAsync("create-delivery-stream", "--cli-input-json", input);
        Assert.Equal("arn:aws:firehose:eu-west-1:123456789012:deliverystream/clicks", created.GetProperty("DeliveryStreamARN").GetString());
        Assert.Equal("GZIP", _firehose.Streams.LastCreated!.Destination.FormatConversion!.ParquetCompression);

        // Shorthand syntax for the deprecated plain S3 destination.
        await AwsJsonAsync("create-delivery-stream", "--delivery-stream-name", "legacy",
            "--s3-destination-configuration", "RoleARN=arn:aws:iam::123456789012:role/firehose,BucketARN=arn:aws:s3:::legacy-bucket,CompressionFormat=GZIP,BufferingHints={SizeInMBs=1,IntervalInSeconds=60}");
        Assert.Equal((1, 60), (_firehose.Streams.LastCreated!.Destination.BufferSizeInMBs, _firehose.Streams.LastCreated.Destination.BufferIntervalInSeconds));

        var description = (await AwsJsonAsync("describe-delivery-stream", "--delivery-stream-name", "clicks")).GetProperty("DeliveryStreamDescription");
        Assert.Equal("ACTIVE", description.GetProperty("DeliveryStreamStatus").GetString());
        Assert.Equal("1", description.GetProperty("VersionId").GetString());
        // The CLI parsed our epoch-seconds timestamp and printed it back as ISO-8601.
        Assert.StartsWith("2026-11-22T10:30:15.25", description.GetProperty("CreateTimestamp").GetString());
        var extended = description.GetProperty("Destinations")[0].GetProperty("ExtendedS3DestinationDescription");
        Assert.Equal("clicks", extended.GetProperty("DataFormatConversionConfiguration").GetProperty("SchemaConfiguration").GetProperty("TableName").GetString());
        Assert.Equal(64, extended.GetProperty("BufferingHints").GetProperty("SizeInMBs").GetInt32());

        var listed = await AwsJsonAsync("list-delivery-streams", "--limit", "1");
        Assert.Equal(["clicks"], listed.GetProperty("DeliveryStreamNames").EnumerateArray().Select(n => n.GetString()));
        Assert.True(listed.GetProperty("HasMoreDeliveryStreams").GetBoolean());

        // Blobs: raw text with raw-in-base64-out, base64 by default in CLI v2.
        var put = await AwsJsonAsync("put-record", "--delivery-stream-name", "clicks", "--cli-binary-format", "raw-in-base64-out", "--record", "{\"Data\":\"{\\\"page\\\":\\\"/home\\\"}\"}");
        Assert.False(string.IsNullOrEmpty(put.GetProperty("RecordId").GetString()));
        await AwsJsonAsync("put-record", "--delivery-stream-name", "clicks", "--record", "Data=" + Convert.ToBase64String("{\"page\":\"/cart\"}"u8));
        var batch = await AwsJsonAsync("put-record-batch", "--delivery-stream-name", "clicks", "--cli-binary-format", "raw-in-base64-out",
            "--records", "[{\"Data\":\"one\"},{\"Data\":\"two\"},{\"Data\":\"three\"}]");
        Assert.Equal(0, batch.GetProperty("FailedPutCount").GetInt32());
        Assert.Equal(3, batch.GetProperty("RequestResponses").GetArrayLength());
        Assert.Equal(["{\"page\":\"/home\"}", "{\"page\":\"/cart\"}", "one", "two", "three"], _firehose.Streams.RecordsOf("clicks").Select(r => Encoding.UTF8.GetString(r)));

        await AwsJsonAsync("update-destination", "--delivery-stream-name", "clicks", "--current-delivery-stream-version-id", "1",
            "--destination-id", "destinationId-000000000001", "--extended-s3-destination-update", "{\"Prefix\":\"v2/!{timestamp:yyyy}/\",\"BufferingHints\":{\"IntervalInSeconds\":120}}");
        var updated = _firehose.Streams.Describe("clicks")!.Definition;
        Assert.Equal((2, "v2/!{timestamp:yyyy}/", 64, 120), (updated.VersionId, updated.Destination.Prefix, updated.Destination.BufferSizeInMBs, updated.Destination.BufferIntervalInSeconds));

        await AwsJsonAsync("tag-delivery-stream", "--delivery-stream-name", "clicks", "--tags", "Key=env,Value=prod", "Key=team,Value=growth");
        var tags = await AwsJsonAsync("list-tags-for-delivery-stream", "--delivery-stream-name", "clicks");
        Assert.Equal(["env=prod", "team=growth"], tags.GetProperty("Tags").EnumerateArray().Select(t => t.GetProperty("Key").GetString() + "=" + t.GetProperty("Value").GetString()));
        await AwsJsonAsync("untag-delivery-stream", "--delivery-stream-name", "clicks", "--tag-keys", "env");
        tags = await AwsJsonAsync("list-tags-for-delivery-stream", "--delivery-stream-name", "clicks");
        Assert.Equal(["team"], tags.GetProperty("Tags").EnumerateArray().Select(t => t.GetProperty("Key").GetString()));

        await AwsJsonAsync("start-delivery-stream-encryption", "--delivery-stream-name", "clicks", "--delivery-stream-encryption-configuration-input", "KeyType=AWS_OWNED_CMK");
        description = (await AwsJsonAsync("describe-delivery-stream", "--delivery-stream-name", "clicks")).GetProperty("DeliveryStreamDescription");
        Assert.Equal("ENABLED", description.GetProperty("DeliveryStreamEncryptionConfiguration").GetProperty("Status").GetString());
        Assert.Equal("2", description.GetProperty("VersionId").GetString());
        await AwsJsonAsync("stop-delivery-stream-encryption", "--delivery-stream-name", "clicks");

        await AwsJsonAsync("delete-delivery-stream", "--delivery-stream-name", "clicks", "--allow-force-delete");
        await AwsJsonAsync("delete-delivery-stream", "--delivery-stream-name", "legacy");
        listed = await AwsJsonAsync("list-delivery-streams");
        Assert.Empty(listed.GetProperty("DeliveryStreamNames").EnumerateArray());
    }

    [Fact]
    public async Task Aws_cli_reports_service_errors_with_their_type_and_message()
    {
        FirehoseClients.RequireAwsCli();
        var missing = await AwsAsync("describe-delivery-stream", "--delivery-stream-name", "nope");
        // 254: the CLI's exit code for an error the service answered.
        Assert.True(missing.ExitCode == 254, missing.ToString());
        Assert.Contains("An error occurred (ResourceNotFoundException) when calling the DescribeDeliveryStream operation: Firehose nope under account 123456789012 not found.", missing.StandardError);

        // The CLI checks lengths but not patterns: the server's ValidationException comes back.
        var invalid = await AwsAsync("create-delivery-stream", "--delivery-stream-name", "bad:name",
            "--extended-s3-destination-configuration", "RoleARN=arn:aws:iam::123456789012:role/firehose,BucketARN=arn:aws:s3:::bucket-one");
        Assert.True(invalid.ExitCode == 254, invalid.ToString());
        Assert.Contains("(ValidationException) when calling the CreateDeliveryStream operation: 1 validation error detected: Value 'bad:name' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", invalid.StandardError);

        var redshift = await AwsAsync("create-delivery-stream", "--delivery-stream-name", "warehouse", "--cli-input-json", WriteFile("redshift.json", """
            {"RedshiftDestinationConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/firehose","ClusterJDBCURL":"jdbc:redshift://c.abc.eu-west-1.redshift.amazonaws.com:5439/db",
              "CopyCommand":{"DataTableName":"t"},"Username":"u","Password":"password","S3Configuration":{"RoleARN":"arn:aws:iam::123456789012:role/firehose","BucketARN":"arn:aws:s3:::b-1"}}}
            """));
        Assert.True(redshift.ExitCode == 254, redshift.ToString());
        Assert.Contains("(InvalidArgumentException) when calling the CreateDeliveryStream operation: RedshiftDestinationConfiguration is not supported: Tributary supports S3 destinations only", redshift.StandardError);

        await AwsJsonAsync("create-delivery-stream", "--delivery-stream-name", "once", "--extended-s3-destination-configuration", "RoleARN=arn:aws:iam::123456789012:role/firehose,BucketARN=arn:aws:s3:::bucket-one");
        var stale = await AwsAsync("update-destination", "--delivery-stream-name", "once", "--current-delivery-stream-version-id", "7",
            "--destination-id", "destinationId-000000000001", "--extended-s3-destination-update", "Prefix=x/");
        Assert.True(stale.ExitCode == 254, stale.ToString());
        Assert.Contains("(ConcurrentModificationException)", stale.StandardError);

        // 503 is retried by the CLI's standard retry mode, then reported.
        _firehose.Streams.FailRecord = _ => new Model.PutRecordResult(null, "ServiceUnavailableException", "Slow down.");
        var unavailable = await AwsAsync("put-record", "--delivery-stream-name", "once", "--record", "Data=AAAA", "--cli-connect-timeout", "5");
        Assert.True(unavailable.ExitCode == 254, unavailable.ToString());
        Assert.Contains("(ServiceUnavailableException) when calling the PutRecord operation", unavailable.StandardError);
        Assert.True(_firehose.Streams.Calls.Count(c => c == "Put once 1") >= 2, "the CLI retries a 503: " + string.Join(", ", _firehose.Streams.Calls));
    }

    [Fact]
    public async Task Boto3_creates_puts_describes_and_deletes()
    {
        await FirehoseClients.RequireBoto3();
        var script = Path.Combine(_directory, "firehose_boto3.py");
        File.WriteAllText(script, """
            import json, sys, boto3
            from botocore.exceptions import ClientError
            client = boto3.client("firehose", endpoint_url=sys.argv[1])
            client.create_delivery_stream(DeliveryStreamName="py", ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::123456789012:role/firehose", "BucketARN": "arn:aws:s3:::py-bucket",
                "CompressionFormat": "GZIP", "BufferingHints": {"SizeInMBs": 8, "IntervalInSeconds": 90}})
            batch = client.put_record_batch(DeliveryStreamName="py", Records=[{"Data": b"\x00\x01binary"}, {"Data": "text\n"}])
            description = client.describe_delivery_stream(DeliveryStreamName="py")["DeliveryStreamDescription"]
            try:
                client.put_record(DeliveryStreamName="absent", Record={"Data": b"x"})
                error = None
            except ClientError as e:
                error = e.response["Error"]
            client.delete_delivery_stream(DeliveryStreamName="py")
            print(json.dumps({
                "failed": batch["FailedPutCount"], "ids": [r["RecordId"] for r in batch["RequestResponses"]],
                "status": description["DeliveryStreamStatus"], "created_year": description["CreateTimestamp"].year,
                "compression": description["Destinations"][0]["ExtendedS3DestinationDescription"]["CompressionFormat"],
                "interval": description["Destinations"][0]["S3DestinationDescription"]["BufferingHints"]["IntervalInSeconds"],
                "error": error, "left": client.list_delivery_streams()["DeliveryStreamNames"]}))
            """);
        var result = (await ClientProcess.RunAsync(FirehoseClients.Python, [script, Endpoint], TimeSpan.FromSeconds(60), environment: FirehoseClients.Environment())).EnsureSuccess();
        var output = JsonDocument.Parse(result.StandardOutput).RootElement;
        Assert.Equal(0, output.GetProperty("failed").GetInt32());
        Assert.Equal(2, output.GetProperty("ids").GetArrayLength());
        Assert.Equal("ACTIVE", output.GetProperty("status").GetString());
        Assert.Equal(2026, output.GetProperty("created_year").GetInt32());
        Assert.Equal("GZIP", output.GetProperty("compression").GetString());
        Assert.Equal(90, output.GetProperty("interval").GetInt32());
        Assert.Equal("ResourceNotFoundException", output.GetProperty("error").GetProperty("Code").GetString());
        Assert.Contains("Firehose absent", output.GetProperty("error").GetProperty("Message").GetString());
        Assert.Empty(output.GetProperty("left").EnumerateArray());
        Assert.Equal("Put py 2", _firehose.Streams.Calls.Single(c => c.StartsWith("Put py", StringComparison.Ordinal)));
    }
}
