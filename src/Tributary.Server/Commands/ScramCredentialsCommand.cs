using System.CommandLine;
using System.Security.Cryptography;
using Tributary.Client;
using Tributary.Kafka.Security.Sasl;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary scram-credentials --bootstrap-server HOST:PORT (--add USER --password P | --delete USER | --describe)</c>:
/// manages users' SCRAM credentials on a running broker through AlterUserScramCredentials and
/// DescribeUserScramCredentials (KIP-554), as kafka-configs.sh --entity-type users does. The password is salted here
/// (a random salt, Hi(password, salt, iterations)); only the salt and the salted password travel, and the broker keeps
/// only the derived keys. The broker must be reachable on a PLAINTEXT listener (this client speaks neither TLS nor
/// SASL), which is how the first user is made. Exit codes: 0 done, 1 refused by the broker or unreachable, 2 bad arguments.
/// </summary>
internal static class ScramCredentialsCommand
{
    public static Command Create()
    {
        var bootstrap = new Option<string>("--bootstrap-server") { Description = "A PLAINTEXT listener of the broker.", HelpName = "HOST:PORT", DefaultValueFactory = _ => "127.0.0.1:9092" };
        var add = new Option<string?>("--add") { Description = "Add or replace the credential of USER.", HelpName = "USER" };
        var delete = new Option<string?>("--delete") { Description = "Delete the credential of USER.", HelpName = "USER" };
        var describe = new Option<bool>("--describe") { Description = "List users with their mechanisms and iterations (with --user: that user only)." };
        var user = new Option<string?>("--user") { Description = "The user --describe lists.", HelpName = "USER" };
        var password = new Option<string?>("--password") { Description = "The password for --add (or set TRIBUTARY_SCRAM_PASSWORD, which stays out of the process list).", HelpName = "PASSWORD" };
        var mechanism = new Option<string>("--mechanism") { Description = "SCRAM-SHA-256, SCRAM-SHA-512 or both (the default).", HelpName = "MECHANISM", DefaultValueFactory = _ => "both" };
        mechanism.AcceptOnlyFromAmong("SCRAM-SHA-256", "SCRAM-SHA-512", "both");
        var iterations = new Option<int>("--iterations") { Description = $"PBKDF2 iterations for --add ({ScramFormatter.MinIterations} to {ScramFormatter.MaxIterations}; default 8192).", HelpName = "N", DefaultValueFactory = _ => 8192 };
        var command = new Command("scram-credentials", "Add, delete or list users' SCRAM credentials on a running broker (for SASL SCRAM and PLAIN).");
        foreach (var option in new Option[] { bootstrap, add, delete, describe, user, password, mechanism, iterations })
        {
            command.Add(option);
        }
        command.Validators.Add(result =>
        {
            var chosen = (result.GetValue(add) is null ? 0 : 1) + (result.GetValue(delete) is null ? 0 : 1) + (result.GetValue(describe) ? 1 : 0);
            if (chosen != 1)
            {
                result.AddError("Give exactly one of --add USER, --delete USER, --describe.");
            }
        });
        command.SetAction((result, cancel) => RunAsync(
            result.GetValue(bootstrap)!, result.GetValue(add), result.GetValue(delete), result.GetValue(user),
            result.GetValue(password) ?? Environment.GetEnvironmentVariable("TRIBUTARY_SCRAM_PASSWORD"), result.GetValue(mechanism)!, result.GetValue(iterations), cancel));
        return command;
    }

    private static async Task<int> RunAsync(string bootstrap, string? add, string? delete, string? user, string? password, string mechanism, int iterations, CancellationToken cancel)
    {
        var formatters = mechanism switch
        {
            "SCRAM-SHA-256" => new[] { ScramFormatter.Sha256 },
            "SCRAM-SHA-512" => [ScramFormatter.Sha512],
            _ => [ScramFormatter.Sha256, ScramFormatter.Sha512],
        };
        if (add is not null && string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("tributary: --add needs --password (or TRIBUTARY_SCRAM_PASSWORD).");
            return TributaryCommandLine.UsageError;
        }
        var colon = bootstrap.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(bootstrap[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            Console.Error.WriteLine($"tributary: --bootstrap-server must be HOST:PORT; got '{bootstrap}'.");
            return TributaryCommandLine.UsageError;
        }
        try
        {
            await using var connection = await KafkaConnection.ConnectAsync(bootstrap[..colon], port, "tributary-scram-credentials", TimeSpan.FromSeconds(30), cancel).ConfigureAwait(false);
            if (add is null && delete is null)
            {
                return await DescribeAsync(connection, user, cancel).ConfigureAwait(false);
            }
            var request = new AlterUserScramCredentialsRequest();
            foreach (var formatter in formatters)
            {
                if (add is not null)
                {
                    var salt = RandomNumberGenerator.GetBytes(32);
                    request.Upsertions.Add(new AlterUserScramCredentialsRequest.ScramCredentialUpsertion
                    {
                        Name = add,
                        Mechanism = formatter.TypeId,
                        Iterations = iterations,
                        Salt = salt,
                        SaltedPassword = formatter.SaltedPassword(password!, salt, iterations),
                    });
                }
                else
                {
                    request.Deletions.Add(new AlterUserScramCredentialsRequest.ScramCredentialDeletion { Name = delete!, Mechanism = formatter.TypeId });
                }
            }
            var response = await connection.SendNegotiatedAsync<AlterUserScramCredentialsResponse>(request, AlterUserScramCredentialsRequest.ApiKey, cancellationToken: cancel).ConfigureAwait(false);
            var failed = false;
            foreach (var result in response.Results)
            {
                if (result.ErrorCode != 0)
                {
                    failed = true;
                    Console.Error.WriteLine($"tributary: {result.User}: error {result.ErrorCode}: {result.ErrorMessage}");
                }
                else
                {
                    Console.WriteLine($"{(add is not null ? "set" : "deleted")} {string.Join(", ", formatters.Select(f => f.Mechanism))} for user {result.User}");
                }
            }
            return failed ? 1 : 0;
        }
        catch (KafkaClientException e)
        {
            Console.Error.WriteLine($"tributary: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> DescribeAsync(KafkaConnection connection, string? user, CancellationToken cancel)
    {
        var request = new DescribeUserScramCredentialsRequest { Users = user is null ? null : [new DescribeUserScramCredentialsRequest.UserName { Name = user }] };
        var response = await connection.SendNegotiatedAsync<DescribeUserScramCredentialsResponse>(request, DescribeUserScramCredentialsRequest.ApiKey, cancellationToken: cancel).ConfigureAwait(false);
        var failed = response.ErrorCode != 0;
        foreach (var result in response.Results)
        {
            if (result.ErrorCode != 0)
            {
                failed = true;
                Console.Error.WriteLine($"tributary: {result.User}: error {result.ErrorCode}: {result.ErrorMessage}");
                continue;
            }
            var infos = result.CredentialInfos.Select(i => $"{ScramFormatter.ForTypeId(i.Mechanism)?.Mechanism ?? "UNKNOWN"}=iterations={i.Iterations}");
            Console.WriteLine($"SCRAM credential configs for user-principal '{result.User}' are {string.Join(", ", infos)}");
        }
        return failed ? 1 : 0;
    }
}
