using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Bogus;
using Tributary.Generator.Templates;

namespace Tributary.Generator.Tests;

/// <summary>The Kinesis Data Generator template engine: every helper, argument reading, seeds, and the errors.</summary>
public sealed class TemplateTests
{
    private static Faker Seeded(int seed = 42) => new() { Random = new Randomizer(seed) };

    private static List<string> Render(string template, int count = 1, int seed = 42)
    {
        var compiled = KdgTemplate.Compile(template);
        var faker = Seeded(seed);
        return [.. Enumerable.Range(0, count).Select(_ => compiled.Render(faker))];
    }

    public static TheoryData<string> EveryHelper() => [.. FakerHelpers.Names];

    [Theory]
    [MemberData(nameof(EveryHelper))]
    public void Every_helper_renders_without_an_argument(string helper)
    {
        // Argument-shaped helpers get the smallest argument they take; everything else none.
        var argument = helper switch
        {
            "random.arrayElement" => "([\"x\",\"y\"])",
            "random.objectElement" => "({\"a\":\"x\",\"b\":\"y\"})",
            "random.weightedArrayElement" => "({\"weights\":[1,1],\"data\":[\"x\",\"y\"]})",
            _ => "",
        };
        var values = Render("<{{" + helper + argument + "}}>", 20);
        Assert.All(values, v => Assert.Matches("(?s)^<.*>$", v));
        Assert.All(values, v => Assert.DoesNotContain("{{", v));
        // Helpers that make text make some (the helpers.* ones transform their argument: none here).
        if (helper is not ("random.locale" or "random.boolean" or "helpers.slugify" or "helpers.replaceSymbols" or "helpers.replaceSymbolWithNumber"))
        {
            Assert.Contains(values, v => v.Length > 2);
        }
    }

    [Fact]
    public void Random_number_with_a_maximum_covers_zero_to_the_maximum_inclusive()
    {
        var values = Render("{{random.number(70)}}", 3000).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
        Assert.All(values, v => Assert.InRange(v, 0, 70));
        Assert.Contains(0, values);
        Assert.Contains(70, values);
    }

    [Fact]
    public void Random_number_with_min_max_and_precision()
    {
        var integers = Render("{{random.number({\"min\":10,\"max\":150})}}", 3000).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
        Assert.All(integers, v => Assert.InRange(v, 10, 150));
        Assert.Equal(141, integers.Distinct().Count());
        var tenths = Render("{{random.number({\"min\":1,\"max\":2,\"precision\":0.1})}}", 500);
        Assert.All(tenths, v => Assert.Matches(@"^(1(\.\d)?|2)$", v));
        Assert.Contains(tenths, v => v.Contains('.'));
        var floats = Render("{{random.float({\"min\":0,\"max\":1})}}", 500);
        Assert.All(floats, v => Assert.Matches(@"^(0(\.\d{1,2})?|1)$", v));
        // Without an argument: 0..99999.
        Assert.All(Render("{{random.number}}", 200), v => Assert.InRange(int.Parse(v, CultureInfo.InvariantCulture), 0, 99999));
    }

