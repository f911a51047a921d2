using MySqlConnector;
using Tributary.Connect.Errors;

namespace Tributary.Cdc.MySql;

/// <summary>
/// The SQL connection the connector uses beside its binlog session (snapshot, table definitions, setup checks), and
/// the checks that the server is set up for CDC, failing with what to change: binary logging on,
/// <c>binlog_format=ROW</c>, <c>binlog_row_image=FULL</c>, and the replication privileges (SHOW MASTER STATUS needs
/// REPLICATION CLIENT / BINLOG MONITOR).
/// </summary>
public static class ServerSetup
{
    public static MySqlConnection Connection(MySqlConnectorConfig config, string? database = null) => new(new MySqlConnectionStringBuilder
    {
        Server = config.Cdc.Hostname,
        Port = (uint)config.Cdc.Port,
        UserID = config.Cdc.User,
        Password = config.Cdc.Password,
        Database = database ?? "",
        AllowZeroDateTime = true,
        ConvertZeroDateTime = false,
        TreatTinyAsBoolean = false,
        GuidFormat = MySqlGuidFormat.None,
        Pooling = false,
        ConnectionTimeout = (uint)Math.Max(1, config.Cdc.ConnectTimeoutMs / 1000),
        DefaultCommandTimeout = 0,
        AllowUserVariables = true,
        CharacterSet = "utf8mb4",
    }.ConnectionString);

    public static async Task<MySqlConnection> OpenAsync(MySqlConnectorConfig config, CancellationToken cancellationToken)
    {
        var connection = Connection(config);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SET time_zone = '+00:00'";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (MySqlException error)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ConnectException($"Unable to connect to MySQL at {config.Cdc.Hostname}:{config.Cdc.Port} as '{config.Cdc.User}': {error.Message} (error {error.Number})", error);
        }
    }

    /// <summary>The global variable's value, or null when the server has no such variable.</summary>
    public static async Task<string?> VariableAsync(MySqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SHOW GLOBAL VARIABLES LIKE '{name}'";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(1) : null;
    }

    /// <summary>Fails with the setting to change when the server cannot serve CDC.</summary>
    public static async Task CheckAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var logBin = await VariableAsync(connection, "log_bin", cancellationToken).ConfigureAwait(false);
        if (!string.Equals(logBin, "ON", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConnectException("The MySQL server is not configured to use a binlog, which is required for this connector to work properly. " +
                                       "Change the server configuration to enable binary logging (log_bin) with binlog_format=ROW.");
        }
        var format = await VariableAsync(connection, "binlog_format", cancellationToken).ConfigureAwait(false);
        if (!string.Equals(format, "ROW", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConnectException($"The MySQL server is not configured to use a ROW binlog_format, which is required for this connector to work properly (binlog_format is {format}). " +
                                       "Change the MySQL configuration to use binlog_format=ROW and restart the connector.");
        }
        var image = await VariableAsync(connection, "binlog_row_image", cancellationToken).ConfigureAwait(false);
        if (image is not null && !string.Equals(image, "FULL", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConnectException($"The MySQL server is not configured to use a FULL binlog_row_image, which is required for this connector to work properly (binlog_row_image is {image}). " +
                                       "Change the MySQL configuration to use binlog_row_image=FULL and restart the connector.");
        }
    }

    /// <summary>The server's current binlog file and position (SHOW MASTER STATUS), failing with the missing privilege.</summary>
    /// <remarks>ExecutedGtids: MySQL's Executed_Gtid_Set column, read with the position (null on MariaDB, which has no such column).</remarks>
    public static async Task<(string File, long Position, string? ExecutedGtids)> BinlogPositionAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW MASTER STATUS";
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new ConnectException("SHOW MASTER STATUS returned no binlog position: binary logging (log_bin) is off on the server");
            }
            return (reader.GetString(0), Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                reader.FieldCount > 4 && !reader.IsDBNull(4) ? reader.GetString(4) : null);
        }
        catch (MySqlException error) when (error.Number is 1227 or 1045 or 1044 or 1142)
        {
            throw new ConnectException($"The database user lacks a privilege the connector needs (REPLICATION CLIENT / BINLOG MONITOR for SHOW MASTER STATUS): {error.Message}", error);
        }
    }

    /// <summary>Whether every binlog file the server still holds includes <paramref name="file"/> (false: it was purged).</summary>
    public static async Task<bool> HasBinlogAsync(MySqlConnection connection, string file, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW BINARY LOGS";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetString(0) == file)
            {
                return true;
            }
        }
        return false;
    }
}
