using System.Diagnostics;
using MySqlConnector;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// A MariaDB server (Debian's mariadbd) in a temporary directory on 127.0.0.1, with ROW binlogs. mariadbd cannot bind
/// port 0, so a random port in 20000–59999 is tried and another one taken when the error log says it is in use; the
/// server is ready when a client connects. Stopped (and its directory removed) on dispose.
/// </summary>
public sealed class MariaDbServer : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly Process _process;

    private MariaDbServer(TempDirectory directory, Process process, int port)
    {
        _directory = directory;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The data directory (binlog files live here).</summary>
    public string DataDirectory => Path.Combine(_directory.Path, "data");

    public string RootConnectionString => $"Server=127.0.0.1;Port={Port};User ID=root;Password=rootpw;AllowUserVariables=true;Pooling=false";

    public static async Task<MariaDbServer> StartAsync(params string[] extraOptions)
    {
        foreach (var tool in new[] { "/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db" })
        {
            if (!File.Exists(tool))
            {
                throw new InvalidOperationException($"{tool} is missing: install MariaDB with 'apt-get install -y mariadb-server' (test.sh does).");
            }
        }
        var directory = new TempDirectory();
        var data = Path.Combine(directory.Path, "data");
        // Its own tmpdir: in the shared /tmp, a bootstrap's temporary tables were seen deleted under it by the other
        // tests' clean-ups running in parallel ("Error on delete of '/tmp/#sql-temptable-…'").
        var tmp = Path.Combine(directory.Path, "tmp");
        Directory.CreateDirectory(tmp);
        await RunAsync("/usr/bin/mariadb-install-db", $"--no-defaults --datadir={data} --tmpdir={tmp} --user=root --auth-root-authentication-method=normal --skip-test-db");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = Random.Shared.Next(20000, 60000);
            var log = Path.Combine(directory.Path, $"error-{attempt}.log");
            var start = new ProcessStartInfo("/usr/sbin/mariadbd")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "--no-defaults", $"--datadir={data}", $"--tmpdir={tmp}", "--user=root", $"--socket={Path.Combine(directory.Path, "sock")}", $"--port={port}",
                "--bind-address=127.0.0.1", $"--log-bin={Path.Combine(data, "mysql-bin")}", "--binlog-format=ROW", "--server-id=1",
                $"--pid-file={Path.Combine(directory.Path, "pid")}", $"--log-error={log}", "--innodb-buffer-pool-size=64M",
                "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0", "--max-connections=50",
            }.Concat(extraOptions))
            {
                start.ArgumentList.Add(argument);
            }
            var process = Process.Start(start)!;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                if (process.HasExited)
                {
                    break;
                }
                try
                {
                    await using var connection = new MySqlConnection($"Server=127.0.0.1;Port={port};User ID=root;Pooling=false;ConnectionTimeout=2");
                    await connection.OpenAsync();
                    await using var command = connection.CreateCommand();
                    // Anonymous users would shadow the tests' 'user'@'%' accounts for connections from localhost.
                    command.CommandText = "DROP USER IF EXISTS ''@'localhost'; DROP USER IF EXISTS ''@'%'; ALTER USER 'root'@'localhost' IDENTIFIED BY 'rootpw';";
                    await command.ExecuteNonQueryAsync();
                    return new MariaDbServer(directory, process, port);
                }
                catch (MySqlException)
                {
                    await Task.Delay(100);
                }
            }
            var text = File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            if (!text.Contains("already in use", StringComparison.OrdinalIgnoreCase) && !text.Contains("Can't start server", StringComparison.OrdinalIgnoreCase))
            {
                directory.Dispose();
                throw new InvalidOperationException("mariadbd did not start:\n" + text);
            }
        }
        directory.Dispose();
        throw new InvalidOperationException("mariadbd found no free port in five attempts");
    }

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    /// <summary>Runs statements as root (several separated by ';').</summary>
    public async Task ExecuteAsync(string sql, string? database = null)
    {
        await using var connection = new MySqlConnection(RootConnectionString + (database is null ? "" : $";Database={database}"));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first value a query answers, as text (null for SQL NULL), run as root.</summary>
    public async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new MySqlConnection(RootConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The binlog files the server holds, oldest first (SHOW BINARY LOGS).</summary>
    public async Task<List<string>> BinaryLogsAsync()
    {
        await using var connection = new MySqlConnection(RootConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW BINARY LOGS";
        await using var reader = await command.ExecuteReaderAsync();
        var files = new List<string>();
        while (await reader.ReadAsync())
        {
            files.Add(reader.GetString(0));
        }
        return files;
    }

    /// <summary>Whether a replica with this server id is registered (SHOW SLAVE HOSTS): the connector is streaming.</summary>
    public async Task<bool> ReplicaRegisteredAsync(uint serverId)
    {
        await using var connection = new MySqlConnection(RootConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW SLAVE HOSTS";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (Convert.ToUInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) == serverId)
            {
                return true;
            }
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _directory.Dispose();
    }
}
