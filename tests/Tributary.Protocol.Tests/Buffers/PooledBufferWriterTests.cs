using Tributary.Foundation.Buffers;

namespace Tributary.Protocol.Tests.Buffers;

public class PooledBufferWriterTests
{
    [Fact]
    public void GrowsAndKeepsWhatWasWritten()
    {
        using var writer = new PooledBufferWriter(16);
        var expected = new List<byte>();
        for (var i = 0; i < 1000; i++)
        {
            var chunk = Enumerable.Range(i, (i % 37) + 1).Select(b => (byte)b).ToArray();
            writer.Write(chunk);
            expected.AddRange(chunk);
        }
        Assert.Equal(expected.Count, writer.WrittenCount);
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
        Assert.Equal(expected, writer.WrittenMemory.ToArray());
    }

    [Fact]
    public void GetSpanAndAdvance()
    {
        using var writer = new PooledBufferWriter(16);
        var span = writer.GetSpan(100);
        Assert.True(span.Length >= 100);
        span[..3].Fill(7);
        writer.Advance(3);
        var memory = writer.GetMemory();
        Assert.False(memory.IsEmpty);
        memory.Span[0] = 9;
        writer.Advance(1);
        Assert.Equal(new byte[] { 7, 7, 7, 9 }, writer.WrittenSpan.ToArray());

        writer.WrittenSpanMutable[1] = 1;
        Assert.Equal(new byte[] { 7, 1, 7, 9 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void ResetKeepsTheBufferAndForgetsTheContents()
    {
        using var writer = new PooledBufferWriter(16);
        writer.Write(new byte[5000]);
        var capacity = writer.GetSpan().Length + writer.WrittenCount;
        writer.Reset();
        Assert.Equal(0, writer.WrittenCount);
        Assert.True(writer.WrittenSpan.IsEmpty);
        Assert.Equal(capacity, writer.GetSpan().Length);
    }

    [Fact]
    public void AdvanceRefusesNegativeCountsAndCountsPastTheBuffer()
    {
        using var writer = new PooledBufferWriter(16);
        writer.Write([1, 2, 3]);
        var free = writer.GetSpan().Length;
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(free + 1));
        // Regression: _written + count overflowed int and passed the bounds check, leaving a negative count.
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(int.MaxValue - 1));
        Assert.Equal(3, writer.WrittenCount);
        writer.Advance(free);
        Assert.Equal(3 + free, writer.WrittenCount);
    }

    [Fact]
    public void DisposeTwiceIsHarmless()
    {
        var writer = new PooledBufferWriter();
        writer.Write([1]);
        writer.Dispose();
        Assert.Equal(0, writer.WrittenCount);
        writer.Dispose();
    }
}
