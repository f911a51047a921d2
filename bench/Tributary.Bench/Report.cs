using System.Globalization;
using System.Text.Json;

namespace Tributary.Bench;

/// <summary>Writes one benchmark result as a JSON line on standard output.</summary>
public static class Report
{
    public static void Line(string bench, string metric, double value, string unit, double reference, string referenceName, string? note = null)
    {
        var ratio = reference == 0 ? (double?)null : Math.Round(value / reference, 3);
        var line = new Dictionary<string, object?>
        {
            ["bench"] = bench,
            ["metric"] = metric,
            ["value"] = Math.Round(value, 3),
            ["unit"] = unit,
            ["reference"] = Math.Round(reference, 3),
            ["reference_name"] = referenceName,
            ["ratio"] = ratio,
        };
        if (note is not null)
        {
            line["note"] = note;
        }
        Console.WriteLine(JsonSerializer.Serialize(line));
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
