using System.Buffers.Binary;
using System.Numerics;
using Tributary.Orc.Compression;
using Tributary.Orc.Encodings;

namespace Tributary.Orc.Writer;

/// <summary>Unsigned and zigzag varints, and ORC's unbounded decimal varint.</summary>
internal static class Varints
{
    public static void WriteUnsigned(ByteBuffer output, ulong value)
    {
        var span = output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        output.Advance(i);
    }

    public static void WriteSigned(ByteBuffer output, long value) => WriteUnsigned(output, (ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Zigzag of an arbitrary-size integer as a base-128 varint (decimal DATA streams).</summary>
    public static void WriteSignedBig(ByteBuffer output, BigInteger value)
    {
        var zigzag = value.Sign >= 0 ? value << 1 : (-value << 1) - 1;
        while (zigzag >= 0x80)
        {
            output.WriteByte((byte)((int)(zigzag & 0x7f) | 0x80));
            zigzag >>= 7;
        }
        output.WriteByte((byte)(int)zigzag);
    }
}

/// <summary>
/// Byte RLE: runs of 3..130 equal bytes, literal groups of 1..128. Values are held until a group is decided, so a row
/// index position is (stream offset of the next group, values held).
/// </summary>
internal sealed class ByteRleEncoder(StreamBuffer stream)
{
    private readonly byte[] _literals = new byte[128];
    private int _count;
    private int _repeat;
    private bool _inRun;

    public void Write(byte value)
    {
        if (_inRun)
        {
            if (value == _literals[0] && _repeat < 130)
            {
                _repeat++;
                return;
            }
            FlushRun();
        }
        _literals[_count++] = value;
        if (_count >= 3 && _literals[_count - 1] == _literals[_count - 2] && _literals[_count - 2] == _literals[_count - 3])
        {
            // The last three equal: literals before them go out, the three start a run.
            var before = _count - 3;
            if (before > 0)
            {
                WriteLiterals(before);
            }
            _literals[0] = value;
            _count = 0;
            _repeat = 3;
            _inRun = true;
            return;
        }
        if (_count == 128)
        {
            WriteLiterals(128);
            _count = 0;
        }
    }

    private void FlushRun()
    {
        stream.Data.WriteByte((byte)(_repeat - 3));
        stream.Data.WriteByte(_literals[0]);
        _inRun = false;
        _repeat = 0;
    }

    private void WriteLiterals(int count)
    {
        stream.Data.WriteByte((byte)(sbyte)-count);
        stream.Data.Write(_literals.AsSpan(0, count));
    }

    public void RecordPosition(PositionRecorder recorder)
    {
        recorder.AddStream(stream, stream.Position);
        recorder.AddCount(_inRun ? _repeat : _count);
    }

    public void Flush()
    {
        if (_inRun)
        {
            FlushRun();
        }
        else if (_count > 0)
        {
            WriteLiterals(_count);
        }
        _count = 0;
    }
}

/// <summary>Booleans packed most significant bit first into bytes, over byte RLE.</summary>
internal sealed class BooleanEncoder(StreamBuffer stream)
{
    private readonly ByteRleEncoder _bytes = new(stream);
    private int _current;
    private int _bits;

    public void Write(bool value)
    {
        _current = (_current << 1) | (value ? 1 : 0);
        if (++_bits == 8)
        {
            _bytes.Write((byte)_current);
            _current = 0;
            _bits = 0;
        }
    }

    public void RecordPosition(PositionRecorder recorder)
    {
        _bytes.RecordPosition(recorder);
        recorder.AddCount(_bits);
    }

    public void Flush()
    {
        if (_bits > 0)
        {
            _bytes.Write((byte)(_current << (8 - _bits)));
            _current = 0;
            _bits = 0;
        }
        _bytes.Flush();
    }
}

/// <summary>An integer stream encoder (RLE v1 or v2).</summary>
internal interface IIntegerEncoder
{
    void Write(long value);

    void RecordPosition(PositionRecorder recorder);

    void Flush();
}

/// <summary>
/// Integer RLE v1: runs of 3..130 values with a constant step in -128..127, literal groups of up to 128 varints.
/// </summary>
internal sealed class IntegerRleV1Encoder(StreamBuffer stream, bool signed) : IIntegerEncoder
{
    private readonly long[] _values = new long[128];
    private int _count;
    private bool _inRun;
    private long _runBase;
    private long _runDelta;
    private int _runLength;
    private long _runLast;

    public void Write(long value)
    {
        if (_inRun)
        {
            // Wrapping arithmetic, as the reader's: base + k·delta modulo 2^64.
            if (_runLength < 130 && value - _runLast == _runDelta)
            {
                _runLast = value;
                _runLength++;
                return;
            }
            WriteRun();
        }
        _values[_count++] = value;
        if (_count >= 3)
        {
            var a = _values[_count - 3];
            var b = _values[_count - 2];
            var d1 = b - a;
            var d2 = value - b;
            if (d1 == d2 && d1 is >= -128 and <= 127)
            {
                if (_count > 3)
                {
                    WriteLiterals(_count - 3);
                }
                _inRun = true;
                _runBase = a;
                _runDelta = d1;
                _runLength = 3;
                _runLast = value;
                _count = 0;
                return;
            }
        }
        if (_count == 128)
        {
            WriteLiterals(128);
            _count = 0;
        }
    }

    private void WriteRun()
    {
        stream.Data.WriteByte((byte)(_runLength - 3));
        stream.Data.WriteByte((byte)(sbyte)_runDelta);
        WriteValue(_runBase);
        _inRun = false;
    }

    private void WriteLiterals(int count)
    {
        stream.Data.WriteByte((byte)(sbyte)-count);
        for (var i = 0; i < count; i++)
        {
            WriteValue(_values[i]);
        }
    }

    private void WriteValue(long v)
    {
        if (signed)
        {
            Varints.WriteSigned(stream.Data, v);
        }
        else
        {
            Varints.WriteUnsigned(stream.Data, (ulong)v);
        }
    }

    public void RecordPosition(PositionRecorder recorder)
    {
        recorder.AddStream(stream, stream.Position);
        recorder.AddCount(_inRun ? _runLength : _count);
    }

    public void Flush()
    {
        if (_inRun)
        {
            WriteRun();
        }
        else if (_count > 0)
        {
            WriteLiterals(_count);
        }
        _count = 0;
    }
}

/// <summary>
/// Integer RLE v2. Values are buffered (up to 512) and each buffer is cut into runs: a repeated value becomes
/// SHORT_REPEAT (3..10 copies) or a fixed DELTA; other stretches become DELTA when monotonic and that is smaller,
/// otherwise DIRECT. PATCHED_BASE is read but never written — a valid subset of the encoding, slightly larger on
/// data with rare outliers. A row index position is (offset where the buffered values' runs will start, values buffered).
/// </summary>
internal sealed class IntegerRleV2Encoder(StreamBuffer stream, bool signed) : IIntegerEncoder
{
    private readonly long[] _values = new long[512];
    private int _count;

    public void Write(long value)
    {
        _values[_count++] = value;
        if (_count == 512)
        {
            Flush();
        }
    }

    public void RecordPosition(PositionRecorder recorder)
    {
        recorder.AddStream(stream, stream.Position);
        recorder.AddCount(_count);
    }

    public void Flush()
    {
        var start = 0;
        var i = 0;
        while (i < _count)
        {
            var run = 1;
            while (i + run < _count && _values[i + run] == _values[i])
            {
                run++;
            }
            if (run >= 3)
            {
                if (i > start)
                {
                    WriteLiterals(start, i - start);
                }
                WriteRepeat(_values[i], run);
                i += run;
                start = i;
            }
            else
            {
                i += run;
            }
        }
        if (_count > start)
        {
            WriteLiterals(start, _count - start);
        }
        _count = 0;
    }

    private ulong Zigzag(long v) => signed ? (ulong)((v << 1) ^ (v >> 63)) : (ulong)v;

    private void WriteRepeat(long value, int count)
    {
        var z = Zigzag(value);
        if (count <= 10)
        {
            var bytes = Math.Max(1, (64 - BitOperations.LeadingZeroCount(z) + 7) / 8);
            var output = stream.Data;
            output.WriteByte((byte)(((bytes - 1) << 3) | (count - 3)));
            for (var b = bytes - 1; b >= 0; b--)
            {
                output.WriteByte((byte)(z >> (b * 8)));
            }
            return;
        }
        WriteDeltaHeader(0, count, value, 0);
    }

    private void WriteDeltaHeader(int widthCode, int count, long baseValue, long deltaBase)
    {
        var output = stream.Data;
        var length = count - 1;
        output.WriteByte((byte)((3 << 6) | (widthCode << 1) | (length >> 8)));
        output.WriteByte((byte)length);
        if (signed)
        {
            Varints.WriteSigned(output, baseValue);
        }
        else
        {
            Varints.WriteUnsigned(output, (ulong)baseValue);
        }
        Varints.WriteSigned(output, deltaBase);
    }

    private void WriteLiterals(int start, int count)
    {
        var values = _values.AsSpan(start, count);
        ulong maxZigzag = 0;
        foreach (var v in values)
        {
            maxZigzag |= Zigzag(v);
        }
        var directWidth = BitWidths.ClosestFixed(Math.Max(1, 64 - BitOperations.LeadingZeroCount(maxZigzag)));
        if (count >= 3 && TryDelta(values, directWidth))
        {
            return;
        }
        WriteDirect(values, directWidth);
    }

    /// <summary>DELTA when every step has the same sign (and no step overflows) and it is no larger than DIRECT.</summary>
    private bool TryDelta(ReadOnlySpan<long> values, int directWidth)
    {
        var first = values[1] - values[0];
        if (Overflow(values[0], values[1], first))
        {
            return false;
        }
        var fixedDelta = true;
        ulong maxStep = 0;
        for (var i = 2; i < values.Length; i++)
        {
            var step = values[i] - values[i - 1];
            if (Overflow(values[i - 1], values[i], step) || (first >= 0 ? step < 0 : step > 0) || (first == 0 && step != 0))
            {
                return false;
            }
            fixedDelta &= step == first;
            maxStep |= (ulong)Math.Abs(step == long.MinValue ? 0 : step);
            if (step == long.MinValue)
            {
                return false;
            }
        }
        if (fixedDelta)
        {
            WriteDeltaHeader(0, values.Length, values[0], first);
            return true;
        }
        // Width code 0 means a fixed delta in this encoding, so a 1-bit width is written as 2 bits.
        var width = BitWidths.ClosestFixed(Math.Max(2, 64 - BitOperations.LeadingZeroCount(maxStep)));
        if (width >= directWidth)
        {
            return false;
        }
        WriteDeltaHeader(BitWidths.Encode(width), values.Length, values[0], first);
        var packer = new BitPacker(stream.Data);
        for (var i = 2; i < values.Length; i++)
        {
            packer.Write((ulong)Math.Abs(values[i] - values[i - 1]), width);
        }
        packer.Finish();
        return true;
    }

    private static bool Overflow(long previous, long current, long step) => ((previous ^ current) & (current ^ step)) < 0;

    private void WriteDirect(ReadOnlySpan<long> values, int width)
    {
        var output = stream.Data;
        var length = values.Length - 1;
        output.WriteByte((byte)((1 << 6) | (BitWidths.Encode(width) << 1) | (length >> 8)));
        output.WriteByte((byte)length);
        var packer = new BitPacker(output);
        foreach (var v in values)
        {
            packer.Write(Zigzag(v), width);
        }
        packer.Finish();
    }
}

/// <summary>Big-endian bit packing; <see cref="Finish"/> pads the last byte.</summary>
internal ref struct BitPacker(ByteBuffer output)
{
    private ulong _current;
    private int _bits;

    public void Write(ulong value, int width)
    {
        if (width == 64)
        {
            Write(value >> 32, 32);
            Write(value & 0xffffffff, 32);
            return;
        }
        value &= (1UL << width) - 1;
        // Keep at most 7 pending bits plus 32 of a value, below 64.
        if (width > 32)
        {
            Write(value >> 32, width - 32);
            Write(value & 0xffffffff, 32);
            return;
        }
        _current = (_current << width) | value;
        _bits += width;
        while (_bits >= 8)
        {
            _bits -= 8;
            output.WriteByte((byte)(_current >> _bits));
        }
        _current &= (1UL << _bits) - 1;
    }

    public void Finish()
    {
        if (_bits > 0)
        {
            output.WriteByte((byte)(_current << (8 - _bits)));
            _bits = 0;
            _current = 0;
        }
    }
}

internal static class LittleEndian
{
    public static void WriteFloat(ByteBuffer output, float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    public static void WriteDouble(ByteBuffer output, double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }
}
