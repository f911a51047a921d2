using Tributary.Delivery.Compression;
using Tributary.Firehose.Model;
using Tributary.Firehose.Naming;

namespace Tributary.Firehose.Tests.Naming;

/// <summary>Prefixes and object keys, against the examples and rules of Firehose's s3-prefixes and s3-object-name pages.</summary>
public sealed class ObjectNamingTests
{
    // The docs' examples are evaluated "at 10:30 AM UTC on Aug 27, 2018".
    private static readonly DateTimeOffset DocsInstant = new(2018, 8, 27, 10, 30, 0, TimeSpan.Zero);

    private static ObjectNaming Naming(string? prefix, string? errorPrefix, bool dynamicPartitioning = false, string? zone = null,
        CompressionFormat compression = CompressionFormat.Uncompressed, bool formatConversion = false, string? extension = null) =>
        ObjectNaming.Create("my-stream", prefix, errorPrefix, dynamicPartitioning, compression, formatConversion, extension, zone);

    private static string EvaluatePrefix(ObjectNaming naming, ulong seed = 7) =>
        naming.Prefix.Evaluate(new PrefixValues(DocsInstant, naming.Zone, seed));

    private static string EvaluateErrors(ObjectNaming naming, string type = "processing-failed") =>
        naming.ErrorOutputPrefix.Evaluate(new PrefixValues(DocsInstant, naming.Zone, 7, type));

    private static string ExpectInvalid(Action action)
    {
        var error = Assert.Throws<DeliveryException>(action);
        Assert.Equal("InvalidArgumentException", error.ErrorType);
        return error.Message;
    }

    [Fact]
    public void Default_prefix_is_the_hour_in_utc_and_errors_go_under_the_error_type()
    {
        var naming = Naming(null, null);
        Assert.Equal("2018/08/27/10/", EvaluatePrefix(naming));
        Assert.Equal("processing-failed/2018/08/27/10/", EvaluateErrors(naming));
        Assert.Equal("format-conversion-failed/2018/08/27/10/", EvaluateErrors(naming, "format-conversion-failed"));
    }

    [Fact]
    public void Docs_example_unspecified_prefix_with_an_error_prefix()
    {
        var naming = Naming(null, "myFirehoseFailures/!{firehose:error-output-type}/");
        Assert.Equal("2018/08/27/10/", EvaluatePrefix(naming));
        Assert.Equal("myFirehoseFailures/processing-failed/", EvaluateErrors(naming)); // no timestamp appended to an error prefix
    }

    [Fact]
    public void Docs_example_expressions_need_an_error_prefix()
    {
        var message = ExpectInvalid(() => Naming("!{timestamp:yyyy/MM/dd}", null));
        // Firehose's wording (with its typo), as seen in InvalidArgumentException messages.
        Assert.Equal("Ths supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix cannot be null or empty when Prefix contains expressions", message);
        ExpectInvalid(() => Naming("!{timestamp:yyyy/MM/dd}", ""));
        ExpectInvalid(() => Naming("a/!{firehose:random-string}/", null));
    }

    [Fact]
    public void Docs_example_timestamps_and_random_strings()
    {
        var naming = Naming("myFirehose/DeliveredYear=!{timestamp:yyyy}/anyMonth/rand=!{firehose:random-string}",
            "myFirehoseFailures/!{firehose:error-output-type}/!{timestamp:yyyy}/anyMonth/!{timestamp:dd}");
        var prefix = EvaluatePrefix(naming);
        Assert.Matches("^myFirehose/DeliveredYear=2018/anyMonth/rand=[0-9a-f]{11}$", prefix);
        Assert.Equal("myFirehoseFailures/processing-failed/2018/anyMonth/27", EvaluateErrors(naming));
    }

    [Fact]
    public void Docs_example_hive_style_and_quoted_literals()
    {
        var naming = Naming("myPrefix/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
            "myErrorPrefix/!{timestamp:'year='yyyy'/month='MM'/day='dd'/hour='HH}/!{firehose:error-output-type}");
        Assert.Equal("myPrefix/year=2018/month=08/day=27/hour=10/", EvaluatePrefix(naming));
        Assert.Equal("myErrorPrefix/year=2018/month=08/day=27/hour=10/processing-failed", EvaluateErrors(naming));
    }

    [Fact]
    public void Docs_example_literal_prefix_gets_the_hour_appended()
    {
        var naming = Naming("myFirehosePrefix/", null);
        Assert.Equal("myFirehosePrefix/2018/08/27/10/", EvaluatePrefix(naming));
        Assert.Equal("myFirehosePrefix/processing-failed/2018/08/27/10/", EvaluateErrors(naming));
        Assert.Equal("myFirehosePrefix/!{timestamp:yyyy/MM/dd/HH/}", naming.Prefix.Text);
    }

