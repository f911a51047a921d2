using System.Diagnostics;

namespace Tributary.Bench;

/// <summary>
/// A converter beside its reference on the same records (the JSON, Avro and Protobuf converter benchmarks): one warm-up
/// run each, then <c>repeat</c> alternating runs of <c>records</c> calls; reports the median records per second and
/// bytes allocated per record (on the calling thread) of each, with every run's pair in the note.
/// </summary>
public static class ConverterComparison
{
    public static void Compare(string bench, int records, int repeat, Func<int, object?> ours, string referenceName, Func<int, object?> reference)
    {
        // Warm-up to steady state (tiered JIT promotes the hot loops during it).
        Measure(ours, records);
        Measure(reference, records);
        var rates = new List<double>();
        var referenceRates = new List<double>();
        var allocations = new List<double>();
        var referenceAllocations = new List<double>();
        for (var run = 0; run < repeat; run++)
        {
            var (rate, allocated) = Measure(ours, records);
            var (referenceRate, referenceAllocated) = Measure(reference, records);
            rates.Add(rate);
            allocations.Add(allocated);
            referenceRates.Add(referenceRate);
            referenceAllocations.Add(referenceAllocated);
        }
        var note = "runs (ours/reference records/s): " + string.Join(", ", rates.Zip(referenceRates, (a, b) => $"{a:F0}/{b:F0}"));
        Report.Line(bench, "records_per_second", Report.Median(rates), "records/s", Report.Median(referenceRates), referenceName, note);
        Report.Line(bench, "allocated_bytes_per_record", Report.Median(allocations), "bytes", Report.Median(referenceAllocations), referenceName);
    }

    private static (double RecordsPerSecond, double BytesPerRecord) Measure(Func<int, object?> action, int records)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        object? sink = null;
        for (var i = 0; i < records; i++)
        {
            sink = action(i);
        }
        watch.Stop();
        GC.KeepAlive(sink);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return (records / watch.Elapsed.TotalSeconds, (double)allocated / records);
    }
}
