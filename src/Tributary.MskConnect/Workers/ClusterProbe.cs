using System.Globalization;
using System.Net.Sockets;

namespace Tributary.MskConnect.Workers;

/// <summary>
/// Whether a connector's Kafka cluster can be reached at all: a TCP connection to one of its bootstrap servers
/// (<c>host:port</c>, comma-separated; <c>[v6]:port</c> too). Only the connection is tried — TLS and SASL are the
/// workers' own business, and their failures show in the connector's status. Stateless, thread-safe.
/// </summary>
internal static class ClusterProbe
{
    /// <summary>How long one server may take to accept: a loopback or LAN broker answers in milliseconds.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Null when a server accepted a connection; otherwise why none did, naming each server.</summary>
    public static async Task<string?> UnreachableAsync(string bootstrapServers, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        foreach (var server in bootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                reasons.Add($"{server}: not host:port");
                continue;
            }
            var host = server[..colon].Trim('[', ']');
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
                return null;
            }
            catch (SocketException e)
            {
                reasons.Add($"{server}: {e.Message}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                reasons.Add($"{server}: no answer within {ConnectTimeout.TotalSeconds:0} s");
            }
        }
        return $"The connector cannot reach its Kafka cluster: none of the bootstrap servers {bootstrapServers} accepts a connection ({string.Join("; ", reasons)}).";
    }
}
