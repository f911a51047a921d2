namespace Tributary.Cdc.Postgres.Snapshots;

/// <summary>
/// The transactions the stream has delivered committed that a chunk's read may still not see. PostgreSQL writes a
/// commit record (which logical decoding sends at once) before it makes the transaction visible to other sessions; the
/// gap is usually microseconds, but a commit waiting for a synchronous standby stays invisible for as long as the
/// standby takes, while the stream has delivered it. A chunk read in that gap holds a row older than an event already
/// emitted, and emitting it would end the row on a stale value. So the reader keeps the ids of delivered transactions
/// until a snapshot shows them visible, and a chunk whose snapshot still counts one of them in progress is read again.
/// Used by the reader task only; not thread-safe.
/// </summary>
public sealed class CommittedTransactions
{
    /// <summary>Past this many unconfirmed ids, the reader asks the server for a snapshot to forget the visible ones.</summary>
    public const int PruneThreshold = 4096;

    private readonly HashSet<uint> _unconfirmed = [];

    /// <summary>How many delivered transactions no snapshot has shown visible yet.</summary>
    public int Count => _unconfirmed.Count;

    /// <summary>The stream delivered the commit of transaction <paramref name="xid"/>.</summary>
    public void Delivered(uint xid) => _unconfirmed.Add(xid);

    /// <summary>
    /// Forgets the transactions <paramref name="snapshot"/> sees and returns whether any delivered one is still in
    /// progress in it (a read under that snapshot cannot be trusted).
    /// </summary>
    public bool AnyInvisible(VisibilitySnapshot snapshot)
    {
        _unconfirmed.RemoveWhere(snapshot.Sees);
        return _unconfirmed.Count > 0;
    }
}
