using System.Buffers;

namespace Tributary.Protocol.Buffers;

/// <summary>
/// Bytes that are produced only when they are encoded: the Kafka writer (<c>KafkaWriter</c>) calls
/// <see cref="CopyTo"/> straight into its output buffer, so a fetch response's record sets go from the
/// segment file into the response frame with one copy instead of through an intermediate array. Use
/// <see cref="MemoryManager{T}.Memory"/> wherever a <see cref="ReadOnlyMemory{T}"/> is expected.
/// <para>Anything else that reads the memory (a test, <c>ToString</c>) gets the bytes materialized once into
/// a pooled array, returned on <see cref="IDisposable.Dispose"/>. Not thread-safe.</para>
/// </summary>
public abstract class DeferredBytes : MemoryManager<byte>
{
    private byte[]? _materialized;

    protected DeferredBytes(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
    }

    public int Length { get; }

    /// <summary>The bytes as memory, without producing them (the base class would materialize them to learn the length).</summary>
    public override Memory<byte> Memory => CreateMemory(Length);

    /// <summary>Writes the <see cref="Length"/> bytes into <paramref name="destination"/> (at least that long).</summary>
    public abstract void CopyTo(Span<byte> destination);

    public override Span<byte> GetSpan()
    {
        if (_materialized is null)
        {
            var array = ArrayPool<byte>.Shared.Rent(Math.Max(Length, 1));
            CopyTo(array.AsSpan(0, Length));
            _materialized = array;
        }
        return _materialized.AsSpan(0, Length);
    }

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        GetSpan();
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(_materialized, System.Runtime.InteropServices.GCHandleType.Pinned);
        return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        var array = _materialized;
        _materialized = null;
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