    [Fact]
    public void Prefix_with_a_timestamp_gets_nothing_appended()
    {
        var naming = Naming("logs/!{timestamp:yyyy-MM-dd}/", "errors/!{firehose:error-output-type}/");
        Assert.Equal("logs/2018-08-27/", EvaluatePrefix(naming));
    }

    [Fact]
    public void Dynamic_partitioning_appends_nothing_and_needs_both_prefixes()
    {
        var naming = Naming("customer_id=!{partitionKeyFromQuery:customer_id}/device=!{partitionKeyFromLambda:device}/",
            "errors/!{firehose:error-output-type}/", dynamicPartitioning: true);
        var keys = new Dictionary<string, string> { ["customer_id"] = "1234567890" };
        var lambda = new Dictionary<string, string> { ["device"] = "mobile" };
        Assert.Equal("customer_id=1234567890/device=mobile/", naming.Prefix.Evaluate(new PrefixValues(DocsInstant, naming.Zone, 1, null, keys, lambda)));
        Assert.Equal(["customer_id"], naming.Prefix.QueryKeys);
        Assert.Equal(["device"], naming.Prefix.LambdaKeys);

        Assert.EndsWith("ErrorOutputPrefix cannot be null or empty when dynamic partitioning is enabled",
            ExpectInvalid(() => Naming("a=!{partitionKeyFromQuery:a}/", null, dynamicPartitioning: true)));
        Assert.EndsWith("Prefix cannot be null or empty when dynamic partitioning is enabled",
            ExpectInvalid(() => Naming(null, "e/!{firehose:error-output-type}", dynamicPartitioning: true)));
        ExpectInvalid(() => Naming("a=!{partitionKeyFromQuery:a}/", "e/!{firehose:error-output-type}/", dynamicPartitioning: false));
    }

