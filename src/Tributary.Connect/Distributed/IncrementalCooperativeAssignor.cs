namespace Tributary.Connect.Runtime.Distributed;

/// <summary>
/// The leader's assignment (Kafka's <c>IncrementalCooperativeAssignor</c>, and its eager form for the <c>default</c>
/// sub-protocol). The units placed on workers are connector instances (task id -1) and tasks, each on its own, and
/// the two kinds are balanced separately, as Kafka's assignor does: every worker holds within one of the same number
/// of instances and within one of the same number of tasks, so one connector's tasks spread over the group.
/// Cooperative rules: a member keeps what it runs; only what moves is revoked (and is given out in the next round,
/// after the member has stopped it, so nothing runs twice); units that no longer exist (a deleted connector, a task
/// id beyond the committed task count) are revoked; a unit held by two members is revoked from the later one; a
/// departed member's units are "lost" and stay unassigned for up to <c>scheduled.rebalance.max.delay.ms</c> (0
/// reassigns at once); new and released units go to the members with the fewest of their kind; a member above the
/// balanced share of a kind gives up its excess. Each member's assignment is its whole share, not only what is new.
/// Owners are remembered by worker URL, not member id: a worker that comes back under a new member id (its session
/// expired, or it restarted) gets its units back in the same round. Kafka's assignor keys them by member id and
/// waits out the delay, but a Kafka worker keeps running its work across a lost membership and reports it when it
/// rejoins; ours stops it first (no zombies), so without this a lone worker whose session expired under load would
/// wait the whole delay (5 minutes by default) for its own work. Keeps state between rounds (the previous owners, the
/// lost deadline): one instance per leader, called from the group member's loop only (not thread-safe).
/// </summary>
public sealed class IncrementalCooperativeAssignor(TimeSpan maxDelay)
{
    private Dictionary<(string Connector, int Task), string> _previousOwner = [];
    private long? _lostDeadlineMs;

