using Npgsql;
using Npgsql.Replication;
using Tributary.Connect.Errors;

namespace Tributary.Cdc.Postgres.Replication;

/// <summary>
/// The connections the connector opens and the checks that the server is set up for logical replication, failing
/// with what to change: <c>wal_level=logical</c>, a user with the REPLICATION attribute, the publication (created or
/// adjusted per <c>publication.autocreate.mode</c>), the slot's state. Every connection runs with the session
/// settings <see cref="Values.ColumnConverter"/> parses (ISO dates in UTC, ISO 8601 intervals, hex bytea).
/// </summary>
public static class ServerSetup
{
    private const string SessionOptions = "-c DateStyle=ISO -c TimeZone=UTC -c IntervalStyle=iso_8601 -c bytea_output=hex -c extra_float_digits=1";

    /// <summary>
    /// The connection string of every connection the connector opens, TLS per <c>database.sslmode</c> with libpq's
    /// meanings (Npgsql follows them): <c>disable</c> plain, <c>allow</c>/<c>prefer</c> TLS when the server offers it,
    /// <c>require</c> TLS without checking the certificate, <c>verify-ca</c> the certificate signed by
    /// <c>database.sslrootcert</c>, <c>verify-full</c> also its host name; <c>database.sslcert</c>/<c>sslkey</c>/<c>sslpassword</c> a client certificate.
    /// </summary>
    public static string ConnectionString(PostgresConnectorConfig config) => new NpgsqlConnectionStringBuilder
    {
        SslMode = config.SslMode switch
        {
            "disable" => SslMode.Disable,
            "allow" => SslMode.Allow,
            "require" => SslMode.Require,
            "verify-ca" => SslMode.VerifyCA,
            "verify-full" => SslMode.VerifyFull,
            _ => SslMode.Prefer,
        },
        RootCertificate = config.SslRootCert,
        SslCertificate = config.SslCert,
        SslKey = config.SslKey,
        SslPassword = config.SslPassword,
        Host = config.Cdc.Hostname,
        Port = config.Cdc.Port,
        Username = config.Cdc.User,
        Password = config.Cdc.Password,
        Database = config.Database,
        Pooling = false,
        Timeout = Math.Max(1, config.Cdc.ConnectTimeoutMs / 1000),
        CommandTimeout = 0,
        Options = SessionOptions,
        ApplicationName = "tributary-cdc-" + config.Cdc.TopicPrefix,
    }.ConnectionString;

