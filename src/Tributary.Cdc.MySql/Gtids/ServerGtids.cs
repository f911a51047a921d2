using MySqlConnector;

namespace Tributary.Cdc.MySql.Gtids;

/// <summary>
/// What the server says about GTIDs, over the connector's SQL connection: whether it uses them, the GTID set at a
/// binlog position, and whether a stored set can still be served (nothing it lacks has been purged).
/// MariaDB always writes GTIDs (10.0+); MySQL only with <c>gtid_mode=ON</c>.
/// </summary>
public static class ServerGtids
{
    public static bool IsMariaDb(MySqlConnection connection) => connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the server's binlog carries GTIDs the connector can position with.</summary>
    public static async Task<bool> EnabledAsync(MySqlConnection connection, CancellationToken cancellationToken) =>
        IsMariaDb(connection) ||
        string.Equals(await ServerSetup.VariableAsync(connection, "gtid_mode", cancellationToken).ConfigureAwait(false), "ON", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The GTID set of the transactions before <paramref name="file"/>:<paramref name="position"/> (an event boundary),
    /// or null when the server does not use GTIDs or has written none. MariaDB computes it (BINLOG_GTID_POS);
    /// for MySQL the caller passes the Executed_Gtid_Set that SHOW MASTER STATUS gave with the position.
    /// </summary>
    public static async Task<string?> AtAsync(MySqlConnection connection, string file, long position, string? mySqlExecuted, CancellationToken cancellationToken)
    {
        if (!IsMariaDb(connection))
        {
            var executed = mySqlExecuted?.Replace("\n", "", StringComparison.Ordinal).Trim();
            return string.IsNullOrEmpty(executed) || !await EnabledAsync(connection, cancellationToken).ConfigureAwait(false) ? null : executed;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT BINLOG_GTID_POS(@file, @pos)";
        command.Parameters.AddWithValue("@file", file);
        command.Parameters.AddWithValue("@pos", position);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>
    /// Whether the server still holds every transaction not in <paramref name="stored"/>: MariaDB's GTID position at
    /// the start of its oldest binlog file (what was purged before it) must be within the stored one; MySQL's
    /// <c>gtid_purged</c> must be within the stored set.
    /// </summary>
    public static async Task<bool> CanServeAsync(MySqlConnection connection, GtidSet stored, CancellationToken cancellationToken)
    {
        string? purgedText;
        if (IsMariaDb(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SHOW BINARY LOGS";
            string? oldest;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                oldest = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(0) : null;
            }
            if (oldest is null)
            {
                return false;
            }
            purgedText = await AtAsync(connection, oldest, 4, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT @@global.gtid_purged";
            purgedText = (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string)?.Replace("\n", "", StringComparison.Ordinal);
        }
        return string.IsNullOrWhiteSpace(purgedText) || GtidSet.Parse(purgedText).IsContainedIn(stored);
    }
}
