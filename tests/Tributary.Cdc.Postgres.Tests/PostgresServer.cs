using System.Diagnostics;
using Npgsql;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// A PostgreSQL 15 server (Debian's package <c>postgresql</c>) in a temporary directory on 127.0.0.1 and a free port,
/// initialised by initdb with a scram-sha-256 password for host connections. postgres refuses to run as root, so
/// under root both programs run as the <c>postgres</c> OS user (runuser) on a directory handed to it. Stopped (and its
/// directory removed) on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    public const string SuperuserPassword = "pgsuperpw";

    private readonly TempDirectory _directory;
    private readonly string[] _settings;
    private Process _process;

    private PostgresServer(TempDirectory directory, Process process, int port, string[] settings)
    {
        _directory = directory;
        _process = process;
        _settings = settings;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database = "postgres", string user = "postgres", string password = SuperuserPassword) =>
        $"Host=127.0.0.1;Port={Port};Username={user};Password={password};Database={database};Pooling=false;Timeout=5";

    private static bool IsRoot => Environment.UserName == "root";

    /// <param name="settings">Server settings as <c>name=value</c> (wal_level=logical unless given).</param>
    public static Task<PostgresServer> StartAsync(params string[] settings) => StartAsync(null, settings);

    /// <param name="prepare">Called with the data directory after initdb, before the first start (certificates, pg_hba.conf).</param>
    /// <param name="settings">Server settings as <c>name=value</c> (wal_level=logical unless given).</param>
    public static async Task<PostgresServer> StartAsync(Func<string, Task>? prepare, params string[] settings)
    {
        foreach (var tool in new[] { "initdb", "postgres" })
        {
            if (!File.Exists(Path.Combine(BinDirectory, tool)))
            {
                throw new InvalidOperationException($"{BinDirectory}/{tool} is missing: install PostgreSQL 15 with 'apt-get install -y postgresql' (test.sh does).");
            }
        }
        var directory = new TempDirectory();
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory.Path]);
        }
        var passwordFile = directory.File("pw");
        await File.WriteAllTextAsync(passwordFile, SuperuserPassword);
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres:postgres", passwordFile]);
        }
        await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", directory.File("data"), "-U", "postgres", $"--pwfile={passwordFile}",
            "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        if (prepare is not null)
        {
            await prepare(directory.File("data"));
            if (IsRoot)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", directory.File("data")]);
            }
        }
        var all = settings.Any(s => s.StartsWith("wal_level=", StringComparison.Ordinal)) ? settings : [.. settings, "wal_level=logical"];
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            var process = Launch(directory, port, all);
            if (await WaitReadyAsync(process, port))
            {
                return new PostgresServer(directory, process, port, all);
            }
            var log = await ReadLogAsync(directory);
            await StopProcessAsync(process);
            if (attempt == 4 || !log.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                directory.Dispose();
                throw new InvalidOperationException("postgres did not start:\n" + log);
            }
        }
    }

    private static Process Launch(TempDirectory directory, int port, string[] settings)
    {
        var arguments = new List<string>
        {
            Path.Combine(BinDirectory, "postgres"), "-D", directory.File("data"), "-c", "listen_addresses=127.0.0.1", "-c", $"port={port}",
            "-c", $"unix_socket_directories={directory.Path}", "-c", "fsync=off", "-c", "max_wal_senders=20", "-c", "max_replication_slots=20",
            "-c", "wal_sender_timeout=60s", "-c", $"log_directory={directory.Path}", "-c", "logging_collector=off",
        };
        foreach (var setting in settings)
        {
            arguments.Add("-c");
            arguments.Add(setting);
        }
        var start = IsRoot ? new ProcessStartInfo("runuser") : new ProcessStartInfo(arguments[0]);
        if (IsRoot)
        {
            foreach (var argument in new[] { "-u", "postgres", "--" })
            {
                start.ArgumentList.Add(argument);
            }
            start.ArgumentList.Add(arguments[0]);
        }
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        var process = Process.Start(start)!;
        var log = directory.File("server.log");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (process)
                {
                    File.AppendAllText(log, e.Data + "\n");
                }
            }
        };
        process.BeginErrorReadLine();
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task<string> ReadLogAsync(TempDirectory directory)
    {
        await Task.Delay(100);
        return File.Exists(directory.File("server.log")) ? await File.ReadAllTextAsync(directory.File("server.log")) : "";
    }

    private static async Task<bool> WaitReadyAsync(Process process, int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Password={SuperuserPassword};Database=postgres;Pooling=false;Timeout=2");
                await connection.OpenAsync();
                return true;
            }
            catch (Exception error) when (error is NpgsqlException or TimeoutException)
            {
                await Task.Delay(100);
            }
        }
        return false;
    }

    private static async Task RunAsync(string file, IEnumerable<string> arguments)
    {
        var start = file.StartsWith(BinDirectory, StringComparison.Ordinal) && IsRoot ? new ProcessStartInfo("runuser") : new ProcessStartInfo(file);
        if (start.FileName == "runuser")
        {
            foreach (var argument in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    /// <summary>Runs statements as the superuser (several separated by ';').</summary>
    public async Task ExecuteAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>The slot's confirmed_flush_lsn as a number (0 when the slot is missing or has none).</summary>
    public async Task<ulong> ConfirmedFlushLsnAsync(string slot, string database = "postgres") =>
        await ScalarAsync($"SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots WHERE slot_name = '{slot}'", database) is { } value
            ? (ulong)Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    /// <summary>Whether a walsender streams from the slot (the connector is streaming).</summary>
    public async Task<bool> SlotActiveAsync(string slot, string database = "postgres") =>
        await ScalarAsync($"SELECT active FROM pg_replication_slots WHERE slot_name = '{slot}'", database) is true;

    private static async Task StopProcessAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    /// <summary>
    /// kill -9 of the postmaster and its backends, by process id (a crash: no shutdown checkpoint, crash recovery at the next start),
    /// then a start on the same directory and port once the old processes are gone.
    /// </summary>
    public async Task CrashAndRestartAsync(TimeSpan? down = null)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        await Task.Delay(down ?? TimeSpan.FromSeconds(1));
        for (var attempt = 0; ; attempt++)
        {
            _process = Launch(_directory, Port, _settings);
            if (await WaitReadyAsync(_process, Port))
            {
                return;
            }
            await StopProcessAsync(_process);
            if (attempt == 10)
            {
                throw new InvalidOperationException("postgres did not restart:\n" + await ReadLogAsync(_directory));
            }
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync(_process);
        _directory.Dispose();
    }
}
