namespace Tributary.Connect.Runtime.Distributed;

/// <summary>
/// The leader's assignment (Kafka's <c>IncrementalCooperativeAssignor</c>, and its eager form for the <c>default</c>
/// sub-protocol). The unit placed on a worker is a connector together with its tasks (Tributary runs a connector's
/// tasks beside its instance). Cooperative rules: a member keeps what it runs; only what moves is revoked (and is
/// given out in the next round, after the member has stopped it, so nothing runs twice); connectors that no longer
/// exist are revoked; a connector held by two members is revoked from the later one; a departed member's connectors
/// are "lost" and stay unassigned for up to <c>scheduled.rebalance.max.delay.ms</c> (0 reassigns at once); new and
/// released connectors go to the least loaded members; a member above the balanced share gives up its excess.
/// Owners are remembered by worker URL, not member id: a worker that comes back under a new member id (its session
/// expired, or it restarted) gets its connectors back in the same round. Kafka's assignor keys them by member id and
/// waits out the delay, but a Kafka worker keeps running its work across a lost membership and reports it when it
/// rejoins; ours stops it first (no zombies), so without this a lone worker whose session expired under load would
/// wait the whole delay (5 minutes by default) for its own connectors. Keeps state between rounds (the previous
/// owners, the lost deadline): one instance per leader, called from the group member's loop only (not thread-safe).
/// </summary>
public sealed class IncrementalCooperativeAssignor(TimeSpan maxDelay)
{
    private Dictionary<string, string> _previousOwner = new(StringComparer.Ordinal);
    private long? _lostDeadlineMs;

    /// <param name="members">Member id → its metadata (allocation null for eager members).</param>
    /// <param name="connectors">Every configured connector → its task count.</param>
    /// <param name="nowMs">The clock (ms) for the lost-connector delay.</param>
    /// <param name="eager">The <c>default</c> sub-protocol: members revoked everything before joining; assign from scratch.</param>
    public IReadOnlyDictionary<string, (WorkerAssignment Assigned, WorkerAssignment Revoked, int DelayMs)> Assign(
        IReadOnlyDictionary<string, ConnectMetadata> members, IReadOnlyDictionary<string, int> connectors, long nowMs, bool eager)
    {
        var memberIds = members.Keys.Order(StringComparer.Ordinal).ToList();
        var owned = memberIds.ToDictionary(m => m, _ => new List<string>(), StringComparer.Ordinal);
        var revoked = memberIds.ToDictionary(m => m, _ => new List<string>(), StringComparer.Ordinal);
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!eager)
        {
            foreach (var member in memberIds)
            {
                foreach (var connector in members[member].Allocation?.Units.Keys.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())
                {
                    if (!connectors.ContainsKey(connector) || owner.ContainsKey(connector))
                    {
                        revoked[member].Add(connector);
                        continue;
                    }
                    owner[connector] = member;
                    owned[member].Add(connector);
                }
            }
        }
        // A worker URL → the member it is now (the first in member order if a URL were shared by mistake).
        var memberOfUrl = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in memberIds)
        {
            memberOfUrl.TryAdd(members[member].Url, member);
        }
        // Connectors whose previous owner is back (under this or a new member id) but no longer runs them: back to it.
        // (Eager rounds assign from scratch and balance by placement order, so they do not do this.)
        foreach (var (connector, url) in _previousOwner.Where(p => connectors.ContainsKey(p.Key) && !owner.ContainsKey(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!eager && memberOfUrl.TryGetValue(url, out var returning))
            {
                owner[connector] = returning;
                owned[returning].Add(connector);
            }
        }
        var delayMs = 0;
        var lost = _previousOwner.Where(p => connectors.ContainsKey(p.Key) && !owner.ContainsKey(p.Key)).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var heldBack = new HashSet<string>(StringComparer.Ordinal);
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
        // Held-back connectors still count as taken (by the departed owner) until the delay ends.
        var unassigned = connectors.Keys.Where(c => !owner.ContainsKey(c) && !heldBack.Contains(c)).Order(StringComparer.Ordinal).ToList();
        foreach (var connector in unassigned)
        {
            var target = memberIds.OrderBy(m => owned[m].Count).ThenBy(m => m, StringComparer.Ordinal).First();
            owned[target].Add(connector);
            owner[connector] = target;
        }
        if (!eager)
        {
            // Balance: move one connector at a time from the most to the least loaded member until they differ by at
            // most one. One the giver was already running is revoked (placed in the next round, after it stopped);
            // one handed out in this round moves at once. Pending arrivals count for the receiver.
            var load = memberIds.ToDictionary(m => m, m => owned[m].Count, StringComparer.Ordinal);
            while (memberIds.Count > 1)
            {
                var most = memberIds.OrderByDescending(m => load[m]).ThenBy(m => m, StringComparer.Ordinal).First();
                var least = memberIds.OrderBy(m => load[m]).ThenBy(m => m, StringComparer.Ordinal).First();
                if (load[most] - load[least] <= 1)
                {
                    break;
                }
                var give = owned[most][^1];
                owned[most].RemoveAt(owned[most].Count - 1);
                owner.Remove(give);
                load[most]--;
                load[least]++;
                if (members[most].Allocation?.Units.ContainsKey(give) == true)
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
        var previous = _previousOwner;
        _previousOwner = owner.ToDictionary(o => o.Key, o => members[o.Value].Url, StringComparer.Ordinal);
        foreach (var connector in heldBack)
        {
            // Remember the departed owner: it gets them back if it returns, and the delay keeps counting from the
            // first round that lost them.
            _previousOwner[connector] = previous[connector];
        }
        return memberIds.ToDictionary(
            m => m,
            m => (Units(owned[m], connectors), Units(revoked[m], connectors), delayMs),
            StringComparer.Ordinal);
    }

    private static WorkerAssignment Units(IEnumerable<string> names, IReadOnlyDictionary<string, int> connectors) =>
        new(names.ToDictionary(n => n, n => (IReadOnlyList<int>)[-1, .. Enumerable.Range(0, connectors.GetValueOrDefault(n))], StringComparer.Ordinal));
}
