using Tributary.Connect.Runtime.Distributed;

namespace Tributary.Connect.Tests;

/// <summary>
/// The leader's incremental cooperative assignment, round by round as the group would run it (each member rejoins
/// with what it kept: its assignment minus what was revoked). Connector instances (task -1) and tasks are placed each
/// on its own and balanced by kind, so one connector's tasks spread over the workers; a departed worker's units are
/// held for scheduled.rebalance.max.delay.ms and then reassigned, a worker that returns (same URL, any member id)
/// gets them back at once, a new worker gets its share by revocation first and assignment in the next round, and no
/// unit is ever assigned to two workers.
/// </summary>
public sealed class IncrementalCooperativeAssignorTests
{
    private static readonly Dictionary<string, int> Connectors = new(StringComparer.Ordinal) { ["c1"] = 2, ["c2"] = 1, ["c3"] = 1, ["c4"] = 3 };

    private const int Units = 4 + 7;

    [Fact]
    public void A_departed_workers_units_are_held_for_the_delay_then_reassigned()
    {
        var group = new Group(TimeSpan.FromSeconds(10));
        group.Join("A");
        group.Join("B");
        group.Round(0);
        group.Round(1); // settles the initial balance
        var ofB = group.Held["B"].ToList();
        Assert.Equal(2, ofB.Count(u => u.Task < 0));
        Assert.Equal(2, group.Held["A"].Count(u => u.Task < 0));
        Assert.InRange(ofB.Count(u => u.Task >= 0), 3, 4);

        group.Leave("B");
        var first = group.Round(1_000);
        Assert.Equal(10_000, first["A"].DelayMs);
        Assert.DoesNotContain(ofB, group.Held["A"].Contains);

        var second = group.Round(6_000);
        Assert.Equal(5_000, second["A"].DelayMs); // counted from the round that lost them, not restarted
        Assert.DoesNotContain(ofB, group.Held["A"].Contains);

        var third = group.Round(11_000);
        Assert.Equal(0, third["A"].DelayMs);
        Assert.Equal(Units, group.Held["A"].Count);
        Assert.Equal([-1, 0, 1, 2], third["A"].Assigned.Units["c4"]);
    }

    [Fact]
    public void One_connector_s_tasks_spread_over_the_workers_and_its_instance_counts_apart()
    {
        // Kafka's assignor balances connectors and tasks separately: with one connector of four tasks on two
        // workers, one runs the instance, and each runs two tasks.
        var group = new Group(TimeSpan.FromSeconds(10), new Dictionary<string, int>(StringComparer.Ordinal) { ["wide"] = 4 });
        group.Join("A");
        group.Join("B");
        group.Round(0);
        Assert.Equal(1, group.Held.Values.Count(h => h.Contains(("wide", -1))));
        Assert.All(group.Held.Values, h => Assert.Equal(2, h.Count(u => u.Task >= 0)));

        // Three workers, six tasks and a second connector: instances 1/1/0, tasks 2/2/2.
        var three = new Group(TimeSpan.FromSeconds(10), new Dictionary<string, int>(StringComparer.Ordinal) { ["wide"] = 6, ["small"] = 0 });
        three.Join("A");
        three.Join("B");
        three.Join("C");
        three.Round(0);
        Assert.Equal([0, 1, 1], three.Held.Values.Select(h => h.Count(u => u.Task < 0)).Order());
        Assert.All(three.Held.Values, h => Assert.Equal(2, h.Count(u => u.Task >= 0)));
    }

    [Fact]
    public void A_new_worker_takes_half_of_a_connector_s_tasks_by_revocation_first()
    {
        var group = new Group(TimeSpan.FromSeconds(10), new Dictionary<string, int>(StringComparer.Ordinal) { ["wide"] = 4 });
        group.Join("A");
        group.Round(0);
        Assert.Equal(5, group.Held["A"].Count);

        group.Join("B");
        var revoking = group.Round(100);
        Assert.Equal([2, 3], revoking["A"].Revoked.Units["wide"]);
        Assert.Empty(revoking["B"].Assigned.Units);

        group.Round(200);
        Assert.Equal(new[] { ("wide", 2), ("wide", 3) }, group.Held["B"].Order());
        Assert.Equal(new[] { ("wide", -1), ("wide", 0), ("wide", 1) }, group.Held["A"].Order());
    }

