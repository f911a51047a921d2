using System.Diagnostics;
using System.Globalization;
using Tributary.Foundation.Buffers;

namespace Tributary.Bench.Codecs;

/// <summary>
/// Each hand-written codec against the package that could replace it, in the same run on the same bytes:
/// compress and decompress throughput (MB/s of uncompressed bytes, fastest of the trials, the two alternating),
/// managed bytes allocated per operation, and the compressed size. See bench/README.md.
/// </summary>
public static class CodecBenchmark
{
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromMilliseconds(500);

    public static int Run(string[] args)
    {
        var repeat = 15;
        var trialMiB = 4;
        string[] only = ["snappy", "lz4", "lz4_k4os_streams", "zstd", "crc32", "crc32c"];
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--repeat" when i + 1 < args.Length:
                    repeat = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--trial-mib" when i + 1 < args.Length:
                    trialMiB = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--only" when i + 1 < args.Length:
                    only = args[++i].Split(',');
                    break;
                default:
                    Console.Error.WriteLine("usage: Tributary.Bench codecs [--repeat N] [--trial-mib N] [--only snappy,lz4,lz4_k4os_streams,zstd,crc32,crc32c]");
                    return 2;
            }
        }

        var trialBytes = (long)trialMiB << 20;
        foreach (var pair in CodecPairs.All)
        {
            if (only.Contains(pair.Codec))
            {
                RunPair(pair, repeat, trialBytes);
            }
        }

        foreach (var pair in CodecPairs.Checksums)
        {
            if (only.Contains(pair.Name))
            {
                RunChecksum(pair, repeat, trialBytes);
            }
        }

        return 0;
    }

    private static void RunPair(CodecPair pair, int repeat, long trialBytes)
    {
        using var scratch = new PooledBufferWriter(4 << 20);
        foreach (var kind in CodecInputs.Kinds)
        {
            foreach (var (sizeName, size) in CodecInputs.Sizes)
            {
                var input = CodecInputs.Create(kind, size);
                var ownCompressed = Compress(pair.Own, input);
                var packageCompressed = Compress(pair.Package, input);
                CheckDecodes(pair.Own, packageCompressed, input, pair.Package.Name);
                CheckDecodes(pair.Package, ownCompressed, input, pair.Own.Name);
                var decodeInput = pair.DecodePackageOutput ? packageCompressed : ownCompressed;
                var decodeSource = pair.DecodePackageOutput ? pair.Package.Name : pair.Own.Name;
                var metric = $"{kind}_{sizeName}";
                var note = $"package: {pair.Package.Name}; in production: {pair.InProduction}";
                Console.Error.WriteLine($"codec_{pair.Codec} {metric}");

                Report.Line($"codec_{pair.Codec}_compressed_size", metric, packageCompressed.Length, "bytes", ownCompressed.Length, pair.Own.Name, note);

                var operations = Math.Max(1, trialBytes / size);
                var (ownCompress, packageCompress) = Alternate(
                    "compress",
                    repeat,
                    () => Time(operations, size, () => { scratch.Reset(); pair.Own.Compress(input, scratch); }),
                    () => Time(operations, size, () => { scratch.Reset(); pair.Package.Compress(input, scratch); }));
                Report.Line($"codec_{pair.Codec}_compress", metric, packageCompress, "MB/s", ownCompress, pair.Own.Name, note);
                Report.Line(
                    $"codec_{pair.Codec}_compress_alloc",
                    metric,
                    AllocatedPerOperation(() => { scratch.Reset(); pair.Package.Compress(input, scratch); }),
                    "bytes/op",
                    AllocatedPerOperation(() => { scratch.Reset(); pair.Own.Compress(input, scratch); }),
                    pair.Own.Name,
                    note);

                var (ownDecompress, packageDecompress) = Alternate(
                    "decompress",
                    repeat,
                    () => Time(operations, size, () => { scratch.Reset(); pair.Own.Decompress(decodeInput, scratch); }),
                    () => Time(operations, size, () => { scratch.Reset(); pair.Package.Decompress(decodeInput, scratch); }));
                Report.Line($"codec_{pair.Codec}_decompress", metric, packageDecompress, "MB/s", ownDecompress, pair.Own.Name, $"{note}; both decode {decodeSource}'s output");
                Report.Line(
                    $"codec_{pair.Codec}_decompress_alloc",
                    metric,
                    AllocatedPerOperation(() => { scratch.Reset(); pair.Package.Decompress(decodeInput, scratch); }),
                    "bytes/op",
                    AllocatedPerOperation(() => { scratch.Reset(); pair.Own.Decompress(decodeInput, scratch); }),
                    pair.Own.Name,
                    note);
                Console.Out.Flush();
            }
        }
    }

    private static void RunChecksum(ChecksumPair pair, int repeat, long trialBytes)
    {
        (string Name, int Size)[] sizes = [("8B", 8), ("100B", 100), .. CodecInputs.Sizes];
        foreach (var (sizeName, size) in sizes)
        {
            var input = CodecInputs.Create("random", size);
            if (pair.Own(input) != pair.Package(input))
            {
                throw new InvalidOperationException($"{pair.OwnName} and {pair.PackageName} disagree on {size} bytes");
            }

            var operations = Math.Max(1, trialBytes / size);
            var sink = 0u;
            Console.Error.WriteLine($"checksum_{pair.Name} random_{sizeName}");
            var (own, package) = Alternate(
                "checksum",
                repeat,
                () => Time(operations, size, () => sink ^= pair.Own(input)),
                () => Time(operations, size, () => sink ^= pair.Package(input)));
            var note = $"package: {pair.PackageName}; in production: {pair.InProduction}";
            Report.Line($"checksum_{pair.Name}", $"random_{sizeName}", package, "MB/s", own, pair.OwnName, note);
            Report.Line(
                $"checksum_{pair.Name}_alloc",
                $"random_{sizeName}",
                AllocatedPerOperation(() => sink ^= pair.Package(input)),
                "bytes/op",
                AllocatedPerOperation(() => sink ^= pair.Own(input)),
                pair.OwnName,
                note);
            GC.KeepAlive(sink);
        }
    }

    private static byte[] Compress(ICodecCandidate candidate, byte[] input)
    {
        using var output = new PooledBufferWriter(input.Length + 1024);
        candidate.Compress(input, output);
        return output.WrittenSpan.ToArray();
    }

    private static void CheckDecodes(ICodecCandidate decoder, byte[] compressed, byte[] expected, string encoder)
    {
        using var output = new PooledBufferWriter(expected.Length + 16);
        decoder.Decompress(compressed, output);
        if (!output.WrittenSpan.SequenceEqual(expected))
        {
            throw new InvalidOperationException($"{decoder.Name} does not decode {encoder}'s output of {expected.Length} bytes back to the input");
        }
    }

    /// <summary>
    /// Runs trials for at least <see cref="WarmUpTime"/>: long enough for the JIT to replace the first, unoptimised
    /// code of both sides (and the package's) with fully optimised code, which a long-running server runs. Without
    /// it managed code is measured at its slowest tier and native code is not, which flatters the native side.
    /// </summary>
    private static void WarmUp(Func<double> trial)
    {
        var stopwatch = Stopwatch.StartNew();
        do
        {
            trial();
        }
        while (stopwatch.Elapsed < WarmUpTime);
    }

    /// <summary>
    /// Warms up each (see <see cref="WarmUp"/>), then <paramref name="repeat"/> trials of each, alternating; returns the fastest trial of
    /// each. On a shared machine other work only ever slows a trial down, so the fastest one is the least disturbed
    /// (the medians go to standard error).
    /// </summary>
    private static (double First, double Second) Alternate(string label, int repeat, Func<double> first, Func<double> second)
    {
        WarmUp(first);
        WarmUp(second);
        var a = new List<double>();
        var b = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            a.Add(first());
            b.Add(second());
        }

        Console.Error.WriteLine($"  {label} MB/s, hand-written / package: median {Report.Format(Report.Median(a))} / {Report.Format(Report.Median(b))}, best {Report.Format(a.Max())} / {Report.Format(b.Max())}");
        return (a.Max(), b.Max());
    }

    /// <summary>MB/s (10^6 bytes of uncompressed input per second) over <paramref name="operations"/> calls.</summary>
    private static double Time(long operations, int size, Action operation)
    {
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0L; i < operations; i++)
        {
            operation();
        }

        return operations * (double)size / stopwatch.Elapsed.TotalSeconds / 1e6;
    }

    /// <summary>Managed bytes allocated on this thread per call, over 64 calls after a warm-up call.</summary>
    private static double AllocatedPerOperation(Action operation)
    {
        const int Calls = 64;
        operation();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            operation();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
    }
}
