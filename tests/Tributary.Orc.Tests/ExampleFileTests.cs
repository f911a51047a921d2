using System.IO.Compression;
using System.Text.Json;
using Tributary.Orc.Reader;

namespace Tributary.Orc.Tests;

/// <summary>
/// Apache ORC's example files (a copy in examples/, see its README; $TRIBUTARY_ORC_EXAMPLES overrides the folder) are
/// the oracle: the reader must reproduce every row of each expected JSON file, and refuse the corrupt files with an ORC
/// error.
/// </summary>
public sealed class ExampleFileTests
{
    internal static readonly string Directory = Environment.GetEnvironmentVariable("TRIBUTARY_ORC_EXAMPLES") ?? BesideAssembly();

    // The project copies examples/ to its output, so any clone finds them without the workspace's shared data.
    private static string BesideAssembly()
    {
        var examples = Path.Combine(AppContext.BaseDirectory, "examples");
        if (!System.IO.Directory.Exists(Path.Combine(examples, "expected")))
        {
            throw new DirectoryNotFoundException($"Apache ORC's example files are not at {examples} (tests/Tributary.Orc.Tests/examples is copied there by the build); set TRIBUTARY_ORC_EXAMPLES to their folder");
        }
        return examples;
    }

    public static TheoryData<string> ExpectedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(Directory, "expected"), "*.jsn.gz").Order())
        {
            data.Add(Path.GetFileName(file)[..^".jsn.gz".Length]);
        }
        return data;
    }

    [Trait("Category", "slow")]
    [Theory]
    [MemberData(nameof(ExpectedFiles))]
    public void Reads_every_row_as_the_expected_json_gives_it(string name)
    {
        using var reader = OrcReader.Open(Path.Combine(Directory, name + ".orc"));
        using var expected = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(Directory, "expected", name + ".jsn.gz")), CompressionMode.Decompress));
        long row = 0;
        foreach (var actual in reader.ReadRows())
        {
            var line = expected.ReadLine();
            Assert.True(line is not null, $"{name}: the reader gives more rows than the expected {row}.");
            using var document = JsonDocument.Parse(line!);
            var difference = OrcJsonComparer.Difference(document.RootElement, actual, reader.Schema, $"row {row}");
            Assert.True(difference is null, $"{name}: {difference}");
            row++;
        }
        Assert.True(expected.ReadLine() is null, $"{name}: the expected file has more than the {row} rows read.");
        Assert.Equal(reader.NumberOfRows, row);
    }

    public static TheoryData<string> CorruptFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(Directory, "corrupt"), "*.orc").Order())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void Refuses_corrupt_files_with_an_orc_error(string name)
    {
        var error = Assert.Throws<OrcFormatException>(() =>
        {
            using var reader = OrcReader.Open(Path.Combine(Directory, "corrupt", name));
            foreach (var _ in reader.ReadRows())
            {
            }
        });
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [InlineData("zero.orc", "empty")]
    [InlineData("version1999.orc", "version")]
    [InlineData("encrypted/sample1.orc", "encryption")]
    [InlineData("decimal64_v2.orc", "version 1.9999")]
    public void Refuses_what_it_cannot_read_with_a_reason(string name, string reason)
    {
        var error = Assert.Throws<OrcFormatException>(() =>
        {
            using var reader = OrcReader.Open(Path.Combine(Directory, name));
            foreach (var _ in reader.ReadRows())
            {
            }
        });
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