    /// <param name="members">Member id → its metadata (allocation null for eager members).</param>
    /// <param name="connectors">Every configured connector → its committed task count.</param>
    /// <param name="nowMs">The clock (ms) for the lost-unit delay.</param>
    /// <param name="eager">The <c>default</c> sub-protocol: members revoked everything before joining; assign from scratch.</param>
    public IReadOnlyDictionary<string, (WorkerAssignment Assigned, WorkerAssignment Revoked, int DelayMs)> Assign(
        IReadOnlyDictionary<string, ConnectMetadata> members, IReadOnlyDictionary<string, int> connectors, long nowMs, bool eager)
    {
        var memberIds = members.Keys.Order(StringComparer.Ordinal).ToList();
        var all = connectors.Keys.Order(StringComparer.Ordinal).SelectMany(c => Enumerable.Range(-1, connectors[c] + 1).Select(t => (Connector: c, Task: t))).ToList();
        var exists = all.ToHashSet();
        var owned = memberIds.ToDictionary(m => m, _ => new List<(string Connector, int Task)>(), StringComparer.Ordinal);
        var revoked = memberIds.ToDictionary(m => m, _ => new List<(string Connector, int Task)>(), StringComparer.Ordinal);
        var owner = new Dictionary<(string Connector, int Task), string>();
        if (!eager)
        {
            foreach (var member in memberIds)
            {
                foreach (var unit in (members[member].Allocation?.Pairs ?? []).OrderBy(u => u.Connector, StringComparer.Ordinal).ThenBy(u => u.Task))
                {
                    if (!exists.Contains(unit) || owner.ContainsKey(unit))
                    {
                        revoked[member].Add(unit);
                        continue;
                    }
                    owner[unit] = member;
                    owned[member].Add(unit);
                }
            }
        }
        // A worker URL → the member it is now (the first in member order if a URL were shared by mistake).
        var memberOfUrl = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in memberIds)
        {
            memberOfUrl.TryAdd(members[member].Url, member);
        }
        // Units whose previous owner is back (under this or a new member id) but no longer runs them: back to it.
        // (Eager rounds assign from scratch and balance by placement order, so they do not do this.)
        foreach (var (unit, url) in _previousOwner.Where(p => exists.Contains(p.Key) && !owner.ContainsKey(p.Key)).OrderBy(p => p.Key.Connector, StringComparer.Ordinal).ThenBy(p => p.Key.Task))
        {
            if (!eager && memberOfUrl.TryGetValue(url, out var returning))
            {
                owner[unit] = returning;
                owned[returning].Add(unit);
            }
        }
        var delayMs = 0;
        var lost = _previousOwner.Keys.Where(u => exists.Contains(u) && !owner.ContainsKey(u)).ToHashSet();
        var heldBack = new HashSet<(string Connector, int Task)>();
        if (!eager && lost.Count > 0 && maxDelay > TimeSpan.Zero)
        {
            _lostDeadlineMs ??= nowMs + (long)maxDelay.TotalMilliseconds;
            if (nowMs < _lostDeadlineMs)
            {
                heldBack = lost;
                delayMs = (int)(_lostDeadlineMs.Value - nowMs);
            }
            else
            {
                _lostDeadlineMs = null;
            }
        }
        else if (lost.Count == 0)
        {
            _lostDeadlineMs = null;
        }
        // Instances and tasks are placed and balanced each by their own count. Held-back units still count as taken
        // (by the departed owner) until the delay ends.
        foreach (var isTask in new[] { false, true })
        {
            bool OfKind((string Connector, int Task) unit) => unit.Task >= 0 == isTask;
            var load = memberIds.ToDictionary(m => m, m => owned[m].Count(OfKind), StringComparer.Ordinal);
            foreach (var unit in all.Where(u => OfKind(u) && !owner.ContainsKey(u) && !heldBack.Contains(u)))
            {
                var target = memberIds.OrderBy(m => load[m]).ThenBy(m => m, StringComparer.Ordinal).First();
                owned[target].Add(unit);
                owner[unit] = target;
                load[target]++;
            }
            if (!eager)
            {
                Balance(memberIds, members, owned, revoked, owner, load, OfKind);
            }
        }
        var previous = _previousOwner;
        _previousOwner = owner.ToDictionary(o => o.Key, o => members[o.Value].Url);
        foreach (var unit in heldBack)
        {
            // Remember the departed owner: it gets them back if it returns, and the delay keeps counting from the
            // first round that lost them.
            _previousOwner[unit] = previous[unit];
        }
        return memberIds.ToDictionary(
            m => m,
            m => (WorkerAssignment.From(owned[m]), WorkerAssignment.From(revoked[m]), delayMs),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// Moves one unit of a kind at a time from the most to the least loaded member until they differ by at most one.
    /// One the giver was already running is revoked (placed in the next round, after it stopped); one handed out in
    /// this round moves at once. Pending arrivals count for the receiver. The giver gives its last unit of the kind
    /// in connector order, so one connector's tasks leave a worker from its highest ids.
    /// </summary>
    private static void Balance(
        List<string> memberIds, IReadOnlyDictionary<string, ConnectMetadata> members, Dictionary<string, List<(string Connector, int Task)>> owned,
        Dictionary<string, List<(string Connector, int Task)>> revoked, Dictionary<(string Connector, int Task), string> owner, Dictionary<string, int> load,
        Func<(string Connector, int Task), bool> ofKind)
    {
        while (memberIds.Count > 1)
        {
            var most = memberIds.OrderByDescending(m => load[m]).ThenBy(m => m, StringComparer.Ordinal).First();
            var least = memberIds.OrderBy(m => load[m]).ThenBy(m => m, StringComparer.Ordinal).First();
            if (load[most] - load[least] <= 1)
            {
                return;
            }
            var give = owned[most].Where(ofKind).OrderBy(u => u.Connector, StringComparer.Ordinal).ThenBy(u => u.Task).Last();
            owned[most].Remove(give);
            owner.Remove(give);
            load[most]--;
            load[least]++;
            if (members[most].Allocation?.Units.TryGetValue(give.Connector, out var running) == true && running.Contains(give.Task))
            {
                revoked[most].Add(give);
            }
            else
            {
                owned[least].Add(give);
                owner[give] = least;
            }
        }
    }
}
