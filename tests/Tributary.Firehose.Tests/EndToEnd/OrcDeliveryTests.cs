using System.Text;
using System.Text.Json.Nodes;
using Tributary.Orc.Metadata;
using Tributary.Orc.Reader;

namespace Tributary.Firehose.Tests.EndToEnd;

/// <summary>
/// A delivery stream with OrcSerDe end to end: created with <c>aws firehose create-delivery-stream</c> (a
/// DataFormatConversionConfiguration with OrcSerDe and its options), records put with <c>aws firehose
/// put-record-batch</c>, and the ORC object read back by our reader row for row, its structure (compression, row index
/// stride, format version, stripe encodings, bloom filters) as the options asked; the malformed record goes to the
/// error output.
/// </summary>
[Trait("Category", "process")]
public sealed class OrcDeliveryTests
{
    private const string Role = "arn:aws:iam::000000000000:role/firehose";

    [Fact]
    public async Task Orc_output_of_put_record_batch_is_read_back_row_for_row()
    {
        await using var server = await DeliveryServer.StartAsync();
        var work = Path.Combine(server.Root, "work");
        Directory.CreateDirectory(work);
        var destination = new JsonObject
        {
            ["RoleARN"] = Role,
            ["BucketARN"] = "arn:aws:s3:::tables",
            ["Prefix"] = "events/",
            ["ErrorOutputPrefix"] = "errors/!{firehose:error-output-type}/",
            ["BufferingHints"] = new JsonObject { ["SizeInMBs"] = 64, ["IntervalInSeconds"] = 1 },
            ["CompressionFormat"] = "UNCOMPRESSED",
            ["DataFormatConversionConfiguration"] = new JsonObject
            {
                ["Enabled"] = true,
                ["InputFormatConfiguration"] = new JsonObject { ["Deserializer"] = new JsonObject { ["OpenXJsonSerDe"] = new JsonObject() } },
                ["OutputFormatConfiguration"] = new JsonObject
                {
                    ["Serializer"] = new JsonObject
                    {
                        ["OrcSerDe"] = new JsonObject
                        {
                            ["Compression"] = "ZLIB",
                            ["RowIndexStride"] = 1000,
                            ["FormatVersion"] = "V0_11",
                            ["DictionaryKeyThreshold"] = 0.5,
                            ["BloomFilterColumns"] = new JsonArray("name"),
                            ["BloomFilterFalsePositiveProbability"] = 0.01,
                        },
                    },
                },
                ["SchemaConfiguration"] = new JsonObject { ["RoleARN"] = Role, ["Schema"] = "id bigint, name string, kind string, score double, tags array<string>" },
            },
        };
        var create = new JsonObject { ["DeliveryStreamName"] = "to-orc", ["DeliveryStreamType"] = "DirectPut", ["ExtendedS3DestinationConfiguration"] = destination };
        File.WriteAllText(Path.Combine(work, "create.json"), create.ToJsonString());
        (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + Path.Combine(work, "create.json"))).EnsureSuccess();
        string[] kinds = ["view", "click", "buy"];
        var records = new JsonArray();
        for (var i = 0; i < 300; i++)
        {
            var json = $"{{\"id\":{i},\"name\":\"n{i}\",\"kind\":\"{kinds[i % 3]}\",\"score\":{i}.25,\"tags\":[\"t{i % 7}\"{(i % 2 == 0 ? ",\"even\"" : "")}]}}\n";
            records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) });
        }
        records.Add(new JsonObject { ["Data"] = Convert.ToBase64String("{\"id\":\"not a number\"}\n"u8.ToArray()) });
        File.WriteAllText(Path.Combine(work, "records.json"), records.ToJsonString());
        var put = await server.AwsJsonAsync("firehose", "put-record-batch", "--delivery-stream-name", "to-orc", "--records", "file://" + Path.Combine(work, "records.json"));
        Assert.Equal(0, put.GetProperty("FailedPutCount").GetInt32());
        await DeliveryServer.WaitForAsync(() => server.Objects("tables").Keys.Any(k => k.EndsWith(".orc", StringComparison.Ordinal))
            && server.Objects("tables").Keys.Any(k => k.StartsWith("errors/format-conversion-failed/", StringComparison.Ordinal)), TimeSpan.FromSeconds(90), () => "an ORC object and an error object\n" + server.Output);

        var key = server.Objects("tables").Keys.Single(k => k.EndsWith(".orc", StringComparison.Ordinal));
        Assert.Matches(@"^events/\d{4}/\d{2}/\d{2}/\d{2}/to-orc-1-.*\.orc$", key);
        using var reader = OrcReader.Open(Path.Combine(server.ObjectsDirectory, "tables", key));
        Assert.Equal("struct<id:bigint,name:string,kind:string,score:double,tags:array<string>>", reader.Schema.ToString());
        Assert.Equal(OrcCompression.Zlib, reader.PostScript.Compression);
        Assert.Equal(new uint[] { 0, 11 }, reader.PostScript.Version);
        Assert.Equal(1000u, reader.Footer.RowIndexStride);
        var rows = reader.ReadRows().Cast<OrcStruct>().ToList();
        Assert.Equal(300, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var fields = rows[i].Fields;
            Assert.Equal((long)i, fields[0]);
            Assert.Equal($"n{i}", fields[1]);
            Assert.Equal(kinds[i % 3], fields[2]);
            Assert.Equal(i + 0.25, fields[3]);
            Assert.Equal(i % 2 == 0 ? new object?[] { $"t{i % 7}", "even" } : [$"t{i % 7}"], ((List<object?>)fields[4]!).ToArray());
        }
        // V0_11 encodings; the three-valued column is under the 0.5 dictionary threshold, the unique names are not.
        var stripe = reader.OpenStripe(0);
        Assert.Equal(OrcColumnEncodingKind.Direct, stripe.Footer.Columns[2].Kind);
        Assert.Equal(OrcColumnEncodingKind.Dictionary, stripe.Footer.Columns[3].Kind);
        // BloomFilterColumns ["name"]: a BLOOM_FILTER_UTF8 stream on that column only, holding every name.
        Assert.True(stripe.HasStream(2, OrcStreamKind.BloomFilterUtf8));
        Assert.False(stripe.HasStream(3, OrcStreamKind.BloomFilterUtf8));
        var bloom = Assert.Single(stripe.BloomFilters(2)!);
        Assert.All(Enumerable.Range(0, 300), i => Assert.True(bloom.MightContainBytes(Encoding.UTF8.GetBytes($"n{i}"))));
        var errors = server.Objects("tables").Where(o => o.Key.StartsWith("errors/format-conversion-failed/", StringComparison.Ordinal)).ToList();
        var error = JsonNode.Parse(Encoding.UTF8.GetString(errors.Single().Value).Split('\n', StringSplitOptions.RemoveEmptyEntries).Single())!;
        Assert.Contains("not a number", Encoding.UTF8.GetString(Convert.FromBase64String((string)error["rawData"]!)), StringComparison.Ordinal);
        Assert.Equal("DataFormatConversion.MalformedData", (string)error["lastErrorCode"]!);
    }
}
