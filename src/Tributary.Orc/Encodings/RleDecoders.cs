namespace Tributary.Orc.Encodings;

/// <summary>
/// Byte run-length encoding: a control byte 0..127 is a run of control+3 copies of the next byte, -1..-128 a
/// literal list of -control bytes. Booleans are bit-packed (most significant bit first) over it.
/// </summary>
internal sealed class ByteRleDecoder(StreamInput input)
{
    private int _remaining;
    private bool _repeat;
    private byte _value;

    public byte Next()
    {
        if (_remaining == 0)
        {
            var control = (sbyte)input.ReadByte();
            if (control >= 0)
            {
                _remaining = control + 3;
                _repeat = true;
                _value = input.ReadByte();
            }
            else
            {
                _remaining = -control;
                _repeat = false;
            }
        }
        _remaining--;
        return _repeat ? _value : input.ReadByte();
    }

    /// <summary>Skips <paramref name="count"/> values (a row index's in-run offset).</summary>
    public void Skip(long count)
    {
        for (long i = 0; i < count; i++)
        {
            Next();
        }
    }

    public void Reset()
    {
        _remaining = 0;
    }
}

internal sealed class BooleanDecoder(StreamInput input)
{
    private readonly ByteRleDecoder _bytes = new(input);
    private int _bitsLeft;
    private int _current;

    public bool Next()
    {
        if (_bitsLeft == 0)
        {
            _current = _bytes.Next();
            _bitsLeft = 8;
        }
        _bitsLeft--;
        return ((_current >> _bitsLeft) & 1) == 1;
    }

    public void Seek(long byteValuesToSkip, long bitsToSkip)
    {
        _bytes.Reset();
        _bitsLeft = 0;
        _bytes.Skip(byteValuesToSkip);
        for (long i = 0; i < bitsToSkip; i++)
        {
            Next();
        }
    }
}

/// <summary>An integer stream decoder (RLE v1 or v2, signed or unsigned).</summary>
internal interface IIntegerDecoder
{
    long Next();

    void Seek(long valuesToSkip);
}

/// <summary>
/// Integer RLE version 1: a control byte 0..127 is a run of control+3 values from a base varint stepping by a signed
/// delta byte; -1..-128 is a literal list of -control varints (zigzag when signed).
/// </summary>
internal sealed class IntegerRleV1Decoder(StreamInput input, bool signed) : IIntegerDecoder
{
    private int _remaining;
    private bool _run;
    private long _value;
    private long _delta;

    public long Next()
    {
        if (_remaining == 0)
        {
            var control = (sbyte)input.ReadByte();
            if (control >= 0)
            {
                _remaining = control + 3;
                _run = true;
                _delta = (sbyte)input.ReadByte();
                _value = signed ? input.ReadSignedVarint() : (long)input.ReadUnsignedVarint();
            }
            else
            {
                _remaining = -control;
                _run = false;
            }
        }
        _remaining--;
        if (_run)
        {
            var v = _value;
            _value += _delta;
            return v;
        }
        return signed ? input.ReadSignedVarint() : (long)input.ReadUnsignedVarint();
    }

    public void Seek(long valuesToSkip)
    {
        _remaining = 0;
        for (long i = 0; i < valuesToSkip; i++)
        {
            Next();
        }
    }
}

/// <summary>
/// Integer RLE version 2: runs of up to 512 values in one of four sub-encodings chosen by the header's top two bits —
/// SHORT_REPEAT, DIRECT (bit-packed), PATCHED_BASE (bit-packed with a base and patches for outliers) and DELTA.
/// Values are decoded a run at a time into a buffer.
/// </summary>
internal sealed class IntegerRleV2Decoder(StreamInput input, bool signed) : IIntegerDecoder
{
    private readonly long[] _values = new long[512];
    private int _count;
    private int _next;

    public long Next()
    {
        if (_next == _count)
        {
            ReadRun();
        }
        return _values[_next++];
    }

    public void Seek(long valuesToSkip)
    {
        _next = _count = 0;
        for (long i = 0; i < valuesToSkip; i++)
        {
            Next();
        }
    }

    private long Unzig(ulong v) => signed ? (long)(v >> 1) ^ -(long)(v & 1) : (long)v;

