using System.IO.Compression;
using System.Text.Json;
using Tributary.Orc.Reader;

namespace Tributary.Orc.Tests;

/// <summary>
/// Apache ORC's example files (../shared/data/orc beside the repository, or $TRIBUTARY_ORC_EXAMPLES; from the ORC project's examples directory) are the oracle: the
/// reader must reproduce every row of each expected JSON file, and refuse the corrupt files with an ORC error.
/// </summary>
public sealed class ExampleFileTests
{
    internal static readonly string Directory = Environment.GetEnvironmentVariable("TRIBUTARY_ORC_EXAMPLES") ?? BesideRepository();

    // The examples live in the workspace's shared data, next to the repository's root (the folder holding
    // Tributary.slnx), wherever the repository is checked out.
    private static string BesideRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tributary.slnx")))
            {
                var examples = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "orc"));
                if (!System.IO.Directory.Exists(examples))
                    throw new DirectoryNotFoundException($"Apache ORC's example files are not at {examples}; set TRIBUTARY_ORC_EXAMPLES to their folder");
                return examples;
            }
        }
        throw new DirectoryNotFoundException("cannot find the repository root (Tributary.slnx) above " + AppContext.BaseDirectory + "; set TRIBUTARY_ORC_EXAMPLES");
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
