using System.CommandLine;
using Tributary.Server.Security;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary tls-certificates --out DIR [--host NAME]...</c>: makes a local CA and a server certificate signed by it,
/// for trying TLS out (docs/security.md). Prints the files and the settings that use them.
/// </summary>
internal static class TlsCertificatesCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for ca.pem, ca-key.pem, server.pem and server-key.pem.", HelpName = "DIR", Required = true };
        var hosts = new Option<string[]>("--host")
        {
            Description = "Host name or IP address clients dial (repeatable; default: localhost and 127.0.0.1).",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
        };
        var clients = new Option<string[]>("--client")
        {
            Description = "Also make a client certificate (subject CN=NAME) for mTLS: client-NAME.pem and client-NAME-key.pem (repeatable).",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
        };
        clients.Validators.Add(result =>
        {
            foreach (var name in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                {
                    result.AddError($"--client {name}: use letters, digits, '-', '_' and '.' only.");
                }
            }
        });
        var days = new Option<int>("--days") { Description = "Validity in days (default 365).", HelpName = "N", DefaultValueFactory = _ => 365 };
        days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 3650)
            {
                result.AddError("--days must be between 1 and 3650.");
            }
        });
        var command = new Command("tls-certificates", "Make a local CA and a server certificate for trying TLS out (not for production).");
        command.Add(output);
        command.Add(hosts);
        command.Add(clients);
        command.Add(days);
        command.SetAction(result => Run(result.GetValue(output)!, result.GetValue(hosts) ?? [], result.GetValue(clients) ?? [], result.GetValue(days)));
        return command;
    }

    private static int Run(DirectoryInfo output, string[] hosts, string[] clients, int days)
    {
        IReadOnlyList<string> names = hosts.Length > 0 ? hosts : ["localhost", "127.0.0.1"];
        try
        {
            var files = LocalCertificateAuthority.Create(output.FullName, names, TimeSpan.FromDays(days), clients);
            Console.WriteLine($"CA certificate:     {files.CaCertificate} (give it to clients: ssl.ca.location, ssl_cafile, ca)");
            Console.WriteLine($"CA key:             {files.CaKey}");
            Console.WriteLine($"server certificate: {files.ServerCertificate} (for {string.Join(", ", names)}, {days} days)");
            Console.WriteLine($"server key:         {files.ServerKey}");
            foreach (var (certificate, key) in files.Clients)
            {
                Console.WriteLine($"client certificate: {certificate} with key {key} (ssl.certificate.location / ssl.key.location; ssl.keystore.type=PEM)");
            }
            Console.WriteLine();
            Console.WriteLine("Serve TLS with:");
            Console.WriteLine($"  --set kafka.listeners=PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093 --set kafka.ssl.certificate.location={files.ServerCertificate} --set kafka.ssl.key.location={files.ServerKey}");
            if (files.Clients.Count > 0)
            {
                Console.WriteLine($"  and for client certificates: --set kafka.ssl.client.auth=required --set kafka.ssl.truststore.location={files.CaCertificate}");
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine($"tributary: cannot write the certificates to {output.FullName}: {e.Message}");
            return 1;
        }
    }
}
