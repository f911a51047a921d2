// Appends to a partition log from several concurrent producers and prints one line per batch that the
// log reported durable: "durable <batch-index> <base-offset> <record-count>". The crash tests kill this
// process with SIGKILL at random moments and then check the log against what it printed.
//
// Usage: Tributary.Storage.CrashWriter <log-dir> <every-append|interval|os> <first-batch-index> [segment-bytes]
using System.Text;
using Tributary.Protocol.Records;
using Tributary.Storage;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: <log-dir> <every-append|interval|os> <first-batch-index> [segment-bytes]");
    return 2;
}
var policy = args[1] switch
{
    "every-append" => FlushPolicy.EveryAppend,
    "interval" => FlushPolicy.Interval,
    "os" => FlushPolicy.Os,
    _ => throw new ArgumentException("unknown policy " + args[1]),
};
var firstIndex = long.Parse(args[2]);
var segmentBytes = args.Length > 3 ? int.Parse(args[3]) : 256 * 1024;
var config = new LogConfig { FlushPolicy = policy, FlushIntervalMs = 5, SegmentBytes = segmentBytes };
using var log = PartitionLog.Open(args[0], config);
var output = Console.Out;
output.WriteLine($"ready {log.LogEndOffset}");
var next = firstIndex;
var producers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
{
    // Bounded: a run that is never killed still ends by itself.
    for (var n = 0; n < 200_000; n++)
    {
        var index = Interlocked.Increment(ref next) - 1;
        var batch = CrashBatch.Make(index);
        var result = log.Append(batch);
        await log.WaitForDurableAsync(result.EndOffset);
        lock (output)
        {
            output.WriteLine($"durable {index} {result.BaseOffset} {RecordBatch.RecordsCount(batch)}");
        }
    }
})).ToArray();
await Task.WhenAll(producers);
return 0;

/// <summary>The deterministic content of batch number <c>index</c>, so a checker can verify every byte.</summary>
public static class CrashBatch
{
    public static int RecordCount(long index) => 1 + (int)(index % 7);

    public static string Key(long index, int record) => $"b{index}-r{record}";

    public static byte[] Value(long index, int record)
    {
        var value = new byte[50 + (int)(index % 300)];
        for (var i = 0; i < value.Length; i++)
        {
            value[i] = (byte)(index * 31 + record * 7 + i);
        }
        return value;
    }

    public static byte[] Make(long index)
    {
        using var builder = new RecordBatchBuilder(1_700_000_000_000 + index);
        for (var r = 0; r < RecordCount(index); r++)
        {
            builder.Append(1_700_000_000_000 + index, Encoding.UTF8.GetBytes(Key(index, r)), Value(index, r));
        }
        return builder.ToArray(new BatchOptions());
    }
}
