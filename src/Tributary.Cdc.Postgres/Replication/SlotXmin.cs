using Npgsql;

namespace Tributary.Cdc.Postgres.Replication;

/// <summary>
/// The slot's <c>catalog_xmin</c> for <c>source.xmin</c> and the offset's <c>xmin</c>, as Debezium's
/// <c>xmin.fetch.interval.ms</c> gives it: null when the interval is 0 (the default), else read from
/// <c>pg_replication_slots</c> at most once per interval and the last value reused in between. Used by the reader task only.
/// </summary>
public sealed class SlotXmin(PostgresConnectorConfig config)
{
    private long? _value;
    private long _nextFetch;

    public async ValueTask<long?> CurrentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (config.XminFetchIntervalMs <= 0)
        {
            return null;
        }
        var now = Environment.TickCount64;
        if (now >= _nextFetch)
        {
            await using var command = new NpgsqlCommand("SELECT catalog_xmin::text::bigint FROM pg_replication_slots WHERE slot_name = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = config.SlotName });
            _value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long xmin ? xmin : null;
            _nextFetch = now + config.XminFetchIntervalMs;
        }
        return _value;
    }
}
