using Tributary.MskConnect.Workers;

namespace Tributary.MskConnect.Tests;

/// <summary>
/// The autoscaler's decisions on a clock the test moves: one step per cooldown (a scale-out is not followed by another
/// step before the cooldown has passed, however loaded the samples), only on samples taken wholly while the group ran
/// everything, and within [min, max].
/// </summary>
public sealed class AutoscalePolicyTests
{
    private static readonly TimeSpan Sample = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(60);
    private static readonly DateTime Start = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);

    private static ConnectorPlan Plan(int min, int max) => new(
        "c", "V1", new Dictionary<string, string>(), new Dictionary<string, string>(), min, true, min, max, 1, 20, 80, "127.0.0.1:9092");

    [Fact]
    public void AfterAScaleOutNoStepHappensBeforeTheCooldownHasPassed()
    {
        var policy = new AutoscalePolicy(Sample, Cooldown);
        var plan = Plan(1, 4);
        // The first settled sample only starts the settled period: it did not run wholly while the group was settled.
        Assert.Equal(1, policy.Decide(Start, 95, settled: true, 1, plan));
        var firstStep = Start + Sample;
        Assert.Equal(2, policy.Decide(firstStep, 95, settled: true, 1, plan));
        // Still loaded, every sample until the cooldown ends: no step, however high.
        for (var at = firstStep + Sample; at < firstStep + Cooldown; at += Sample)
        {
            Assert.Equal(2, policy.Decide(at, 100, settled: true, 2, plan));
        }
        Assert.Equal(2, policy.Decide(firstStep + Cooldown - TimeSpan.FromMilliseconds(1), 100, settled: true, 2, plan));
        // The cooldown has passed: the next step out.
        Assert.Equal(3, policy.Decide(firstStep + Cooldown, 100, settled: true, 2, plan));
        // A step in is held by the cooldown just the same.
        Assert.Equal(3, policy.Decide(firstStep + Cooldown + Sample, 1, settled: true, 3, plan));
        Assert.Equal(2, policy.Decide(firstStep + (2 * Cooldown), 1, settled: true, 3, plan));
    }

    [Fact]
    public void SamplesWhileTheGroupIsNotSettledNeverScaleAndTheRangeHolds()
    {
        var policy = new AutoscalePolicy(Sample, Cooldown);
        var plan = Plan(2, 3);
        // Unsettled (workers starting, a rebalance): never a step, and the settled period starts over afterwards.
        Assert.Equal(2, policy.Decide(Start, 100, settled: false, 2, plan));
        Assert.Equal(2, policy.Decide(Start + Sample, 100, settled: true, 2, plan));
        Assert.Equal(2, policy.Decide(Start + (2 * Sample), 100, settled: false, 2, plan));
        Assert.Equal(2, policy.Decide(Start + (3 * Sample), 100, settled: true, 2, plan));
        Assert.Equal(3, policy.Decide(Start + (4 * Sample), 100, settled: true, 2, plan));
        // At the maximum a loaded sample after the cooldown changes nothing; at the minimum an idle one neither.
        Assert.Equal(3, policy.Decide(Start + (4 * Sample) + Cooldown, 100, settled: true, 3, plan));
        Assert.Equal(2, policy.Decide(Start + (4 * Sample) + (2 * Cooldown), 0, settled: true, 3, plan));
        Assert.Equal(2, policy.Decide(Start + (4 * Sample) + (4 * Cooldown), 0, settled: true, 2, plan));
        // Between the thresholds: no step.
        Assert.Equal(2, policy.Decide(Start + (4 * Sample) + (6 * Cooldown), 50, settled: true, 2, plan));
    }
}
