using System.Runtime.InteropServices;
using Tributary.Firehose.Sources;

namespace Tributary.Firehose.Tests.Sources;

public sealed class ValueChunksTests
{
    [Fact]
    public void Copies_keep_their_bytes_while_later_values_fill_the_chunks_and_no_array_reaches_the_large_object_heap()
    {
        var chunks = new ValueChunks();
        var random = new Random(14);
        var source = new byte[ValueChunks.ChunkSize];
        var expected = new List<byte[]>();
        var copies = new List<ReadOnlyMemory<byte>>();
        for (var i = 0; i < 5_000; i++)
        {
            // Mostly small values, some of a chunk's half and above (those get arrays of their own).
            var length = i % 97 == 0 ? ValueChunks.ChunkSize / 2 + random.Next(1, 1_000) : random.Next(1, 300);
            random.NextBytes(source.AsSpan(0, length));
            expected.Add(source.AsSpan(0, length).ToArray());
            copies.Add(chunks.Copy(source.AsSpan(0, length)));
        }
        // The source buffer is reused by its owner: the copies must not depend on it.
        Array.Clear(source);
        var arrays = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < copies.Count; i++)
        {
            Assert.True(copies[i].Span.SequenceEqual(expected[i]), $"value {i} changed");
            Assert.True(MemoryMarshal.TryGetArray(copies[i], out var segment));
            Assert.True(segment.Array!.Length < 85_000 || segment.Count == segment.Array.Length, $"value {i} is a slice of a large array");
            arrays.Add(segment.Array);
        }
        // Small values share arrays: far fewer arrays than values.
        Assert.True(arrays.Count < copies.Count / 10, $"{arrays.Count} arrays for {copies.Count} values");
    }
}
