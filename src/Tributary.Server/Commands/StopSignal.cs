using System.Runtime.InteropServices;

namespace Tributary.Server.Commands;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM as a task that completes at the first of them. The runtime's own termination is
/// cancelled, so a long-running command (serve, the Connect workers, a registry instance) stops its parts in order and
/// exits by itself. With <c>standardInputLifeline</c>, the end of standard input stops it the same way: a supervisor
/// that starts the command with a pipe as its standard input (serve its MSK Connect workers, a test harness its serve)
/// takes it down with itself however the supervisor ends — a SIGKILL or a crash closes the pipe too, where no signal
/// would reach the child. Dispose unregisters the signals. Thread-safe.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    /// <summary>The option that asks for the lifeline, on every long-running command that takes it.</summary>
    public const string LifelineOption = "--stop-when-stdin-closes";

    public const string LifelineDescription =
        "Stop, as on SIGTERM, when standard input reaches its end: a supervisor that holds the other end of a pipe takes the process down with itself.";

    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public StopSignal(bool standardInputLifeline = false)
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        if (standardInputLifeline)
        {
            // A thread of its own: the read blocks for the process's whole life. Background, so it never holds the
            // process up once the command has returned.
            new Thread(WatchStandardInput) { IsBackground = true, Name = "stdin-lifeline" }.Start();
        }
    }

    /// <summary>Completes when a signal arrives (or standard input ends, with the lifeline); never faults.</summary>
    public Task Task => _stop.Task;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.TrySetResult();
    }

    /// <summary>Reads and discards standard input until its end; an input that cannot be read counts as ended.</summary>
    private void WatchStandardInput()
    {
        try
        {
            using var input = Console.OpenStandardInput();
            var discarded = new byte[512];
            while (input.Read(discarded, 0, discarded.Length) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException or UnauthorizedAccessException)
        {
            // Closed or unreadable: the supervisor is gone, or never gave a pipe to watch.
        }
        if (_stop.TrySetResult())
        {
            Console.Error.WriteLine("tributary: standard input closed: stopping as on SIGTERM.");
        }
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
    }
}
