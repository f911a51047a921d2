namespace Tributary.Bench;

/// <summary>
/// Garbage collections (per generation) and total GC pause over a measured span, for the stderr line beside a run's
/// figure: gen2 collections are the expensive ones (large-object-heap budget exhaustion triggers them, and each walks
/// every live buffered record).
/// </summary>
public readonly struct GcCounts
{
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;
    private readonly TimeSpan _pause;

    private GcCounts(int gen0, int gen1, int gen2, TimeSpan pause)
    {
        _gen0 = gen0;
        _gen1 = gen1;
        _gen2 = gen2;
        _pause = pause;
    }

    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    /// <summary>The collections and pause since <paramref name="start"/>, as "gen0 N, gen1 N, gen2 N, pause S s".</summary>
    public static string Since(GcCounts start)
    {
        var now = Now();
        return $"gen0 {now._gen0 - start._gen0}, gen1 {now._gen1 - start._gen1}, gen2 {now._gen2 - start._gen2}, GC pause {(now._pause - start._pause).TotalSeconds:F2} s";
    }
}
