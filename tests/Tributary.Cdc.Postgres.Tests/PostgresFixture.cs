namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// One PostgreSQL 15 (wal_level=logical) shared by the tests of a class: starting a server costs seconds, so each
/// test works in schemas and on a replication slot of its own instead of a server of its own.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
