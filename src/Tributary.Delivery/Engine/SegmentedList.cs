using System.Collections;

namespace Tributary.Delivery.Engine;

/// <summary>
/// An append-only list kept in arrays of at most <see cref="SegmentSize"/> entries (64 KiB of references), so a buffer
/// of tens of thousands of records never grows an array onto the large object heap: a List would, several times per
/// object (each doubling), and large-object allocations are what make the runtime run full (gen2) collections — which
/// walk every buffered record. The first segment grows by doubling (small buffers stay small); the others are
/// allocated whole. Not thread-safe; readers on other threads only after the last <see cref="Add"/> (as a List).
/// </summary>
internal sealed class SegmentedList<T> : IReadOnlyList<T>
{
    private const int SegmentShift = 13;
    private const int SegmentSize = 1 << SegmentShift;
    private const int SegmentMask = SegmentSize - 1;

    private readonly List<T[]> _segments = [];

    public int Count { get; private set; }

    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return _segments[index >> SegmentShift][index & SegmentMask];
        }
    }

    public void Add(T item)
    {
        var segment = Count >> SegmentShift;
        var slot = Count & SegmentMask;
        if (segment == _segments.Count)
        {
            _segments.Add(new T[segment == 0 ? 4 : SegmentSize]);
        }
        else if (slot == _segments[segment].Length)
        {
            // Only the first segment is ever short.
            var first = _segments[0];
            Array.Resize(ref first, Math.Min(first.Length * 2, SegmentSize));
            _segments[0] = first;
        }
        _segments[segment][slot] = item;
        Count++;
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _segments[i >> SegmentShift][i & SegmentMask];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