    [Fact]
    public void Array_element_picks_each_element_and_prints_numbers_as_javascript_does()
    {
        var values = Render("{{random.arrayElement([\"OK\",\"FAIL\",\"WARN\",3,2.5,true])}}", 600);
        Assert.Equal(["2.5", "3", "FAIL", "OK", "WARN", "true"], values.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Weighted_array_element_follows_the_weights()
    {
        var values = Render("{{random.weightedArrayElement({\"weights\":[0.7,0.2,0.1],\"data\":[\"cat\",\"fish\",\"dog\"]})}}", 10_000);
        var share = values.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count() / 10_000.0);
        Assert.InRange(share["cat"], 0.67, 0.73);
        Assert.InRange(share["fish"], 0.17, 0.23);
        Assert.InRange(share["dog"], 0.08, 0.12);
        // A zero weight is never chosen.
        Assert.All(Render("{{random.weightedArrayElement({\"weights\":[0,1],\"data\":[\"never\",\"always\"]})}}", 200), v => Assert.Equal("always", v));
    }

    [Fact]
    public void Uuid_ip_names_and_lorem_have_their_shapes()
    {
        Assert.All(Render("{{random.uuid}}", 50), v => Assert.True(Guid.TryParseExact(v, "D", out _), v));
        Assert.All(Render("{{internet.ip}}", 50), v => Assert.True(IPAddress.TryParse(v, out var a) && a.AddressFamily == AddressFamily.InterNetwork, v));
        Assert.All(Render("{{internet.ipv6}}", 50), v => Assert.True(IPAddress.TryParse(v, out var a) && a.AddressFamily == AddressFamily.InterNetworkV6, v));
        Assert.All(Render("{{internet.email}}", 50), v => Assert.Matches(@"^[^@\s]+@[^@\s]+\.[a-z]+$", v));
        Assert.All(Render("{{name.firstName}} {{name.lastName}}", 50), v => Assert.Matches(@"^[A-Z][\p{L}'\-]+ [A-Z][\p{L}'\- ]+$", v));
        Assert.All(Render("{{lorem.sentence}}", 50), v => Assert.Matches(@"^[A-Z][a-z]*( [a-z]+)*\.$", v));
        Assert.All(Render("{{lorem.words(4)}}", 50), v => Assert.Equal(4, v.Split(' ').Length));
        Assert.All(Render("{{random.boolean}}", 50), v => Assert.True(v is "true" or "false", v));
        Assert.All(Render("{{address.latitude}},{{address.longitude}}", 50), v => Assert.Matches(@"^-?\d+\.\d{4},-?\d+\.\d{4}$", v));
    }

    [Fact]
    public void Date_now_and_utc_use_moment_formats()
    {
        var before = DateTimeOffset.Now;
        var today = Render("{{date.now(\"YYYY-MM-DD\")}}").Single();
        var after = DateTimeOffset.Now;
        Assert.Contains(today, new[] { before.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), after.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        // Without a format: ISO 8601 with the offset (local) or Z (UTC), parseable as such and close to now.
        var local = DateTimeOffset.Parse(Render("{{date.now}}").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(local, before.AddSeconds(-1), DateTimeOffset.Now.AddSeconds(1));
        var utc = Render("{{date.utc}}").Single();
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", utc);
        // {{current.timestamp}} is {{date.now}}.
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", Render("{{current.timestamp}}").Single());
        Assert.Matches(@"^\d{10}$", Render("{{date.utc(\"X\")}}").Single());
    }

    [Fact]
    public void Moment_tokens_format_a_known_time()
    {
        var time = new DateTimeOffset(2014, 9, 8, 8, 2, 17, 45, TimeSpan.FromHours(-5));
        Assert.Equal("08/Sep/2014:08:02:17 -05:00", MomentFormat.Format(time, "DD/MMM/YYYY:HH:mm:ss Z"));
        Assert.Equal("Monday, September 8th 2014, 8:02:17 am -0500", MomentFormat.Format(time, "dddd, MMMM Do YYYY, h:mm:ss a ZZ"));
        Assert.Equal("14 3 251 045 at 08", MomentFormat.Format(time, "YY Q DDD SSS [at] HH"));
        Assert.Equal("1410181337045", MomentFormat.Format(time, "x"));
    }

    [Fact]
    public void Past_and_future_dates_print_as_javascript_dates_on_the_right_side_of_now()
    {
        static DateTime Parse(string js) => DateTime.ParseExact(js[..24], "ddd MMM dd yyyy HH:mm:ss", CultureInfo.InvariantCulture);
        Assert.All(Render("{{date.past}}", 20), v => Assert.InRange(Parse(v), DateTime.Now.AddYears(-1).AddMinutes(-1), DateTime.Now.AddMinutes(1)));
        Assert.All(Render("{{date.future}}", 20), v => Assert.InRange(Parse(v), DateTime.Now.AddMinutes(-1), DateTime.Now.AddYears(1).AddMinutes(1)));
        Assert.All(Render("{{date.between([\"2020-01-01\",\"2020-02-01\"])}}", 20), v => Assert.InRange(Parse(v), new DateTime(2020, 1, 1), new DateTime(2020, 2, 1)));
    }

    [Fact]
    public void The_sensor_template_renders_json_of_its_shape()
    {
        const string template = """
            {
              "sensorId": {{random.number(50)}},
              "currentTemperature": {{random.number({"min":10,"max":150})}},
              "status": "{{random.arrayElement(["OK","FAIL","WARN"])}}"
            }
            """;
        foreach (var record in Render(template, 200))
        {
            Assert.DoesNotContain('\n', record);
            using var json = JsonDocument.Parse(record);
            Assert.InRange(json.RootElement.GetProperty("sensorId").GetInt32(), 0, 50);
            Assert.InRange(json.RootElement.GetProperty("currentTemperature").GetInt32(), 10, 150);
            Assert.Contains(json.RootElement.GetProperty("status").GetString(), new[] { "OK", "FAIL", "WARN" });
        }
    }

    [Fact]
    public void Argument_text_that_is_not_json_is_passed_as_text()
    {
        Assert.Matches(@"^\d{4}$", Render("{{date.now(YYYY)}}").Single());
        Assert.Equal("hello-world", Render("{{helpers.slugify(hello world)}}").Single());
        Assert.Matches(@"^\d\d\d-x$", Render("{{helpers.replaceSymbolWithNumber(###-x)}}").Single());
    }

    [Fact]
    public void The_same_seed_renders_the_same_records_and_another_seed_others()
    {
        const string template = "{{name.findName}}|{{random.uuid}}|{{random.number(1000000)}}|{{internet.ip}}|{{lorem.sentence}}";
        Assert.Equal(Render(template, 50, seed: 7), Render(template, 50, seed: 7));
        Assert.NotEqual(Render(template, 50, seed: 7), Render(template, 50, seed: 8));
        // The run's samples (the --test option) follow the seed the same way.
        var compiled = KdgTemplate.Compile(template);
        Assert.Equal(GeneratorRun.Samples(compiled, 5, 3).ToList(), GeneratorRun.Samples(compiled, 5, 3).ToList());
    }

    [Fact]
    public void Javascript_number_printing()
    {
        Assert.Equal("3", HelperArgument.JsNumber(3.0));
        Assert.Equal("-0.5", HelperArgument.JsNumber(-0.5));
        Assert.Equal("12345678901234", HelperArgument.JsNumber(12345678901234));
        Assert.Equal("0.1", HelperArgument.JsNumber(0.1));
    }

    [Theory]
    [InlineData("{\"a\": {{random.number(5)}", "Unterminated token at line 1, column 7")]
    [InlineData("line one\n  {{name.firstName}} {{nme.firstName}}", "Invalid module: nme (the token at line 2, column 22)")]
    [InlineData("{{name.first}}", "Invalid method: name.first (the token at line 1, column 1)")]
    [InlineData("x {{random.arrayElement([\"a\",\"b\")}}", "Bad argument of random.arrayElement at line 1, column 33: not valid JSON")]
    [InlineData("{{random.number({\"min\":1,\"max\":})}}", "Bad argument of random.number at line 1, column 32: not valid JSON")]
    [InlineData("{{random.arrayElement(OK,FAIL)}}", "Bad argument of random.arrayElement at line 1, column 23: expected a non-empty JSON array")]
    [InlineData("{{random.arrayElement}}", "Bad argument of random.arrayElement at line 1, column 3: expected a non-empty JSON array")]
    [InlineData("{{random.weightedArrayElement({\"weights\":[0.5],\"data\":[\"a\",\"b\"]})}}", "as many weights as data")]
    [InlineData("{{random.weightedArrayElement({\"weights\":[0,0],\"data\":[\"a\",\"b\"]})}}", "the weights add up to 0")]
    [InlineData("{{random.number({\"min\":10,\"max\":1})}}", "\"min\" is above \"max\"")]
    [InlineData("{{random.number({\"min\":\"1\"})}}", "\"min\" must be a number")]
    [InlineData("{{random.number(5}}", "Unclosed argument at line 1, column 16")]
    [InlineData("{{current.timestamp}} {{date.now(\"x\")}} {{", "Unterminated token at line 1, column 41")]
    public void Malformed_templates_fail_to_compile_naming_the_position(string template, string message)
    {
        var error = Assert.Throws<TemplateException>(() => KdgTemplate.Compile(template));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Every_helper_name_is_module_dot_method()
    {
        Assert.All(FakerHelpers.Names, n => Assert.Matches(@"^[a-z]+\.[a-zA-Z0-9]+$", n));
        Assert.Contains("random.weightedArrayElement", FakerHelpers.Names);
        Assert.Contains("date.utc", FakerHelpers.Names);
        Assert.Equal("ab{{date.now}}", KdgTemplate.Clean("a\r\nb{{current.timestamp}}"));
    }
}
