using Tributary.Connect.Runtime.Distributed;

namespace Tributary.Connect.Tests;

/// <summary>
/// The leader's incremental cooperative assignment, round by round as the group would run it (each member rejoins
/// with what it kept: its assignment minus what was revoked): a departed worker's connectors are held for
/// scheduled.rebalance.max.delay.ms and then reassigned, a worker that returns (same URL, any member id) gets them
/// back at once, a new worker gets its share by revocation first and assignment in the next round, and no connector
/// is ever assigned to two workers.
/// </summary>
public sealed class IncrementalCooperativeAssignorTests
{
    private static readonly Dictionary<string, int> Connectors = new(StringComparer.Ordinal) { ["c1"] = 2, ["c2"] = 1, ["c3"] = 1, ["c4"] = 3 };

    [Fact]
    public void A_departed_workers_connectors_are_held_for_the_delay_then_reassigned()
    {
        var group = new Group(TimeSpan.FromSeconds(10));
        group.Join("A");
        group.Join("B");
        group.Round(0);
        group.Round(1); // settles the initial balance
        var ofB = group.Held["B"].ToList();
        Assert.Equal(2, ofB.Count);
        Assert.Equal(2, group.Held["A"].Count);

        group.Leave("B");
        var first = group.Round(1_000);
        Assert.Equal(10_000, first["A"].DelayMs);
        Assert.DoesNotContain(ofB, c => group.Held["A"].Contains(c));

        var second = group.Round(6_000);
        Assert.Equal(5_000, second["A"].DelayMs); // counted from the round that lost them, not restarted
        Assert.DoesNotContain(ofB, c => group.Held["A"].Contains(c));

        var third = group.Round(11_000);
        Assert.Equal(0, third["A"].DelayMs);
        Assert.Equal(Connectors.Keys.Order(StringComparer.Ordinal), group.Held["A"].Order(StringComparer.Ordinal));
        // The tasks come with the connector: task -1 (the connector) and 0..n-1.
        Assert.Equal([-1, 0, 1, 2], third["A"].Assigned.Units["c4"]);
    }

    [Fact]
    public void A_worker_that_comes_back_under_a_new_member_id_gets_its_connectors_back_at_once()
    {
        // Its session expired (or it restarted): it stopped its work and rejoins empty under a new member id, from
        // the same URL. Waiting out the delay would leave its connectors idle for nothing; nobody else got them.
        var group = new Group(TimeSpan.FromSeconds(10));
        group.Join("A");
        group.Join("B");
        group.Round(0);
        group.Round(1);
        var ofB = group.Held["B"].ToList();
        group.Leave("B");
        var lost = group.Round(1_000);
        Assert.Equal(10_000, lost["A"].DelayMs);
        group.Join("B-2", url: "http://B");
        var back = group.Round(2_000);
        Assert.Equal(0, back["B-2"].DelayMs);
        Assert.Equal(ofB.Order(StringComparer.Ordinal), group.Held["B-2"].Order(StringComparer.Ordinal));
        Assert.Equal(2, group.Held["A"].Count);
    }

