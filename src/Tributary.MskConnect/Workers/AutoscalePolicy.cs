namespace Tributary.MskConnect.Workers;

/// <summary>
/// The autoscaler's decision, apart from the processes it measures so it can be checked against a clock the caller
/// gives: on each CPU sample, the mean use per worker as a share of its MCUs above the scale-out percentage asks for
/// one worker more, below the scale-in one for one fewer, within [min, max]. It acts only on a sample taken wholly
/// while the group ran its connector and all its tasks (starting workers and a rebalancing group burn CPU that says
/// nothing about the load), and at most once per cooldown, counted from the previous step: a new worker first has to
/// join and take tasks before its effect can be measured. Not thread-safe: owned by one <see cref="ConnectorRuntime"/>.
/// </summary>
internal sealed class AutoscalePolicy(TimeSpan sampleInterval, TimeSpan cooldown)
{
    private DateTime _lastStep = DateTime.MinValue;
    private DateTime? _settledSince;

    /// <summary>
    /// The worker count to run after a sample taken at <paramref name="now"/> (UTC, never earlier than the previous
    /// call's): <paramref name="percent"/> is the sampled CPU per MCU, <paramref name="settled"/> whether the group ran
    /// everything at the last status read, <paramref name="current"/> the workers it runs now. Returns
    /// <paramref name="current"/> when no step is due.
    /// </summary>
    public int Decide(DateTime now, double percent, bool settled, int current, ConnectorPlan plan)
    {
        var settledSample = settled && _settledSince is { } since && since <= now - sampleInterval;
        _settledSince = settled ? _settledSince ?? now : null;
        if (!settledSample || now - _lastStep < cooldown)
        {
            return current;
        }
        var next = percent > plan.ScaleOutPercent ? current + 1 : percent < plan.ScaleInPercent ? current - 1 : current;
        next = Math.Clamp(next, plan.MinWorkers, plan.MaxWorkers);
        if (next != current)
        {
            _lastStep = now;
        }
        return next;
    }
}
