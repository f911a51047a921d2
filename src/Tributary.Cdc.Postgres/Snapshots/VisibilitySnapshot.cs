using Npgsql;

namespace Tributary.Cdc.Postgres.Snapshots;

/// <summary>
/// A PostgreSQL MVCC snapshot as <c>pg_current_snapshot()</c> gives it: every transaction id below <see cref="Xmin"/>
/// has ended, none from <see cref="Xmax"/> on had started, and <see cref="InProgress"/> were running in between.
/// Ids are 64-bit (<c>xid8</c>: epoch and 32-bit id); the stream's 32-bit ids are placed in the epoch around
/// <see cref="Xmax"/>.
/// </summary>
public sealed record VisibilitySnapshot(ulong Xmin, ulong Xmax, IReadOnlySet<ulong> InProgress)
{
    /// <summary>The statement that reads the current snapshot (inside the transaction whose snapshot it is).</summary>
    public const string Query = "SELECT pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text, array(SELECT pg_snapshot_xip(s)::text) FROM pg_current_snapshot() AS s";

    /// <summary>Whether a transaction that committed with 32-bit id <paramref name="xid"/> is visible in this snapshot.</summary>
    public bool Sees(uint xid)
    {
        var full = (Xmax & ~0xFFFF_FFFFUL) | xid;
        if (full >= Xmax && full >= 1UL << 32)
        {
            full -= 1UL << 32;
        }
        return full < Xmin || (full < Xmax && !InProgress.Contains(full));
    }

    /// <summary>Reads the snapshot of <paramref name="transaction"/> (null: of the statement itself).</summary>
    public static async Task<VisibilitySnapshot> ReadAsync(NpgsqlConnection sql, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Query, sql, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var inProgress = reader.GetFieldValue<string[]>(2).Select(x => ulong.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        return new VisibilitySnapshot(ulong.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture),
            ulong.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture), inProgress);
    }
}
