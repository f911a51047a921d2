using System.Text;
using System.Text.Json.Nodes;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;
using Tributary.Firehose.Model;
using Tributary.Firehose.Processing;

namespace Tributary.Firehose.Tests.Processing;

/// <summary>The fast path for object-of-paths queries gives what the jq interpreter gives, record by record.</summary>
[Trait("Category", "process")]
public sealed class SimpleKeyQueryTests
{
    [Theory]
    [InlineData("{customer: .customer_id}", true)]
    [InlineData(" { a : .x.y , \"b-c\": .z } ", true)]
    [InlineData("{a: .x | ascii_downcase}", false)]
    [InlineData("{a: .x, b: (.y)}", false)]
    [InlineData("{a: .[\"x\"]}", false)]
    [InlineData(".x", false)]
    public void Only_objects_of_plain_paths_take_the_fast_path(string query, bool simple) =>
        Assert.Equal(simple, SimpleKeyQuery.TryParse(query) is not null);

    [Theory]
    [InlineData("{customer: .customer_id, region: .geo.region, n: .n}")]
    // Every path one step: the reader pass instead of the document walk (geo is an object, a string or null).
    [InlineData("{customer: .customer_id, n: .n, place: .geo, again: .n}")]
    public async Task Keys_and_failures_equal_the_interpreters_on_generated_records(string query)
    {
        var fast = Processor(query);
        var random = new Random(42);
        var records = new List<SourceRecord>();
        for (var i = 0; i < 2000; i++)
        {
            records.Add(new SourceRecord(0, i, 0, null, Encoding.UTF8.GetBytes(Generate(random))));
        }
        var withFast = await fast.ProcessAsync(records, CancellationToken.None);
        var interpreted = Interpret(query, records);
        Assert.Equal(interpreted.Count, withFast.Count);
        for (var i = 0; i < withFast.Count; i++)
        {
            var (keys, failed) = interpreted[i];
            Assert.True(failed == (withFast[i].Outcome == ProcessedOutcome.Failed), $"record {i}: {Encoding.UTF8.GetString(records[i].Data.Span)}");
            if (!failed)
            {
                Assert.Equal(keys!.OrderBy(k => k.Key), withFast[i].QueryKeys!.OrderBy(k => k.Key));
            }
        }
        Assert.Contains(withFast, r => r.Outcome == ProcessedOutcome.Failed);
        Assert.Contains(withFast, r => r.Outcome == ProcessedOutcome.Ok);
    }

    [Fact]
    public async Task Records_with_the_same_values_share_one_key_dictionary_and_different_values_do_not()
    {
        var processor = Processor("{user: .user, n: .n}");
        // "u\u0031" is "u1" escaped: equal values whatever their spelling; "u10" must not match a recent "u1".
        string[] lines = ["{\"user\":\"u1\",\"n\":1}", "{\"user\":\"u\\u0031\",\"n\":1}", "{\"user\":\"u10\",\"n\":1}", "{\"n\":1,\"user\":\"u1\"}", "{\"user\":\"u1\",\"n\":2}"];
        var records = lines.Select((line, i) => new SourceRecord(0, i, 0, null, Encoding.UTF8.GetBytes(line))).ToList();
        var processed = await processor.ProcessAsync(records, CancellationToken.None);
        Assert.All(processed, r => Assert.Equal(ProcessedOutcome.Ok, r.Outcome));
        Assert.Equal("u1", processed[0].QueryKeys!["user"]);
        Assert.Equal("u1", processed[1].QueryKeys!["user"]);
        Assert.Equal("u10", processed[2].QueryKeys!["user"]);
        Assert.Equal("u1", processed[3].QueryKeys!["user"]);
        Assert.Equal("2", processed[4].QueryKeys!["n"]);
        Assert.Equal(processed[0].QueryKeys!.OrderBy(k => k.Key), processed[3].QueryKeys!.OrderBy(k => k.Key));
        Assert.NotEqual(processed[0].QueryKeys!["user"], processed[2].QueryKeys!["user"]);
    }

    private static RecordProcessor Processor(string query) => new(new ProcessingDefinition
    {
        Enabled = true,
        Processors = [new ProcessorDefinition { Type = "MetadataExtraction", Parameters = [new("MetadataExtractionQuery", query)] }],
    }, kinesisSource: false, lambda: null);

    /// <summary>The interpreter's answer for each record, computed directly with JqProgram.</summary>
    private static List<(Dictionary<string, string>? Keys, bool Failed)> Interpret(string query, List<SourceRecord> records)
    {
        var program = Tributary.Jq.JqProgram.Parse(query);
        var result = new List<(Dictionary<string, string>?, bool)>();
        foreach (var record in records)
        {
            try
            {
                var output = program.Run(JsonNode.Parse(record.Data.Span));
                if (output.Count != 1 || output[0] is not JsonObject obj)
                {
                    result.Add((null, true));
                    continue;
                }
                var keys = new Dictionary<string, string>();
                var failed = false;
                foreach (var (name, value) in obj)
                {
                    if (value is null || value.GetValueKind() is System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array)
                    {
                        failed = true;
                        break;
                    }
                    keys[name] = value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : Tributary.Jq.JqProgram.ToJson(value);
                }
                result.Add(failed ? (null, true) : (keys, false));
            }
            catch (Exception e) when (e is Tributary.Jq.JqException or System.Text.Json.JsonException)
            {
                result.Add((null, true));
            }
        }
        return result;
    }

    /// <summary>Records of every shape the paths can meet: strings, numbers of all kinds, nulls, missing fields, nested objects, wrong types.</summary>
    private static string Generate(Random random)
    {
        string Scalar() => random.Next(9) switch
        {
            0 => "null",
            1 => "true",
            2 => random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            3 => (random.NextDouble() * 1e6).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            4 => "1.0",
            5 => "1e17",
            6 => "[1,2]",
            7 => "{\"a\":1}",
            _ => "\"C" + random.Next(5) + (random.Next(4) == 0 ? " é\\u00e9\\n" : "") + "\"",
        };
        if (random.Next(40) == 0)
        {
            return random.Next(2) == 0 ? "[1,2,3]" : "\"text\"";
        }
        var fields = new List<string>();
        if (random.Next(10) > 0)
        {
            fields.Add($"\"customer_id\":{Scalar()}");
        }
        var geo = random.Next(6) switch
        {
            0 => null,
            1 => "null",
            2 => "\"flat\"",
            _ => $"{{\"region\":{Scalar()},\"other\":1}}",
        };
        if (geo is not null)
        {
            fields.Add($"\"geo\":{geo}");
        }
        if (random.Next(10) > 0)
        {
            fields.Add($"\"n\":{Scalar()}");
        }
        return "{" + string.Join(',', fields.OrderBy(_ => random.Next())) + "}";
    }
}
