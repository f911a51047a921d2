using System.Buffers.Binary;
using Tributary.Orc.Metadata;

namespace Tributary.Orc.Writer;

/// <summary>
/// The bloom filters of one column (OrcSerDe's BloomFilterColumns): one filter per row group, sized as Apache ORC sizes
/// them for <c>RowIndexStride</c> entries at the false-positive probability p — m = ⌊−n·ln p / (ln 2)²⌋ bits, raised to
/// the next multiple of 64 (always up, as ORC does), and k = round(m/n · ln 2) hash functions — and written as
/// BLOOM_FILTER_UTF8 (utf8bitset: little-endian 64-bit words). Values are hashed as <see cref="BloomFilterHashing"/>
/// says. Not thread-safe.
/// </summary>
internal sealed class BloomFilterBuilder
{
    private readonly long[] _words;
    private readonly int _hashFunctions;
    private readonly List<BloomFilter> _rowGroups = [];

    public BloomFilterBuilder(int expectedEntries, double falsePositiveProbability)
    {
        var n = Math.Max(1, expectedEntries);
        var bits = (int)(-n * Math.Log(falsePositiveProbability) / (Math.Log(2) * Math.Log(2)));
        bits += 64 - (bits % 64);
        _words = new long[bits / 64];
        _hashFunctions = Math.Max(1, (int)Math.Round((double)bits / n * Math.Log(2)));
    }

    /// <summary>Columns whose values ORC's bloom filters can hold (not boolean, decimal or compound columns).</summary>
    public static bool Supports(OrcTypeKind kind) => kind is OrcTypeKind.Byte or OrcTypeKind.Short or OrcTypeKind.Int or OrcTypeKind.Long
        or OrcTypeKind.Date or OrcTypeKind.Timestamp or OrcTypeKind.Float or OrcTypeKind.Double
        or OrcTypeKind.String or OrcTypeKind.Varchar or OrcTypeKind.Char or OrcTypeKind.Binary;

    public void AddBytes(ReadOnlySpan<byte> value) => BloomFilterHashing.Apply(_words, _hashFunctions, BloomFilterHashing.Murmur3Hash64(value), set: true);

    public void AddLong(long value) => BloomFilterHashing.Apply(_words, _hashFunctions, BloomFilterHashing.LongHash(value), set: true);

    public void AddDouble(double value) => BloomFilterHashing.Apply(_words, _hashFunctions, BloomFilterHashing.DoubleHash(value), set: true);

    /// <summary>Closes the current row group's filter and starts an empty one.</summary>
    public void FinishRowGroup()
    {
        var bytes = new byte[_words.Length * 8];
        for (var i = 0; i < _words.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), _words[i]);
        }
        _rowGroups.Add(new BloomFilter { NumHashFunctions = (uint)_hashFunctions, Utf8Bitset = bytes });
        Array.Clear(_words);
    }

    /// <summary>The stripe's filters, one per row group; the next stripe starts with none.</summary>
    public List<BloomFilter> TakeStripe()
    {
        var filters = new List<BloomFilter>(_rowGroups);
        _rowGroups.Clear();
        return filters;
    }
}
