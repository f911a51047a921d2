using System.Runtime.InteropServices;

namespace Tributary.Server.Commands;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM as a task that completes at the first of them. The runtime's own termination is
/// cancelled, so a long-running command (serve, the Connect workers, a registry instance) stops its parts in order and
/// exits by itself. Dispose unregisters both. Thread-safe.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public StopSignal()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Completes when a signal arrives; never faults.</summary>
    public Task Task => _stop.Task;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.TrySetResult();
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
    }
}