    [Fact]
    public void A_missing_partition_key_is_an_error()
    {
        var naming = Naming("a=!{partitionKeyFromQuery:a}/", "e/!{firehose:error-output-type}/", dynamicPartitioning: true);
        var message = ExpectInvalid(() => naming.Prefix.Evaluate(new PrefixValues(DocsInstant, naming.Zone, 1, null, new Dictionary<string, string> { ["b"] = "x" })));
        Assert.Contains("'a'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/!{firehose:error-output-type}/", "e/!{firehose:error-output-type}", "Prefix cannot contain !{firehose:error-output-type}")]
    [InlineData("a/!{timestamp:yyyy}/", "e/!{timestamp:yyyy}/", "ErrorOutputPrefix must contain at least one !{firehose:error-output-type}")]
    [InlineData("a/!{timestamp:yyyy}/", "e/!{partitionKeyFromQuery:k}/!{firehose:error-output-type}", "ErrorOutputPrefix cannot contain partitionKeyFromQuery")]
    [InlineData("a/!{nope:x}/", "e/!{firehose:error-output-type}", "unknown namespace 'nope'")]
    [InlineData("a/!{firehose:uuid}/", "e/!{firehose:error-output-type}", "random-string or error-output-type")]
    [InlineData("a/!{timestamp:yyyy/", "e/!{firehose:error-output-type}", "The sequence !{ can only appear in !{namespace:value} expressions")]
    [InlineData("a/!{timestamp:!{x}}/", "e/!{firehose:error-output-type}", "The sequence !{ can only appear")]
    [InlineData("a/!{timestamp:yyyy-bb}/", "e/!{firehose:error-output-type}", "Unknown pattern letter: b")]
    [InlineData("a/!{timestamp:yyyy}/", "e/!{firehose:error-output-type}/!{timestamp:'x}", "incomplete string literal")]
    public void Invalid_prefixes_are_rejected_with_the_rule(string prefix, string errorPrefix, string expected)
    {
        var message = ExpectInvalid(() => Naming(prefix, errorPrefix));
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.StartsWith("Ths supplied prefix(es) do not satisfy the following constraint: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_literal_error_prefix_is_used_as_given()
    {
        var naming = Naming("a/!{timestamp:yyyy}/", "errors/");
        Assert.Equal("errors/", EvaluateErrors(naming));
    }

    [Fact]
    public void Random_strings_are_a_pure_function_of_seed_and_occurrence()
    {
        var naming = Naming("!{firehose:random-string}/!{firehose:random-string}/", "e/!{firehose:error-output-type}");
        var first = EvaluatePrefix(naming, seed: 42);
        Assert.Equal(first, EvaluatePrefix(naming, seed: 42));
        Assert.NotEqual(first, EvaluatePrefix(naming, seed: 43));
        var parts = first.Split('/');
        Assert.Matches("^[0-9a-f]{11}$", parts[0]);
        Assert.Matches("^[0-9a-f]{11}$", parts[1]);
        Assert.NotEqual(parts[0], parts[1]); // "every instance evaluates to a new random string"
        Assert.EndsWith("/2018/08/27/10/", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_timestamp_uses_the_same_instant_and_the_custom_zone()
    {
        var naming = Naming("!{timestamp:yyyy-MM-dd}/!{timestamp:HH}/", "e/!{firehose:error-output-type}/", zone: "Asia/Tokyo");
        // 2018-08-27 23:30 UTC is 2018-08-28 08:30 in Tokyo.
        var late = new DateTimeOffset(2018, 8, 27, 23, 30, 0, TimeSpan.Zero);
        Assert.Equal("2018-08-28/08/", naming.Prefix.Evaluate(new PrefixValues(late, naming.Zone, 1)));
    }

    [Fact]
    public void Evaluated_prefixes_longer_than_512_characters_are_errors()
    {
        // 4 (year) + n + 11 (random string) characters.
        var fits = Naming("!{timestamp:yyyy}" + new string('a', 497) + "!{firehose:random-string}", "e/!{firehose:error-output-type}");
        Assert.Equal(512, EvaluatePrefix(fits).Length);
        var tooLong = Naming("!{timestamp:yyyy}" + new string('a', 498) + "!{firehose:random-string}", "e/!{firehose:error-output-type}");
        Assert.Contains("512", ExpectInvalid(() => EvaluatePrefix(tooLong)), StringComparison.Ordinal);
    }

    [Fact]
    public void Object_keys_follow_firehose_s_name_format_in_the_custom_zone()
    {
        var id = "a9fa96af-e4e4-409f-bac3-1f804714faaa";
        Assert.Equal($"2018/08/27/10/my-stream-3-2018-08-27-10-30-00-{id}", Naming(null, null).DataObjectKey(3, DocsInstant, 1, id));
        // "the time zone used for time prefix and suffix": both move to Tokyo.
        Assert.Equal($"2018/08/27/19/my-stream-1-2018-08-27-19-30-00-{id}.gz",
            Naming(null, null, zone: "Asia/Tokyo", compression: CompressionFormat.Gzip).DataObjectKey(1, DocsInstant, 1, id));
        Assert.Equal($"e/processing-failed/my-stream-1-2018-08-27-10-30-00-{id}",
            Naming("a/!{timestamp:yyyy}/", "e/!{firehose:error-output-type}/").ErrorObjectKey("processing-failed", 1, DocsInstant, 1, id));
    }

    [Theory]
    [InlineData(CompressionFormat.Uncompressed, false, null, "")]
    [InlineData(CompressionFormat.Gzip, false, null, ".gz")]
    [InlineData(CompressionFormat.Zip, false, null, ".zip")]
    [InlineData(CompressionFormat.Snappy, false, null, ".snappy")]
    [InlineData(CompressionFormat.HadoopSnappy, false, null, ".hsnappy")]
    [InlineData(CompressionFormat.Uncompressed, true, null, ".parquet")]
    [InlineData(CompressionFormat.Gzip, false, ".json.gz", ".json.gz")]
    [InlineData(CompressionFormat.Uncompressed, true, ".pq", ".pq")]
    [InlineData(CompressionFormat.Gzip, false, "", ".gz")]
    public void Extensions_follow_firehose_s_table_unless_overridden(CompressionFormat compression, bool formatConversion, string? fileExtension, string expected) =>
        Assert.Equal(expected, Naming(null, null, compression: compression, formatConversion: formatConversion, extension: fileExtension).Extension);

    [Fact]
    public void Unknown_time_zones_are_invalid_arguments() =>
        Assert.Contains("Mars/Olympus", ExpectInvalid(() => Naming(null, null, zone: "Mars/Olympus")), StringComparison.Ordinal);

    [Fact]
    public void Create_reads_a_destination_definition()
    {
        var naming = ObjectNaming.Create("s", new S3DestinationDefinition
        {
            BucketArn = "arn:aws:s3:::b",
            Prefix = "p/",
            Compression = CompressionFormat.Snappy,
            CustomTimeZone = "America/New_York",
        });
        Assert.Equal("p/2018/08/27/06/", EvaluatePrefix(naming));
        Assert.Equal(".snappy", naming.Extension);
    }
}
