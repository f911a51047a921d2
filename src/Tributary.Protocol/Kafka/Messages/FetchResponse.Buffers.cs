using System.Buffers;

namespace Tributary.Protocol.Kafka.Messages;

/// <summary>
/// Record sets of a fetch response live in arrays rented from the shared pool (a fetch may carry
/// megabytes; allocating them would churn the large-object heap). The processor disposes the response
/// once it is written, which returns the arrays.
/// </summary>
public sealed partial class FetchResponse : IDisposable
{
    private List<byte[]>? _rented;

    /// <summary>Bytes of record sets rented so far: lets the encoder size its buffer once instead of doubling.</summary>
    public long RentedBytes { get; private set; }

    /// <summary>Rents an array of at least <paramref name="length"/> bytes that lives until this response is disposed.</summary>
    public byte[] Rent(int length)
    {
        var array = ArrayPool<byte>.Shared.Rent(length);
        (_rented ??= []).Add(array);
        RentedBytes += length;
        return array;
    }

    public void Dispose()
    {
        if (_rented is null)
        {
            return;
        }
        foreach (var array in _rented)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
        _rented = null;
    }
}