    [Fact]
    public void A_lone_worker_whose_session_expired_is_not_kept_waiting_for_its_own_connectors()
    {
        // The embedded worker alone in its group: it lost its membership under load, stopped everything and rejoined
        // with a new member id; as the leader it must hand its connectors straight back to itself.
        var group = new Group(TimeSpan.FromMinutes(5));
        group.Join("A-1", url: "http://A");
        group.Round(0);
        Assert.Equal(4, group.Held["A-1"].Count);
        group.Leave("A-1");
        group.Join("A-2", url: "http://A");
        var round = group.Round(15_000);
        Assert.Equal(0, round["A-2"].DelayMs);
        Assert.Equal(Connectors.Keys.Order(StringComparer.Ordinal), group.Held["A-2"].Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_zero_delay_reassigns_at_once()
    {
        var group = new Group(TimeSpan.Zero);
        group.Join("A");
        group.Join("B");
        group.Round(0);
        group.Round(1);
        group.Leave("B");
        var round = group.Round(2);
        Assert.Equal(0, round["A"].DelayMs);
        Assert.Equal(4, group.Held["A"].Count);
    }

    [Fact]
    public void A_new_worker_is_balanced_by_revoking_first_and_assigning_in_the_next_round()
    {
        var group = new Group(TimeSpan.FromSeconds(10));
        group.Join("A");
        group.Round(0);
        Assert.Equal(4, group.Held["A"].Count);

        group.Join("B");
        var revoking = group.Round(100);
        Assert.Equal(2, revoking["A"].Revoked.Units.Count);
        Assert.Empty(revoking["B"].Assigned.Units);
        var moved = revoking["A"].Revoked.Units.Keys.ToList();

        group.Round(200);
        Assert.Equal(moved.Order(StringComparer.Ordinal), group.Held["B"].Order(StringComparer.Ordinal));
        Assert.Equal(2, group.Held["A"].Count);

        group.Join("C");
        group.Round(300);
        group.Round(400);
        var loads = group.Held.Values.Select(h => h.Count).ToList();
        Assert.True(loads.Max() - loads.Min() <= 1, "unbalanced: " + string.Join(", ", group.Held.Select(h => $"{h.Key}={h.Value.Count}")));
    }

    [Fact]
    public void A_connector_claimed_by_two_workers_is_revoked_from_one_and_deleted_connectors_from_all()
    {
        var assignor = new IncrementalCooperativeAssignor(TimeSpan.FromSeconds(10));
        var both = WorkerAssignment.From([("c1", -1), ("c1", 0), ("gone", -1)]);
        var result = assignor.Assign(new Dictionary<string, ConnectMetadata>
        {
            ["A"] = new(1, "a", 0, both),
            ["B"] = new(1, "b", 0, WorkerAssignment.From([("c1", -1)])),
        }, new Dictionary<string, int> { ["c1"] = 1 }, 0, eager: false);
        Assert.Equal(["c1"], result["A"].Assigned.Units.Keys);
        Assert.Equal(["gone"], result["A"].Revoked.Units.Keys);
        Assert.Equal(["c1"], result["B"].Revoked.Units.Keys);
        Assert.DoesNotContain("c1", result["B"].Assigned.Units.Keys);
    }

    /// <summary>
    /// The members of a group and what each runs; <see cref="Round"/> runs the assignor and applies its answer the way
    /// a member does (stop what is revoked, start what is assigned), checking that no connector runs on two members.
    /// </summary>
    private sealed class Group(TimeSpan delay)
    {
        private readonly IncrementalCooperativeAssignor _assignor = new(delay);

        public Dictionary<string, HashSet<string>> Held { get; } = new(StringComparer.Ordinal);

        private readonly Dictionary<string, Dictionary<string, IReadOnlyList<int>>> _units = new(StringComparer.Ordinal);

        private readonly Dictionary<string, string> _urls = new(StringComparer.Ordinal);

        /// <param name="url">The worker's REST URL (default: one of its own); a restarted worker keeps its URL under a new member id.</param>
        public void Join(string member, string? url = null)
        {
            _urls[member] = url ?? "http://" + member;
            Held[member] = new HashSet<string>(StringComparer.Ordinal);
            _units[member] = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        }

        public void Leave(string member)
        {
            Held.Remove(member);
            _units.Remove(member);
        }

        public IReadOnlyDictionary<string, (WorkerAssignment Assigned, WorkerAssignment Revoked, int DelayMs)> Round(long nowMs)
        {
            var members = Held.Keys.ToDictionary(m => m, m => new ConnectMetadata(1, _urls[m], 0, new WorkerAssignment(_units[m].ToDictionary(u => u.Key, u => u.Value, StringComparer.Ordinal))), StringComparer.Ordinal);
            var result = _assignor.Assign(members, Connectors, nowMs, eager: false);
            foreach (var (member, answer) in result)
            {
                foreach (var connector in answer.Revoked.Units.Keys)
                {
                    Held[member].Remove(connector);
                    _units[member].Remove(connector);
                }
            }
            foreach (var (member, answer) in result)
            {
                // The assignment is the member's whole share: it never drops what the member kept without revoking it.
                Assert.True(Held[member].All(answer.Assigned.Units.ContainsKey), $"{member} at {nowMs} lost a connector it was not told to revoke");
                foreach (var (connector, tasks) in answer.Assigned.Units)
                {
                    var elsewhere = Held.Where(h => h.Key != member && h.Value.Contains(connector)).Select(h => h.Key).ToList();
                    Assert.True(elsewhere.Count == 0, $"{connector} assigned to {member} at {nowMs} while {string.Join(",", elsewhere)} still runs it");
                    Held[member].Add(connector);
                    _units[member][connector] = tasks;
                }
            }
            return result;
        }
    }
}
