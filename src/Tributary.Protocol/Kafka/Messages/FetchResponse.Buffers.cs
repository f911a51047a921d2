using System.Buffers;
using Tributary.Protocol.Buffers;

namespace Tributary.Protocol.Kafka.Messages;

/// <summary>
/// Record sets of a fetch response are either <see cref="DeferredBytes"/> (a file region the encoder reads
/// straight into the response frame) or arrays rented from the shared pool (a fetch may carry megabytes;
/// allocating them would churn the large-object heap). Both live until the response is disposed, which the
/// processor does once it has encoded the response.
/// </summary>
public sealed partial class FetchResponse : IDisposable
{
    private List<byte[]>? _rented;
    private List<DeferredBytes>? _deferred;

    /// <summary>Bytes of record sets attached so far: lets the encoder size its buffer once instead of doubling.</summary>
    public long RecordBytes { get; private set; }

    /// <summary>Rents an array of at least <paramref name="length"/> bytes that lives until this response is disposed.</summary>
    public byte[] Rent(int length)
    {
        var array = ArrayPool<byte>.Shared.Rent(length);
        (_rented ??= []).Add(array);
        RecordBytes += length;
        return array;
    }

    /// <summary>Takes ownership of <paramref name="records"/> (disposed with this response) and returns it as memory for a record set.</summary>
    public ReadOnlyMemory<byte> Attach(DeferredBytes records)
    {
        (_deferred ??= []).Add(records);
        RecordBytes += records.Length;
        return records.Memory;
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            foreach (var array in _rented)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
            _rented = null;
        }
        if (_deferred is not null)
        {
            foreach (var records in _deferred)
            {
                ((IDisposable)records).Dispose();
            }
            _deferred = null;
        }
    }
}
