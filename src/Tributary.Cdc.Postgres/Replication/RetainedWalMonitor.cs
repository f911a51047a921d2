using System.Globalization;
using Npgsql;
using Tributary.Connect.Metrics;

namespace Tributary.Cdc.Postgres.Replication;

/// <summary>
/// Watches how much WAL the connector's slot keeps on the server — the classic way logical replication hurts a
/// database: a slot whose confirmed position does not move holds every WAL segment since. Every
/// <c>slot.retained.wal.check.interval.ms</c> it reads <c>pg_replication_slots</c> on a connection of its own and
/// publishes two gauges through the task's <see cref="PluginMetrics"/> (the admin port shows them):
/// <c>tributary_cdc_postgres_slot_retained_wal_bytes</c> (<c>pg_current_wal_lsn() - restart_lsn</c>, the WAL kept)
/// and <c>tributary_cdc_postgres_slot_confirmed_lag_bytes</c> (<c>pg_current_wal_lsn() - confirmed_flush_lsn</c>).
/// Past <c>slot.retained.wal.warning.bytes</c> it sets the task's warning (the worker logs it), and clears it once
/// the slot is back under. A failed read is skipped (the stream's own connection reports real failures).
/// </summary>
public sealed class RetainedWalMonitor(PostgresConnectorConfig config, PluginMetrics metrics)
{
    public const string RetainedGauge = "tributary_cdc_postgres_slot_retained_wal_bytes";
    public const string LagGauge = "tributary_cdc_postgres_slot_confirmed_lag_bytes";

    /// <summary>Reads and publishes until <paramref name="cancellationToken"/> is cancelled; never throws.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromMilliseconds(config.RetainedWalCheckIntervalMs);
        NpgsqlConnection? sql = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    sql ??= await ServerSetup.OpenAsync(config, cancellationToken).ConfigureAwait(false);
                    await CheckAsync(sql, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // The server may be restarting: try again with a new connection at the next check.
                    if (sql is not null)
                    {
                        await sql.DisposeAsync().ConfigureAwait(false);
                        sql = null;
                    }
                }
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
        finally
        {
            if (sql is not null)
            {
                await sql.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task CheckAsync(NpgsqlConnection sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint " +
            "FROM pg_replication_slots WHERE slot_name = $1", sql);
        command.Parameters.Add(new NpgsqlParameter { Value = config.SlotName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0))
        {
            // No slot (yet, or dropped): nothing is retained for it.
            metrics.Remove(RetainedGauge);
            metrics.Remove(LagGauge);
            metrics.Warn(null);
            return;
        }
        var retained = reader.GetInt64(0);
        metrics.Gauge(RetainedGauge, "WAL bytes the connector's replication slot keeps on the server (pg_current_wal_lsn() - restart_lsn).", retained);
        if (!reader.IsDBNull(1))
        {
            metrics.Gauge(LagGauge, "WAL bytes between the server's position and what the slot confirmed (pg_current_wal_lsn() - confirmed_flush_lsn).", reader.GetInt64(1));
        }
        var threshold = config.RetainedWalWarningBytes;
        if (threshold <= 0 || retained <= threshold)
        {
            metrics.Warn(null);
            return;
        }
        metrics.Warn(string.Create(CultureInfo.InvariantCulture,
            $"The replication slot '{config.SlotName}' retains {retained} bytes of WAL, more than slot.retained.wal.warning.bytes={threshold}: the server cannot remove that WAL until the connector confirms it. If the captured tables are quiet while others are busy, set heartbeat.interval.ms and a heartbeat.action.query that writes to a captured table."));
    }
}
