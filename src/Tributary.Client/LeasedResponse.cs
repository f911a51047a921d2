namespace Tributary.Client;

/// <summary>
/// A decoded response whose byte fields are slices of a pooled frame (<see cref="KafkaConnection.SendLeasedAsync{TResponse}"/>).
/// Dispose returns the frame to the pool, once; after that those slices must not be read. A lease that is never
/// disposed only leaves its array to the garbage collector.
/// </summary>
public sealed class LeasedResponse<TResponse> : IDisposable
{
    private byte[]? _rented;

    internal LeasedResponse(TResponse response, byte[]? rented)
    {
        Response = response;
        _rented = rented;
    }

    public TResponse Response { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            KafkaConnection.LeasedFrames.Return(rented);
        }
    }
}
