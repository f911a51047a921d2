using System.Text.Json;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// <c>database.sslmode</c> against a PostgreSQL 15 that accepts host connections only over TLS (<c>hostssl</c> in
/// pg_hba.conf, <c>ssl=on</c>) with a self-signed certificate made here by openssl for the name <c>localhost</c>
/// (no IP address in it): verify-full through <c>localhost</c> and verify-ca through 127.0.0.1 stream over TLS
/// (pg_stat_ssl), require works without a root certificate; verify-full through 127.0.0.1 (name mismatch), verify-ca
/// against another certificate and disable fail the task with the reason.
/// </summary>
[Trait("Category", "process")]
public sealed class TlsTests
{
    /// <summary>A self-signed certificate for CN and subjectAltName DNS:localhost, its key beside it.</summary>
    private static async Task<(string Certificate, string Key)> SelfSignedAsync(string directory, string name)
    {
        if (!File.Exists("/usr/bin/openssl"))
        {
            throw new InvalidOperationException("/usr/bin/openssl is missing: install it with 'apt-get install -y openssl' (test.sh does).");
        }
        var certificate = Path.Combine(directory, name + ".crt");
        var key = Path.Combine(directory, name + ".key");
        (await ClientProcess.RunAsync("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"], TimeSpan.FromSeconds(60))).EnsureSuccess();
        return (certificate, key);
    }

    private static Dictionary<string, string> Config(PostgresServer server, string slot, string host, string mode, string? rootCertificate)
    {
        var config = ChangeEventTests.Config(server, slot);
        config["database.hostname"] = host;
        config["database.sslmode"] = mode;
        if (rootCertificate is not null)
        {
            config["database.sslrootcert"] = rootCertificate;
        }
        config["topic.prefix"] = slot;
        config["schema.include.list"] = "tls";
        config["snapshot.mode"] = "no_data";
        return config;
    }

    [Fact]
    public async Task Sslmode_verify_full_verify_ca_and_require_stream_over_TLS_and_a_wrong_name_a_wrong_certificate_or_disable_fail_with_the_reason()
    {
        using var certificates = new TempDirectory();
        var (certificate, key) = await SelfSignedAsync(certificates.Path, "server");
        var (other, _) = await SelfSignedAsync(certificates.Path, "other");
        await using var server = await PostgresServer.StartAsync(async data =>
        {
            File.Copy(certificate, Path.Combine(data, "server.crt"));
            File.Copy(key, Path.Combine(data, "server.key"));
            // postgres refuses a key others can read.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(data, "server.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            // Host connections only over TLS.
            var hba = Path.Combine(data, "pg_hba.conf");
            var lines = (await File.ReadAllLinesAsync(hba)).Select(l => l.StartsWith("host ", StringComparison.Ordinal) ? "hostssl" + l[4..] : l);
            await File.WriteAllLinesAsync(hba, lines);
        }, "ssl=on", "ssl_cert_file=server.crt", "ssl_key_file=server.key");
        await server.ExecuteAsync("CREATE SCHEMA tls; CREATE TABLE tls.t (id int PRIMARY KEY);");

        foreach (var (slot, host, mode, root) in new[] { ("tls_full", "localhost", "verify-full", certificate), ("tls_ca", "127.0.0.1", "verify-ca", certificate), ("tls_req", "127.0.0.1", "require", null) })
        {
            await using var runner = await TaskRunner.StartAsync(Config(server, slot, host, mode, root), new MemoryOffsetStore());
            await Eventually.HoldsAsync(async () => runner.Failure is not null || await server.SlotActiveAsync(slot), () => $"{mode} streaming: {runner.Failure}", TimeSpan.FromSeconds(30));
            Assert.Null(runner.Failure);
            var id = mode.Length;
            await server.ExecuteAsync($"INSERT INTO tls.t VALUES ({id})");
            var events = await runner.AwaitAsync($"{slot}.tls.t", 1);
            Assert.Equal(id, JsonDocument.Parse(events[0].Value!).RootElement.GetProperty("payload").GetProperty("after").GetProperty("id").GetInt32());
            // Every connection of the connector (the catalog one and the walsender) is encrypted.
            var connections = await server.ScalarAsync(
                $"SELECT count(*) FILTER (WHERE s.ssl) || '/' || count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = 'tributary-cdc-{slot}'");
            Assert.Matches("^([1-9][0-9]*)/\\1$", (string)connections!);
            await runner.StopAsync();
        }

        async Task<string> FailureAsync(string slot, string host, string mode, string? root)
        {
            await using var runner = await TaskRunner.StartAsync(Config(server, slot, host, mode, root), new MemoryOffsetStore());
            await Eventually.HoldsAsync(() => runner.Failure is not null, $"{mode} to {host} failing", TimeSpan.FromSeconds(30));
            return runner.Failure!.Message;
        }
        var mismatch = await FailureAsync("tls_name", "127.0.0.1", "verify-full", certificate);
        Assert.Contains("database.sslmode=verify-full: the TLS handshake failed", mismatch);
        var untrusted = await FailureAsync("tls_other", "127.0.0.1", "verify-ca", other);
        Assert.Contains("database.sslmode=verify-ca: the TLS handshake failed", untrusted);
        var plain = await FailureAsync("tls_off", "127.0.0.1", "disable", null);
        Assert.Contains("with database.sslmode=disable: no pg_hba.conf entry", plain);
        Assert.Contains("no encryption", plain);
        Assert.Null(await server.ScalarAsync("SELECT slot_name FROM pg_replication_slots WHERE slot_name IN ('tls_name', 'tls_other', 'tls_off')"));
    }
}
