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
/// One send is in flight at a time, in order, while the next tick's records are rendered into the other of two
/// reused buffers (rendering and the destination's round trip overlap; no per-record allocation beyond the helpers'
/// own strings).
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
        // Two tick buffers: the next tick is rendered into one while the other's send is in flight.
        var buffers = new[] { new TickBuffer(), new TickBuffer() };
        var current = 0;
        Task<int>? inFlight = null;
        var inFlightCount = 0;
        var clock = Stopwatch.StartNew();
        var seenErrors = new HashSet<string>(StringComparer.Ordinal);
        long sent = 0, errors = 0, lastSecondSent = 0;
        var lastSecond = TimeSpan.Zero;
        var recentRate = 0.0;

        // Waits for the send in flight (if any) and counts its records as sent, refused or failed.
        async Task<bool> CompleteAsync()
        {
            if (inFlight is null)
            {
                return true;
            }
            var count = inFlightCount;
            var task = inFlight;
            inFlight = null;
            inFlightCount = 0;
            try
            {
                var refused = await task.ConfigureAwait(false);
                sent += count - refused;
                errors += refused;
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e)
            {
                errors += count;
                if (seenErrors.Add(e.Message))
                {
                    onError?.Invoke(e.Message);
                }
                // A destination that refuses everything must not be hammered: wait a tick before the next try.
                try
                {
                    await Task.Delay(options.Tick, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
                return true;
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var elapsed = clock.Elapsed;
            if (options.Duration is { } duration && elapsed >= duration)
            {
                break;
            }
            var remaining = options.Count is { } count ? count - sent - errors - inFlightCount : long.MaxValue;
            if (remaining <= 0)
            {
                break;
            }
            long due;
            if (options.Rate is { } rate)
            {
                var owed = (long)(rate * elapsed.TotalSeconds) - sent - errors - inFlightCount;
                due = Math.Min(Math.Max(0, owed), (long)Math.Ceiling(rate));
                if (due == 0)
                {
                    if (!await CompleteAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                    try
                    {
                        await Task.Delay(options.Tick, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    continue;
                }
            }
            else
            {
                due = options.UnlimitedBatch;
            }
            due = Math.Min(due, remaining);

            var buffer = buffers[current];
            buffer.Render(template, faker, text, encoder, due);
            if (!await CompleteAsync().ConfigureAwait(false))
            {
                break;
            }
            inFlight = target.SendAsync(buffer.Records, cancellationToken);
            inFlightCount = buffer.Records.Count;
            current ^= 1;

            var now = clock.Elapsed;
            if (now - lastSecond >= TimeSpan.FromSeconds(1))
            {
                recentRate = (sent - lastSecondSent) / (now - lastSecond).TotalSeconds;
                lastSecond = now;
                lastSecondSent = sent;
                onSecond?.Invoke(new GeneratorProgress(sent, errors, now, recentRate));
            }
        }
        await CompleteAsync().ConfigureAwait(false);
        return new GeneratorProgress(sent, errors, clock.Elapsed, recentRate);
    }

    /// <summary>One tick's records, rendered back to back into one arena (reused tick after tick).</summary>
    private sealed class TickBuffer
    {
        private byte[] _arena = new byte[64 * 1024];
        private readonly List<(int Start, int Length)> _ranges = [];

        public List<ReadOnlyMemory<byte>> Records { get; } = [];

        public void Render(KdgTemplate template, Faker faker, StringBuilder text, Encoder encoder, long count)
        {
            _ranges.Clear();
            var used = 0;
            for (var i = 0; i < count; i++)
            {
                text.Clear();
                template.Render(faker, text);
                var size = Encoding.UTF8.GetMaxByteCount(text.Length);
                if (_arena.Length - used < size)
                {
                    Array.Resize(ref _arena, Math.Max(_arena.Length * 2, used + size));
                }
                var written = 0;
                foreach (var chunk in text.GetChunks())
                {
                    written += encoder.GetBytes(chunk.Span, _arena.AsSpan(used + written), flush: false);
                }
                written += encoder.GetBytes([], _arena.AsSpan(used + written), flush: true);
                _ranges.Add((used, written));
                used += written;
            }
            // The arena may have grown: the records are sliced once it holds them all.
            Records.Clear();
            foreach (var (start, length) in _ranges)
            {
                Records.Add(_arena.AsMemory(start, length));
            }
        }
    }
}