    [Fact]
    public void A_changed_task_count_places_new_task_ids_and_revokes_those_that_no_longer_exist()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal) { ["wide"] = 0 };
        var group = new Group(TimeSpan.FromSeconds(10), counts);
        group.Join("A");
        group.Join("B");
        group.Round(0);
        // Created: only the instance exists until its worker commits task configurations.
        Assert.Equal(1, group.Held.Values.Sum(h => h.Count));

        counts["wide"] = 4;
        group.Round(100);
        Assert.All(group.Held.Values, h => Assert.Equal(2, h.Count(u => u.Task >= 0)));

        counts["wide"] = 2;
        var shrunk = group.Round(200);
        Assert.Equal([2, 3], shrunk.Values.SelectMany(a => a.Revoked.Pairs).Select(u => u.Task).Order());
        group.Round(300);
        Assert.Equal([0, 1], group.Held.Values.SelectMany(h => h).Where(u => u.Task >= 0).Select(u => u.Task).Order());
        Assert.All(group.Held.Values, h => Assert.Equal(1, h.Count(u => u.Task >= 0)));
    }

    [Fact]
    public void A_worker_that_comes_back_under_a_new_member_id_gets_its_units_back_at_once()
    {
        // Its session expired (or it restarted): it stopped its work and rejoins empty under a new member id, from
        // the same URL. Waiting out the delay would leave its work idle for nothing; nobody else got it.
        var group = new Group(TimeSpan.FromSeconds(10));
        group.Join("A");
        group.Join("B");
        group.Round(0);
        group.Round(1);
        var ofB = group.Held["B"].ToList();
        var ofA = group.Held["A"].Count;
        group.Leave("B");
        var lost = group.Round(1_000);
        Assert.Equal(10_000, lost["A"].DelayMs);
        group.Join("B-2", url: "http://B");
        var back = group.Round(2_000);
        Assert.Equal(0, back["B-2"].DelayMs);
        Assert.Equal(ofB.Order(), group.Held["B-2"].Order());
        Assert.Equal(ofA, group.Held["A"].Count);
    }

    [Fact]
    public void A_lone_worker_whose_session_expired_is_not_kept_waiting_for_its_own_units()
    {
        // The embedded worker alone in its group: it lost its membership under load, stopped everything and rejoined
        // with a new member id; as the leader it must hand its work straight back to itself.
        var group = new Group(TimeSpan.FromMinutes(5));
        group.Join("A-1", url: "http://A");
        group.Round(0);
        Assert.Equal(Units, group.Held["A-1"].Count);
        group.Leave("A-1");
        group.Join("A-2", url: "http://A");
        var round = group.Round(15_000);
        Assert.Equal(0, round["A-2"].DelayMs);
        Assert.Equal(Units, group.Held["A-2"].Count);
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
        Assert.Equal(Units, group.Held["A"].Count);
    }

    [Fact]
    public void A_new_worker_is_balanced_by_revoking_first_and_assigning_in_the_next_round()
    {
        var group = new Group(TimeSpan.FromSeconds(10));
        group.Join("A");
        group.Round(0);
        Assert.Equal(Units, group.Held["A"].Count);

        group.Join("B");
        var revoking = group.Round(100);
        var moved = revoking["A"].Revoked.Pairs.ToList();
        Assert.Equal(2, moved.Count(u => u.Task < 0));
        Assert.Equal(3, moved.Count(u => u.Task >= 0));
        Assert.Empty(revoking["B"].Assigned.Units);

        group.Round(200);
        Assert.Equal(moved.Order(), group.Held["B"].Order());
        Assert.Equal(Units - moved.Count, group.Held["A"].Count);

        group.Join("C");
        group.Round(300);
        group.Round(400);
        foreach (var isTask in new[] { false, true })
        {
            var loads = group.Held.Values.Select(h => h.Count(u => u.Task >= 0 == isTask)).ToList();
            Assert.True(loads.Max() - loads.Min() <= 1, $"unbalanced {(isTask ? "tasks" : "instances")}: " + string.Join(", ", group.Held.Select(h => $"{h.Key}={h.Value.Count}")));
        }
    }

    [Fact]
    public void A_unit_claimed_by_two_workers_is_revoked_from_one_and_deleted_connectors_from_all()
    {
        var assignor = new IncrementalCooperativeAssignor(TimeSpan.FromSeconds(10));
        var both = WorkerAssignment.From([("c1", -1), ("c1", 0), ("gone", -1)]);
        var result = assignor.Assign(new Dictionary<string, ConnectMetadata>
        {
            ["A"] = new(1, "a", 0, both),
            ["B"] = new(1, "b", 0, WorkerAssignment.From([("c1", -1), ("c1", 5)])),
        }, new Dictionary<string, int> { ["c1"] = 1 }, 0, eager: false);
        Assert.Equal([-1, 0], result["A"].Assigned.Units["c1"]);
        Assert.Equal(["gone"], result["A"].Revoked.Units.Keys);
        // B's copy of the instance and its task 5 (beyond the one committed task) are revoked.
        Assert.Equal([-1, 5], result["B"].Revoked.Units["c1"]);
        Assert.DoesNotContain("c1", result["B"].Assigned.Units.Keys);
    }

    [Fact]
    public void An_eager_round_assigns_everything_from_scratch_balanced_by_kind()
    {
        var assignor = new IncrementalCooperativeAssignor(TimeSpan.FromSeconds(10));
        var result = assignor.Assign(new Dictionary<string, ConnectMetadata>
        {
            ["A"] = new(0, "a", 0, null),
            ["B"] = new(0, "b", 0, null),
        }, new Dictionary<string, int> { ["c1"] = 4 }, 0, eager: true);
        Assert.Equal([-1, 0, 2], result["A"].Assigned.Units["c1"]);
        Assert.Equal([1, 3], result["B"].Assigned.Units["c1"]);
        Assert.All(result.Values, r => Assert.Empty(r.Revoked.Units));
    }

    /// <summary>
    /// The members of a group and what each runs; <see cref="Round"/> runs the assignor and applies its answer the way
    /// a member does (stop what is revoked, start what is assigned), checking that no unit runs on two members.
    /// </summary>
    private sealed class Group(TimeSpan delay, Dictionary<string, int>? connectors = null)
    {
        private readonly IncrementalCooperativeAssignor _assignor = new(delay);

        private readonly Dictionary<string, int> _connectors = connectors ?? Connectors;

        /// <summary>Member → the units it runs (connector, task; the instance as task -1).</summary>
        public Dictionary<string, HashSet<(string Connector, int Task)>> Held { get; } = new(StringComparer.Ordinal);

        private readonly Dictionary<string, string> _urls = new(StringComparer.Ordinal);

        /// <param name="url">The worker's REST URL (default: one of its own); a restarted worker keeps its URL under a new member id.</param>
        public void Join(string member, string? url = null)
        {
            _urls[member] = url ?? "http://" + member;
            Held[member] = [];
        }

        public void Leave(string member) => Held.Remove(member);

        public IReadOnlyDictionary<string, (WorkerAssignment Assigned, WorkerAssignment Revoked, int DelayMs)> Round(long nowMs)
        {
            var members = Held.Keys.ToDictionary(m => m, m => new ConnectMetadata(1, _urls[m], 0, WorkerAssignment.From(Held[m])), StringComparer.Ordinal);
            var result = _assignor.Assign(members, _connectors, nowMs, eager: false);
            foreach (var (member, answer) in result)
            {
                Held[member].ExceptWith(answer.Revoked.Pairs);
            }
            foreach (var (member, answer) in result)
            {
                // The assignment is the member's whole share: it never drops what the member kept without revoking it.
                var assigned = answer.Assigned.Pairs.ToHashSet();
                Assert.True(Held[member].All(assigned.Contains), $"{member} at {nowMs} lost a unit it was not told to revoke");
                foreach (var unit in assigned)
                {
                    var elsewhere = Held.Where(h => h.Key != member && h.Value.Contains(unit)).Select(h => h.Key).ToList();
                    Assert.True(elsewhere.Count == 0, $"{unit} assigned to {member} at {nowMs} while {string.Join(",", elsewhere)} still runs it");
                    Held[member].Add(unit);
                }
            }
            return result;
        }
    }
}
