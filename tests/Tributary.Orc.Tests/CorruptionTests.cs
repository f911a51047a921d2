using Tributary.Orc.Metadata;
using Tributary.Orc.Reader;
using Tributary.Orc.Writer;

namespace Tributary.Orc.Tests;

/// <summary>
/// Every truncation and 400 random corruptions of written files end in an <see cref="OrcFormatException"/> — never
/// another exception, a hang, or rows that differ from what was written. (ORC has no checksums of its own; Tributary's
/// PostScript checksum covers everything before the PostScript, and damage inside the PostScript either fails to parse
/// or leaves the rows as written.)
/// </summary>
[Trait("Category", "slow")]
public sealed class CorruptionTests
{
    private static (byte[] Bytes, List<OrcStruct> Rows, TypeDescription Schema) Sample(OrcCompression compression, bool checksum = true)
    {
        var random = new Random(7);
        var schema = TypeDescription.Parse("struct<a:bigint,b:string,c:array<struct<x:double,y:decimal(20,4)>>,d:timestamp,e:uniontype<int,string>,f:map<string,boolean>>").AssignIds();
        var rows = Enumerable.Range(0, 300).Select(_ => (OrcStruct)RandomData.Value(random, schema, 0, nullable: false)!).ToList();
        return (RandomData.Write(schema, rows, new OrcWriterOptions { Compression = compression, RowIndexStride = 100, CompressionBlockSize = 4096, WriteChecksum = checksum }), rows, schema);
    }

    private static void AssertReadsBack(byte[] bytes, List<OrcStruct> rows, TypeDescription schema)
    {
        using var reader = new OrcReader(bytes);
        var read = reader.ReadRows().ToList();
        Assert.Equal(rows.Count, read.Count);
        Assert.All(Enumerable.Range(0, rows.Count), i => Assert.True(RandomData.Same(rows[i], read[i], schema)));
    }

    /// <summary>Null when the file was refused with an ORC error or read back exactly; otherwise what went wrong.</summary>
    private static string? Check(byte[] damaged, List<OrcStruct> rows, TypeDescription schema)
    {
        try
        {
            using var reader = new OrcReader(damaged);
            var read = reader.ReadRows().ToList();
            if (read.Count != rows.Count)
            {
                return $"read {read.Count} rows, wrote {rows.Count}";
            }
            for (var i = 0; i < rows.Count; i++)
            {
                if (!RandomData.Same(rows[i], read[i], schema))
                {
                    return $"row {i} differs";
                }
            }
            return null;
        }
        catch (OrcFormatException)
        {
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    [Theory]
    [InlineData(OrcCompression.None)]
    [InlineData(OrcCompression.Zlib)]
    [InlineData(OrcCompression.Snappy)]
    [InlineData(OrcCompression.Zstd)]
    [InlineData(OrcCompression.Lz4)]
    public void Every_truncation_is_an_orc_error(OrcCompression compression)
    {
        var (bytes, rows, schema) = Sample(compression);
        AssertReadsBack(bytes, rows, schema);
        var failures = new List<string>();
        for (var length = 0; length < bytes.Length; length++)
        {
            try
            {
                using var reader = new OrcReader(bytes[..length]);
                reader.ReadRows().ToList();
                failures.Add($"length {length}: read without error");
            }
            catch (OrcFormatException)
            {
            }
            catch (Exception e)
            {
                failures.Add($"length {length}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    [Theory]
    [InlineData(OrcCompression.None, 1)]
    [InlineData(OrcCompression.Zlib, 2)]
    [InlineData(OrcCompression.Snappy, 3)]
    [InlineData(OrcCompression.Zstd, 4)]
    public void Four_hundred_corruptions_are_refused_or_harmless(OrcCompression compression, int seed)
    {
        var (bytes, rows, schema) = Sample(compression);
        AssertReadsBack(bytes, rows, schema);
        var random = new Random(seed);
        var failures = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            var damaged = (byte[])bytes.Clone();
            var position = random.Next(4) == 0 ? damaged.Length - 1 - random.Next(Math.Min(64, damaged.Length)) : random.Next(damaged.Length);
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                damaged[Math.Min(damaged.Length - 1, position + f)] ^= (byte)random.Next(1, 256);
            }
            if (Check(damaged, rows, schema) is { } problem)
            {
                failures.Add($"corruption {i} at {position} (+{flips}): {problem}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    /// <summary>
    /// Without the checksum, damage inside streams can change values undetectably (ORC has no checksums), but the
    /// decoders must still end every damaged file in rows or an ORC error: never another exception or a hang.
    /// </summary>
    [Theory]
    [InlineData(OrcCompression.None, 5)]
    [InlineData(OrcCompression.Zlib, 6)]
    [InlineData(OrcCompression.Snappy, 7)]
    [InlineData(OrcCompression.Lz4, 8)]
    public void Unchecked_damage_never_escapes_as_another_exception(OrcCompression compression, int seed)
    {
        var (bytes, rows, schema) = Sample(compression, checksum: false);
        AssertReadsBack(bytes, rows, schema);
        var random = new Random(seed);
        var failures = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            var damaged = (byte[])bytes.Clone();
            var position = random.Next(damaged.Length);
            damaged[position] ^= (byte)random.Next(1, 256);
            try
            {
                using var reader = new OrcReader(damaged);
                reader.ReadRows().ToList();
            }
            catch (OrcFormatException)
            {
            }
            catch (Exception e)
            {
                failures.Add($"corruption {i} at {position}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }
}
