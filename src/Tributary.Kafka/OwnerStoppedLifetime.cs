using Microsoft.Extensions.Hosting;

namespace Tributary.Kafka;

/// <summary>
/// The listener host's lifetime when the process, not the host, owns SIGTERM and Ctrl-C. The default console lifetime
/// fires <c>ApplicationStopping</c> as soon as a signal arrives, and the connection handler closes every connection on
/// that token, so the embedded broker went away while the parts above it (the Connect worker's final offset flush,
/// delivery streams) were still being stopped in order. With this lifetime the token fires only when
/// <see cref="KafkaServer.DisposeAsync"/> stops the host.
/// </summary>
internal sealed class OwnerStoppedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
