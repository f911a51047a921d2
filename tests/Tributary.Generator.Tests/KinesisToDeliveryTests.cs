using System.Globalization;
using System.Text.RegularExpressions;

namespace Tributary.Generator.Tests;

/// <summary>
/// The issue's demonstration: a Kinesis Data Generator template at 5,000 records/s for 60 s into a Kinesis stream that
/// feeds a delivery stream; the delivered objects hold every record, each of the template's shape. The one long test
/// (a minute of sending, then the delivery); everything else in this project is short.
/// </summary>
[Trait("Category", "process")]
public sealed class KinesisToDeliveryTests(GeneratorServer server) : IClassFixture<GeneratorServer>
{
    [Fact]
    public async Task A_template_at_5000_records_a_second_for_60_seconds_reaches_the_delivered_objects()
    {
        const int Rate = 5000;
        const int Total = Rate * 60;
        var arn = await server.CreateStreamAsync("sensors", 5);
        await server.CreateDeliveryStreamAsync("sensors-to-lake", "sensor-lake", arn);
        var template = server.WriteFile("sensor.json", GenerateCommandTests.SensorTemplate);

        var result = (await server.GenerateAsync(TimeSpan.FromSeconds(240), "--template", template, "--rate", Rate.ToString(CultureInfo.InvariantCulture),
            "--count", Total.ToString(CultureInfo.InvariantCulture), "--to", "kinesis:sensors")).EnsureSuccess();
        var summary = Regex.Match(result.StandardOutput, @"^Sent (\d+) records to kinesis:sensors in ([\d.]+) s \((\d+) records/s\), (\d+) errors\.", RegexOptions.Multiline);
        Assert.True(summary.Success, result.ToString());
        Assert.Equal(Total.ToString(CultureInfo.InvariantCulture), summary.Groups[1].Value);
        Assert.Equal("0", summary.Groups[4].Value);
        // The rate was kept: not faster than asked, and not more than a tenth slower.
        Assert.InRange(double.Parse(summary.Groups[2].Value, CultureInfo.InvariantCulture), 59.0, 66.0);

        await Eventually.HoldsAsync(() => server.DeliveredLines("sensor-lake").Count >= Total,
            () => $"{Total} records delivered; have {server.DeliveredLines("sensor-lake").Count}\n{server.Server.Output}", TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(1));
        var lines = server.DeliveredLines("sensor-lake");
        Assert.Equal(Total, lines.Count);
        // Every record of the template's shape, and each one once (the uuid tells them apart).
        Assert.Equal(Total, lines.Select(GenerateCommandTests.AssertSensorShape).Distinct().Count());
    }
}
