using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Tributary.Connect.Runtime.Config;
using Tributary.Registry;
using Tributary.Registry.Cluster;
using Tributary.Schemas.Compatibility;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary schema-registry schema-registry.properties</c>: Confluent's <c>schema-registry-start</c>. One registry
/// instance over a Kafka cluster's <c>kafkastore.topic</c>, any number of them together: they elect a leader in the
/// group <c>schema.registry.group.id</c> (only <c>leader.eligibility=true</c> instances may lead), followers forward
/// writes to it and answer reads from their own copy of the topic (docs/registry.md, "Several instances"). Runs until
/// SIGINT or SIGTERM (then leaves the group, so another instance leads at once, and exits 0). A bad file exits 1 with
/// one line on stderr.
/// </summary>
internal static class SchemaRegistryCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("schema-registry.properties") { Description = "The instance's configuration (Confluent's names: listeners, kafkastore.bootstrap.servers, kafkastore.topic, schema.registry.group.id, leader.eligibility, host.name, schema.compatibility.level; and session.timeout.ms)." };
        var command = new Command("schema-registry", "Run one schema registry instance over a Kafka cluster until Ctrl-C or SIGTERM.") { file };
        command.SetAction((result, _) => RunAsync(result.GetValue(file)!));
        return command;
    }

    /// <summary>The instance's settings from Confluent's property names; the defaults are Confluent's (port 8081, `_schemas`, group `schema-registry`, eligible, BACKWARD).</summary>
    internal static (RegistryOptions Options, RegistryClusterOptions Cluster) Parse(IReadOnlyDictionary<string, string> properties)
    {
        string Get(string key, string fallback) => properties.TryGetValue(key, out var value) && value.Trim().Length > 0 ? value.Trim() : fallback;
        var bootstrap = Get("kafkastore.bootstrap.servers", "");
        if (bootstrap.Length == 0)
        {
            throw new FormatException("kafkastore.bootstrap.servers is required (host:port of the Kafka cluster holding the registry's topic)");
        }
        // listeners: the first, http://host:port (Confluent's default http://0.0.0.0:8081).
        var listener = Get("listeners", "http://127.0.0.1:8081").Split(',')[0].Trim();
        if (!Uri.TryCreate(listener, UriKind.Absolute, out var uri) || uri.Scheme != "http")
        {
            throw new FormatException($"listeners: not an http://host:port URL: {listener}");
        }
        var level = Get("schema.compatibility.level", "backward").ToUpperInvariant();
        if (!CompatibilityLevels.TryParse(level, out _))
        {
            throw new FormatException($"schema.compatibility.level: not a compatibility level: {level}");
        }
        var eligibility = Get("leader.eligibility", "true");
        if (!bool.TryParse(eligibility, out var eligible))
        {
            throw new FormatException($"leader.eligibility: not true or false: {eligibility}");
        }
        var session = Get("session.timeout.ms", "10000");
        if (!int.TryParse(session, NumberStyles.None, CultureInfo.InvariantCulture, out var sessionMs) || sessionMs < 1000)
        {
            throw new FormatException($"session.timeout.ms: not a number of milliseconds of at least 1000: {session}");
        }
        var host = uri.Host is "0.0.0.0" or "[::]" ? "127.0.0.1" : uri.Host;
        var options = new RegistryOptions
        {
            Host = uri.Host == "[::]" ? "::" : uri.Host,
            Port = uri.Port,
            Topic = Get("kafkastore.topic", "_schemas"),
            DefaultCompatibility = level,
        };
        var cluster = new RegistryClusterOptions
        {
            BootstrapServers = [.. bootstrap.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.Contains("://", StringComparison.Ordinal) ? s[(s.IndexOf("://", StringComparison.Ordinal) + 3)..] : s)],
            GroupId = Get("schema.registry.group.id", "schema-registry"),
            LeaderEligibility = eligible,
            AdvertisedHost = Get("host.name", host),
            SessionTimeout = TimeSpan.FromMilliseconds(sessionMs),
        };
        return (options, cluster);
    }

    private static async Task<int> RunAsync(FileInfo file)
    {
        using var stop = new StopSignal();
        // Elections are logged at Information: operators (and the process tests) read from them which instance leads.
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Tributary.Registry.Cluster", LogLevel.Information));
        RegistryOptions options;
        RegistryClusterOptions cluster;
        try
        {
            (options, cluster) = Parse(PropertiesFile.Load(file.FullName));
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"tributary schema-registry: {file.Name}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        RegistryServer server;
        try
        {
            using var opening = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            server = await RegistryServer.StartClusterAsync(options, cluster, loggerFactory, opening.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"tributary schema-registry: cannot start: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        await using (server.ConfigureAwait(false))
        {
            Console.WriteLine($"tributary {Program.Version} schema-registry serving; schema registry on {options.Host}:{server.Port}; topic {options.Topic} on {string.Join(',', cluster.BootstrapServers)}; group {cluster.GroupId}; leader.eligibility={cluster.LeaderEligibility.ToString().ToLowerInvariant()}. Stop with Ctrl-C or SIGTERM.");
            await stop.Task.ConfigureAwait(false);
            Console.WriteLine("tributary schema-registry: stopping; leaving the group...");
        }
        Console.WriteLine("tributary schema-registry: stopped cleanly.");
        return 0;
    }
}
