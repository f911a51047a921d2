namespace Tributary.Orc.Compression;

/// <summary>
/// An LZO1X decompressor (read only: ORC files written by Java with LZO are read, never written), after the public
/// description of the LZO1X bitstream: literal runs and matches selected by the instruction byte (M1..M4), with every
/// input and output bound checked so a corrupt chunk is an <see cref="OrcFormatException"/>. No package on the feed
/// provides LZO.
/// </summary>
internal static class Lzo
{
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output, string what)
    {
        var ip = 0;
        var op = 0;
        int t;
        var state = 0;
        int next;
        if (input.Length == 0)
        {
            throw Corrupt(what, "empty chunk");
        }
        if (input[0] > 17)
        {
            t = input[ip++] - 17;
            if (t < 4)
            {
                CopyLiterals(input, ref ip, output, ref op, t, what);
                state = t;
            }
            else
            {
                CopyLiterals(input, ref ip, output, ref op, t, what);
                state = 4;
            }
        }
        while (true)
        {
            t = Byte(input, ref ip, what);
            int matchPosition;
            if (t < 16)
            {
                if (state == 0)
                {
                    if (t == 0)
                    {
                        t = 15 + ZeroRun(input, ref ip, what);
                    }
                    t += 3;
                    CopyLiterals(input, ref ip, output, ref op, t, what);
                    state = 4;
                    continue;
                }
                next = t & 3;
                if (state != 4)
                {
                    matchPosition = op - 1 - (t >> 2) - (Byte(input, ref ip, what) << 2);
                    t = 2;
                }
                else
                {
                    matchPosition = op - (1 + 0x0800) - (t >> 2) - (Byte(input, ref ip, what) << 2);
                    t = 3;
                }
            }
            else if (t >= 64)
            {
                next = t & 3;
                matchPosition = op - 1 - ((t >> 2) & 7) - (Byte(input, ref ip, what) << 3);
                t = (t >> 5) + 1;
            }
            else if (t >= 32)
            {
                t = (t & 31) + 2;
                if (t == 2)
                {
                    t += 31 + ZeroRun(input, ref ip, what);
                }
                var le = Byte(input, ref ip, what) | (Byte(input, ref ip, what) << 8);
                matchPosition = op - 1 - (le >> 2);
                next = le & 3;
            }
            else
            {
                matchPosition = op - ((t & 8) << 11);
                t = (t & 7) + 2;
                if (t == 2)
                {
                    t += 7 + ZeroRun(input, ref ip, what);
                }
                var le = Byte(input, ref ip, what) | (Byte(input, ref ip, what) << 8);
                matchPosition -= le >> 2;
                next = le & 3;
                if (matchPosition == op)
                {
                    return op;
                }
                matchPosition -= 0x4000;
            }
            if (matchPosition < 0 || matchPosition >= op)
            {
                throw Corrupt(what, "a match refers before the start of the output");
            }
            if (t > output.Length - op)
            {
                throw Corrupt(what, "the output exceeds the compression block size");
            }
            for (var i = 0; i < t; i++)
            {
                output[op++] = output[matchPosition++];
            }
            state = next;
            CopyLiterals(input, ref ip, output, ref op, next, what);
        }
    }

    private static int ZeroRun(ReadOnlySpan<byte> input, ref int ip, string what)
    {
        var count = 0;
        while (Byte(input, ref ip, what) == 0)
        {
            count += 255;
            if (count > 1 << 24)
            {
                throw Corrupt(what, "a run length is too long");
            }
        }
        return count + input[ip - 1];
    }

    private static int Byte(ReadOnlySpan<byte> input, ref int ip, string what) =>
        ip < input.Length ? input[ip++] : throw Corrupt(what, "the input ends early");

    private static void CopyLiterals(ReadOnlySpan<byte> input, ref int ip, Span<byte> output, ref int op, int count, string what)
    {
        if (count > input.Length - ip)
        {
            throw Corrupt(what, "literals run past the end of the input");
        }
        if (count > output.Length - op)
        {
            throw Corrupt(what, "the output exceeds the compression block size");
        }
        input.Slice(ip, count).CopyTo(output[op..]);
        ip += count;
        op += count;
    }

    private static OrcFormatException Corrupt(string what, string reason) => new($"ORC {what}: an LZO chunk is corrupt ({reason}).");
}
