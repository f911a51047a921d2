using System.Reflection;
using Microsoft.Extensions.Logging;
using Tributary.Firehose.Model;
using Tributary.MskConnect;
using Tributary.MskConnect.State;
using Tributary.MskConnect.Workers;
using Tributary.ObjectStores;

namespace Tributary.Server;

/// <summary>
/// Wires the MSK Connect API: its state in <c>&lt;data dir&gt;/msk-connect/</c>, plugins read from the embedded
/// bucket's store (the S3 API's), ARNs in the region and account of aws.region and aws.account.id, and workers
/// started as this very program: the native executable when it runs as one, otherwise <c>dotnet tributary.dll</c>;
/// worker logs bound for a delivery stream are put into the server's own delivery streams.
/// </summary>
public static class MskConnectHost
{
    public static MskConnectService Create(LocalDirectoryStore store, TributaryOptions options, IDeliveryStreams deliveryStreams, ILoggerFactory loggerFactory)
    {
        var registry = MskConnectRegistry.Open(Path.Combine(options.DataDirectory, "msk-connect"), store, options.MskConnect, OwnLauncher(), loggerFactory,
            new DeliveryStreamLogs(deliveryStreams));
        return new MskConnectService(registry, options.AwsServer.Credentials, loggerFactory.CreateLogger<MskConnectService>());
    }

    /// <summary>Worker logs for a delivery stream: a direct put, as PutRecordBatch does it; a failed record fails the delivery.</summary>
    private sealed class DeliveryStreamLogs(IDeliveryStreams streams) : ILogDeliveryStreams
    {
        public async Task PutAsync(string deliveryStream, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken)
        {
            var results = await streams.PutAsync(deliveryStream, records, cancellationToken).ConfigureAwait(false);
            if (results.FirstOrDefault(r => r.ErrorCode is not null) is { } failed)
            {
                throw new InvalidOperationException($"{failed.ErrorCode}: {failed.ErrorMessage}");
            }
        }
    }

    /// <summary>How to run this program again: Environment.ProcessPath is the apphost, or the dotnet host running the entry dll.</summary>
    internal static WorkerLauncher OwnLauncher()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The running program's path is unknown.");
        var host = Path.GetFileNameWithoutExtension(process);
        if (host == "dotnet")
        {
            var dll = Assembly.GetEntryAssembly()?.Location;
            if (string.IsNullOrEmpty(dll))
            {
                throw new InvalidOperationException("The entry assembly's path is unknown.");
            }
            return new WorkerLauncher(process, [dll]);
        }
        return new WorkerLauncher(process, []);
    }
}
