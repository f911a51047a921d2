using System.Diagnostics;
using System.Text;
using Bogus;
using Tributary.Generator.Targets;
using Tributary.Generator.Templates;

namespace Tributary.Generator;

/// <summary>What a run is asked for: a rate (records/s; null for as fast as the target takes them), and when to stop.</summary>
public sealed record GeneratorOptions
{
    /// <summary>Records per second, spread over ticks of <see cref="Tick"/>; null sends as fast as the target accepts.</summary>
    public double? Rate { get; init; }

    /// <summary>Stop after this many records (null: no limit).</summary>
    public long? Count { get; init; }

    /// <summary>Stop after this long (null: no limit).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>A seed for the helpers' randomness, for repeatable output (null: a random one).</summary>
    public int? Seed { get; init; }

    /// <summary>How often records are sent at a fixed rate (the generator sends a second's records every 1000 ms; finer ticks smooth the load).</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Records per send when there is no rate.</summary>
    public int UnlimitedBatch { get; init; } = 2000;
}

/// <summary>Where a run stands: records sent, refused or lost with a failed request, and for how long it has run.</summary>
public readonly record struct GeneratorProgress(long Sent, long Errors, TimeSpan Elapsed, double RecentRate)
{
    public double AverageRate => Elapsed.TotalSeconds > 0 ? Sent / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// One generator run: renders the template at the asked rate and sends each tick's records to the target, until the
/// count, the duration or cancellation ends it. Rate keeping: the run owes <c>rate × elapsed</c> records and sends what
/// it owes at each tick, so a slow send is caught up (bounded to one second's worth) rather than lowering the rate.
/// A failed send counts its records as errors, reports the error once per distinct message, and the run goes on.
/// Rendering reuses one buffer per tick: no per-record allocation beyond the helpers' own strings.
/// </summary>
public sealed class GeneratorRun(KdgTemplate template, IRecordTarget target, GeneratorOptions options)
{
    /// <summary>Renders <paramref name="count"/> records without sending them (the generator's "Test template").</summary>
    public static IEnumerable<string> Samples(KdgTemplate template, int count, int? seed)
    {
        var faker = NewFaker(seed);
        for (var i = 0; i < count; i++)
        {
            yield return template.Render(faker);
        }
    }

    private static Faker NewFaker(int? seed) => new() { Random = seed is { } s ? new Randomizer(s) : new Randomizer() };

    public async Task<GeneratorProgress> RunAsync(Action<GeneratorProgress>? onSecond, Action<string>? onError, CancellationToken cancellationToken)
    {
        var faker = NewFaker(options.Seed);
        var text = new StringBuilder(1024);
        var encoder = Encoding.UTF8.GetEncoder();
        var arena = new byte[64 * 1024];
        var records = new List<ReadOnlyMemory<byte>>();
        var ranges = new List<(int Start, int Length)>();
        var clock = Stopwatch.StartNew();
        var seenErrors = new HashSet<string>(StringComparer.Ordinal);
        long sent = 0, errors = 0, lastSecondSent = 0;
        var lastSecond = TimeSpan.Zero;
        var recentRate = 0.0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var elapsed = clock.Elapsed;
            if (options.Duration is { } duration && elapsed >= duration)
            {
                break;
            }
            var remaining = options.Count is { } count ? count - sent - errors : long.MaxValue;
            if (remaining <= 0)
            {
                break;
            }
            long due;
            if (options.Rate is { } rate)
            {
                var owed = (long)(rate * elapsed.TotalSeconds) - sent - errors;
                due = Math.Min(Math.Max(0, owed), (long)Math.Ceiling(rate));
                if (due == 0)
                {
                    await Task.Delay(options.Tick, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }
            else
            {
                due = options.UnlimitedBatch;
            }
            due = Math.Min(due, remaining);

            // Render this tick's records back to back into the arena.
            ranges.Clear();
            var used = 0;
            for (var i = 0; i < due; i++)
            {
                text.Clear();
                template.Render(faker, text);
                var size = Encoding.UTF8.GetMaxByteCount(text.Length);
                if (arena.Length - used < size)
                {
                    Array.Resize(ref arena, Math.Max(arena.Length * 2, used + size));
                }
                var written = 0;
                foreach (var chunk in text.GetChunks())
                {
                    written += encoder.GetBytes(chunk.Span, arena.AsSpan(used + written), flush: false);
                }
                written += encoder.GetBytes([], arena.AsSpan(used + written), flush: true);
                ranges.Add((used, written));
                used += written;
            }
            records.Clear();
            foreach (var (start, length) in ranges)
            {
                records.Add(arena.AsMemory(start, length));
            }

            try
            {
                var refused = await target.SendAsync(records, cancellationToken).ConfigureAwait(false);
                sent += records.Count - refused;
                errors += refused;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                errors += records.Count;
                if (seenErrors.Add(e.Message))
                {
                    onError?.Invoke(e.Message);
                }
                // A destination that refuses everything must not be hammered: wait a tick before the next try.
                await Task.Delay(options.Tick, cancellationToken).ConfigureAwait(false);
            }

            var now = clock.Elapsed;
            if (now - lastSecond >= TimeSpan.FromSeconds(1))
            {
                recentRate = (sent - lastSecondSent) / (now - lastSecond).TotalSeconds;
                lastSecond = now;
                lastSecondSent = sent;
                onSecond?.Invoke(new GeneratorProgress(sent, errors, now, recentRate));
            }
        }
        return new GeneratorProgress(sent, errors, clock.Elapsed, recentRate);
    }
}