    public static async Task<NpgsqlConnection> OpenAsync(PostgresConnectorConfig config, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString(config));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception error) when (error is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ConnectException(Describe(config, error), error);
        }
    }

    public static async Task<LogicalReplicationConnection> OpenReplicationAsync(PostgresConnectorConfig config, CancellationToken cancellationToken)
    {
        var connection = new LogicalReplicationConnection(ConnectionString(config))
        {
            WalReceiverStatusInterval = TimeSpan.FromMilliseconds(config.StatusUpdateIntervalMs),
        };
        try
        {
            await connection.Open(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception error) when (error is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ConnectException(Describe(config, error), error);
        }
    }

    /// <summary>A failure as the task's status shows it: what the connector was doing and the server's words.</summary>
    public static string Describe(PostgresConnectorConfig config, Exception error) => error switch
    {
        PostgresException { SqlState: "28P01" or "28000" } pg =>
            $"Cannot connect to PostgreSQL at {config.Cdc.Hostname}:{config.Cdc.Port} as '{config.Cdc.User}' with database.sslmode={config.SslMode}: {pg.MessageText} ({pg.SqlState})",
        PostgresException { SqlState: "55006" } pg =>
            $"The replication slot '{config.SlotName}' is in use by another connection: {pg.MessageText}. Stop the other consumer or set slot.name to another slot.",
        PostgresException { SqlState: "3D000" } pg => $"The database '{config.Database}' does not exist: {pg.MessageText}",
        PostgresException pg => $"PostgreSQL error {pg.SqlState}: {pg.MessageText}",
        _ when TlsFailure(error) is { } tls =>
            $"Cannot connect to PostgreSQL at {config.Cdc.Hostname}:{config.Cdc.Port} with database.sslmode={config.SslMode}: the TLS handshake failed: {tls.Message}",
        NpgsqlException or System.Net.Sockets.SocketException => $"Cannot connect to PostgreSQL at {config.Cdc.Hostname}:{config.Cdc.Port}: {error.Message}",
        _ => error.Message,
    };

    /// <summary>The certificate check or handshake failure somewhere in <paramref name="error"/>'s chain, if that is what failed.</summary>
    private static System.Security.Authentication.AuthenticationException? TlsFailure(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException tls)
            {
                return tls;
            }
        }
        return null;
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default : (T)value;
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>wal_level=logical and the REPLICATION attribute (or superuser), with Debezium's wording for the first.</summary>
    public static async Task CheckAsync(NpgsqlConnection connection, PostgresConnectorConfig config, CancellationToken cancellationToken)
    {
        var walLevel = await ScalarAsync<string>(connection, "SHOW wal_level", cancellationToken).ConfigureAwait(false);
        if (walLevel != "logical")
        {
            throw new ConnectException($"Postgres server wal_level property must be 'logical' but is: '{walLevel}'. Set wal_level = logical in postgresql.conf and restart the server.");
        }
        var canReplicate = await ScalarAsync<bool>(connection, "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user", cancellationToken).ConfigureAwait(false);
        if (!canReplicate)
        {
            throw new ConnectException($"The database user '{config.Cdc.User}' lacks the REPLICATION attribute logical replication needs (ALTER ROLE \"{config.Cdc.User}\" REPLICATION).");
        }
    }

    /// <summary>
    /// Makes sure the publication exists per <c>publication.autocreate.mode</c>: <c>all_tables</c> creates it FOR ALL
    /// TABLES when missing; <c>filtered</c> creates it for the captured tables, or sets an existing one's tables to
    /// them; <c>disabled</c> requires it to exist.
    /// </summary>
    public static async Task EnsurePublicationAsync(NpgsqlConnection connection, PostgresConnectorConfig config, IReadOnlyList<(string Schema, string Table)> captured, CancellationToken cancellationToken)
    {
        var exists = await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1)", cancellationToken, config.PublicationName).ConfigureAwait(false);
        var name = Quote(config.PublicationName);
        var tables = string.Join(", ", captured.Select(t => Quote(t.Schema) + "." + Quote(t.Table)));
        switch (config.PublicationAutocreateMode)
        {
            case "disabled" when !exists:
                throw new ConnectException($"Publication '{config.PublicationName}' does not exist and publication.autocreate.mode is disabled: create it " +
                                           $"(CREATE PUBLICATION {name} FOR ALL TABLES, or FOR TABLE ...) or set publication.autocreate.mode to all_tables or filtered.");
            case "all_tables" when !exists:
                await ExecuteAsync(connection, $"CREATE PUBLICATION {name} FOR ALL TABLES", cancellationToken).ConfigureAwait(false);
                break;
            case "filtered" when captured.Count == 0:
                throw new ConnectException("publication.autocreate.mode is filtered but no table matches the include and exclude lists.");
            case "filtered":
                await ExecuteAsync(connection, exists ? $"ALTER PUBLICATION {name} SET TABLE {tables}" : $"CREATE PUBLICATION {name} FOR TABLE {tables}", cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The slot's plugin and whether another connection uses it; null when it does not exist.</summary>
    public static async Task<(string Plugin, bool Active)?> SlotAsync(NpgsqlConnection connection, PostgresConnectorConfig config, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT plugin, active FROM pg_replication_slots WHERE slot_name = $1 AND database = current_database()", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = config.SlotName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.IsDBNull(0) ? "" : reader.GetString(0), reader.GetBoolean(1)) : null;
    }

    /// <summary>
    /// The slot once no connection uses it, waiting up to <see cref="SlotReleaseWait"/>: after this task closed its
    /// replication connection, the server's walsender may take a moment to end. Still active after that: returned as it is.
    /// </summary>
    public static async Task<(string Plugin, bool Active)?> WaitForInactiveSlotAsync(NpgsqlConnection connection, PostgresConnectorConfig config, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + SlotReleaseWait;
        while (true)
        {
            var slot = await SlotAsync(connection, config, cancellationToken).ConfigureAwait(false);
            if (slot is not { Active: true } || DateTimeOffset.UtcNow >= deadline)
            {
                return slot;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How long a closed replication connection's walsender is given to release the slot (it ends within milliseconds on a healthy server).</summary>
    public static readonly TimeSpan SlotReleaseWait = TimeSpan.FromSeconds(10);

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
