using System.Globalization;

namespace Tributary.Bench;

public sealed record BenchOptions
{
    /// <summary>Where benchmark files go; on the disk being measured.</summary>
    public string Directory { get; init; } = Path.Combine(Path.GetTempPath(), "tributary-bench");

    /// <summary>Bytes appended per throughput run.</summary>
    public long VolumeMiB { get; init; } = 2048;

    public int BatchKiB { get; init; } = 16;

    /// <summary>Size of the log reopened in the reopen benchmark.</summary>
    public int ReopenGiB { get; init; } = 4;

    /// <summary>Repetitions of each throughput pair; the median is reported.</summary>
    public int Repeat { get; init; } = 3;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--dir" => options with { Directory = value },
                "--volume-mib" => options with { VolumeMiB = long.Parse(value, CultureInfo.InvariantCulture) },
                "--batch-kib" => options with { BatchKiB = int.Parse(value, CultureInfo.InvariantCulture) },
                "--reopen-gib" => options with { ReopenGiB = int.Parse(value, CultureInfo.InvariantCulture) },
                "--repeat" => options with { Repeat = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException("unknown option " + args[i]),
            };
        }
        return options;
    }
}
