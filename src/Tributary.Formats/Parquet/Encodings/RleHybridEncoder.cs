using System.Runtime.CompilerServices;

namespace Tributary.Formats.Parquet.Encodings;

/// <summary>
/// The RLE / bit-packed hybrid encoding (levels, booleans, dictionary indices). A run of at least
/// <see cref="MinRepeat"/> equal values becomes an RLE run (header <c>count &lt;&lt; 1</c>, value in
/// ceil(bitWidth/8) bytes); other values go into bit-packed groups of 8 (header <c>(groups &lt;&lt; 1) | 1</c>).
/// The output carries no length prefix; callers add one where the format needs it. Not thread-safe:
/// an encoder instance is reused per column, one page at a time.
/// </summary>
public sealed class RleHybridEncoder
{
    /// <summary>Shorter repeats are cheaper bit-packed (a group of 8 is the unit of bit packing).</summary>
    private const int MinRepeat = 8;

    /// <summary>Bit-packed runs are cut at this many groups so the header fits in one or two varint bytes.</summary>
    private const int MaxGroupsPerRun = 63;

    private readonly ulong[] _pending = new ulong[MaxGroupsPerRun * 8];
    private int _pendingCount;
    private GrowableBuffer _output = null!;
    private int _bitWidth;
    private ulong _repeatValue;
    private int _repeatCount;

    public void Begin(GrowableBuffer output, int bitWidth)
    {
        _output = output;
        _bitWidth = bitWidth;
        _pendingCount = 0;
        _repeatCount = 0;
    }

    public void Add(ulong value)
    {
        if (_repeatCount > 0 && value == _repeatValue)
        {
            _repeatCount++;
            return;
        }
        FlushRepeat();
        _repeatValue = value;
        _repeatCount = 1;
    }

    /// <summary>Adds <paramref name="count"/> copies of <paramref name="value"/>.</summary>
    public void AddRepeated(ulong value, int count)
    {
        if (_repeatCount > 0 && value == _repeatValue)
        {
            _repeatCount += count;
            return;
        }
        FlushRepeat();
        _repeatValue = value;
        _repeatCount = count;
    }

    public void End()
    {
        FlushRepeat();
        if (_pendingCount > 0)
        {
            // Pad the last group with zeros; readers stop at the value count the page header gives.
            while ((_pendingCount & 7) != 0)
            {
                _pending[_pendingCount++] = 0;
            }
            FlushPacked();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FlushRepeat()
    {
        if (_repeatCount == 0)
        {
            return;
        }
        // Fill the current bit-packed group first so that an RLE run can start on a group boundary.
        while (_repeatCount > 0 && (_pendingCount & 7) != 0)
        {
            _pending[_pendingCount++] = _repeatValue;
            _repeatCount--;
        }
        if (_pendingCount == _pending.Length)
        {
            FlushPacked();
        }
        if (_repeatCount >= MinRepeat)
        {
            if (_pendingCount > 0)
            {
                FlushPacked();
            }
            _output.WriteUnsignedVarint((ulong)_repeatCount << 1);
            var valueBytes = (_bitWidth + 7) / 8;
            var v = _repeatValue;
            for (var i = 0; i < valueBytes; i++)
            {
                _output.WriteByte((byte)v);
                v >>= 8;
            }
        }
        else
        {
            for (var i = 0; i < _repeatCount; i++)
            {
                _pending[_pendingCount++] = _repeatValue;
                if (_pendingCount == _pending.Length)
                {
                    FlushPacked();
                }
            }
        }
        _repeatCount = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FlushPacked()
    {
        var groups = _pendingCount / 8;
        _output.WriteUnsignedVarint(((ulong)groups << 1) | 1);
        BitPacking.Pack(_pending.AsSpan(0, _pendingCount), _bitWidth, _output);
        _pendingCount = 0;
    }
}

/// <summary>Decodes the RLE / bit-packed hybrid. A ref struct over the encoded bytes.</summary>
public ref struct RleHybridDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _bitWidth;
    private int _position;
    private int _rleRemaining;
    private ulong _rleValue;
    private int _packedRemaining;
    private long _packedBitPosition;

    public RleHybridDecoder(ReadOnlySpan<byte> data, int bitWidth)
    {
        if (bitWidth is < 0 or > 64)
        {
            throw new ParquetFormatException($"Invalid RLE bit width {bitWidth}.");
        }
        _data = data;
        _bitWidth = bitWidth;
        _position = 0;
        _rleRemaining = 0;
        _rleValue = 0;
        _packedRemaining = 0;
        _packedBitPosition = 0;
    }

    public void Read(Span<ulong> output)
    {
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = Next();
        }
    }

    public ulong Next()
    {
        while (true)
        {
            if (_rleRemaining > 0)
            {
                _rleRemaining--;
                return _rleValue;
            }
            if (_packedRemaining > 0)
            {
                _packedRemaining--;
                return ReadPacked();
            }
            ReadRunHeader();
        }
    }

    private ulong ReadPacked()
    {
        ulong value = 0;
        var got = 0;
        while (got < _bitWidth)
        {
            var byteIndex = (int)(_packedBitPosition >> 3);
            var offset = (int)(_packedBitPosition & 7);
            var take = Math.Min(8 - offset, _bitWidth - got);
            value |= (ulong)((_data[byteIndex] >> offset) & ((1 << take) - 1)) << got;
            got += take;
            _packedBitPosition += take;
        }
        return value;
    }

    private void ReadRunHeader()
    {
        if (_packedBitPosition > 0)
        {
            _position = (int)((_packedBitPosition + 7) >> 3);
            _packedBitPosition = 0;
        }
        ulong header = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (_position >= _data.Length || shift > 63)
            {
                throw new ParquetFormatException("RLE/bit-packed data ends before all values were read.");
            }
            var b = _data[_position++];
            header |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }
        if ((header & 1) == 1)
        {
            var count = (long)(header >> 1) * 8;
            var bytes = ((count * _bitWidth) + 7) / 8;
            if (count == 0 || bytes > _data.Length - _position)
            {
                // Writers may end with a truncated last group; allow reading what is there.
                if (count == 0)
                {
                    throw new ParquetFormatException("Empty bit-packed run.");
                }
                count = _bitWidth == 0 ? count : (_data.Length - _position) * 8L / _bitWidth;
            }
            _packedRemaining = (int)count;
            _packedBitPosition = (long)_position * 8;
            if (_packedRemaining == 0)
            {
                throw new ParquetFormatException("RLE/bit-packed data ends before all values were read.");
            }
        }
        else
        {
            var count = header >> 1;
            var valueBytes = (_bitWidth + 7) / 8;
            if (count == 0 || count > int.MaxValue || valueBytes > _data.Length - _position)
            {
                throw new ParquetFormatException("Invalid RLE run.");
            }
            ulong value = 0;
            for (var i = 0; i < valueBytes; i++)
            {
                value |= (ulong)_data[_position++] << (8 * i);
            }
            _rleValue = value;
            _rleRemaining = (int)count;
        }
    }
}