    private void ReadRun()
    {
        _next = 0;
        var first = input.ReadByte();
        switch (first >> 6)
        {
            case 0:
                {
                    var width = ((first >> 3) & 7) + 1;
                    var repeat = (first & 7) + 3;
                    ulong v = 0;
                    for (var i = 0; i < width; i++)
                    {
                        v = (v << 8) | input.ReadByte();
                    }
                    var value = Unzig(v);
                    for (var i = 0; i < repeat; i++)
                    {
                        _values[i] = value;
                    }
                    _count = repeat;
                    break;
                }
            case 1:
                {
                    var width = BitWidths.Decode((first >> 1) & 31);
                    var length = (((first & 1) << 8) | input.ReadByte()) + 1;
                    var reader = new BitReader(input);
                    for (var i = 0; i < length; i++)
                    {
                        _values[i] = Unzig(reader.Read(width));
                    }
                    _count = length;
                    break;
                }
            case 2:
                ReadPatchedBase(first);
                break;
            default:
                {
                    var code = (first >> 1) & 31;
                    var width = code == 0 ? 0 : BitWidths.Decode(code);
                    var length = (((first & 1) << 8) | input.ReadByte()) + 1;
                    var baseValue = signed ? input.ReadSignedVarint() : (long)input.ReadUnsignedVarint();
                    var deltaBase = input.ReadSignedVarint();
                    _values[0] = baseValue;
                    if (length > 1)
                    {
                        _values[1] = baseValue + deltaBase;
                    }
                    if (width == 0)
                    {
                        for (var i = 2; i < length; i++)
                        {
                            _values[i] = _values[i - 1] + deltaBase;
                        }
                    }
                    else
                    {
                        var reader = new BitReader(input);
                        for (var i = 2; i < length; i++)
                        {
                            var delta = (long)reader.Read(width);
                            _values[i] = deltaBase < 0 ? _values[i - 1] - delta : _values[i - 1] + delta;
                        }
                    }
                    _count = length;
                    break;
                }
        }
    }

    private void ReadPatchedBase(byte first)
    {
        var width = BitWidths.Decode((first >> 1) & 31);
        var length = (((first & 1) << 8) | input.ReadByte()) + 1;
        var third = input.ReadByte();
        var baseBytes = ((third >> 5) & 7) + 1;
        var patchWidth = BitWidths.Decode(third & 31);
        var fourth = input.ReadByte();
        var gapWidth = ((fourth >> 5) & 7) + 1;
        var patchCount = fourth & 31;
        ulong raw = 0;
        for (var i = 0; i < baseBytes; i++)
        {
            raw = (raw << 8) | input.ReadByte();
        }
        var signBit = 1UL << ((baseBytes * 8) - 1);
        var baseValue = (raw & signBit) != 0 ? -(long)(raw & ~signBit) : (long)raw;
        var reader = new BitReader(input);
        for (var i = 0; i < length; i++)
        {
            _values[i] = (long)reader.Read(width);
        }
        if (gapWidth + patchWidth > 64)
        {
            throw input.Corrupt("a patched-base run's patch entries are wider than 64 bits");
        }
        var entryWidth = BitWidths.ClosestFixed(gapWidth + patchWidth);
        reader = new BitReader(input);
        var position = 0;
        for (var i = 0; i < patchCount; i++)
        {
            var entry = reader.Read(entryWidth);
            var gap = (int)(entry >> patchWidth);
            var patch = patchWidth == 64 ? entry : entry & ((1UL << patchWidth) - 1);
            position += gap;
            if (position >= length)
            {
                throw input.Corrupt("a patched-base run patches a value past its length");
            }
            if (patch != 0 || gap != 255)
            {
                _values[position] |= width >= 64 ? 0 : (long)(patch << width);
            }
        }
        for (var i = 0; i < length; i++)
        {
            _values[i] += baseValue;
        }
        _count = length;
    }
}

/// <summary>Big-endian bit unpacking of one run; a run ends on a byte boundary.</summary>
internal ref struct BitReader(StreamInput input)
{
    private int _bitsLeft;
    private int _current;

    public ulong Read(int width)
    {
        ulong result = 0;
        var needed = width;
        while (needed > 0)
        {
            if (_bitsLeft == 0)
            {
                _current = input.ReadByte();
                _bitsLeft = 8;
            }
            var take = Math.Min(needed, _bitsLeft);
            var shift = _bitsLeft - take;
            var bits = (_current >> shift) & ((1 << take) - 1);
            result = (result << take) | (uint)bits;
            _bitsLeft -= take;
            needed -= take;
        }
        return result;
    }
}

/// <summary>RLE v2's 5-bit width codes.</summary>
internal static class BitWidths
{
    public static int Decode(int code) => code switch
    {
        <= 23 => code + 1,
        24 => 26,
        25 => 28,
        26 => 30,
        27 => 32,
        28 => 40,
        29 => 48,
        30 => 56,
        _ => 64,
    };

    /// <summary>The code of the smallest width in the table that holds <paramref name="bits"/> bits.</summary>
    public static int Encode(int bits) => bits switch
    {
        <= 24 => Math.Max(bits, 1) - 1,
        <= 26 => 24,
        <= 28 => 25,
        <= 30 => 26,
        <= 32 => 27,
        <= 40 => 28,
        <= 48 => 29,
        <= 56 => 30,
        _ => 31,
    };

    public static int ClosestFixed(int bits) => Decode(Encode(bits));
}
