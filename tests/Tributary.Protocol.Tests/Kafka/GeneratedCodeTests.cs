using Tributary.CodeGen;

namespace Tributary.Protocol.Tests.Kafka;

public class GeneratedCodeTests
{
    [Fact]
    public void Checked_in_message_codecs_are_what_the_generator_produces_from_the_definitions()
    {
        var root = Generator.FindRepositoryRoot(AppContext.BaseDirectory);
        var generated = Generator.Generate(root);
        var folder = Path.Combine(root, Generator.OutputFolder);
        var onDisk = Directory.GetFiles(folder, "*.g.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(generated.Keys, onDisk);
        foreach (var (name, content) in generated)
        {
            Assert.True(content == File.ReadAllText(Path.Combine(folder, name)), $"{name} is stale: run `dotnet run --project tools/Tributary.CodeGen`.");
        }
    }

    [Theory]
    [InlineData("0+", 0, 5, "true")]
    [InlineData("3+", 0, 5, "version >= 3")]
    [InlineData("1-4", 0, 5, "version >= 1 && version <= 4")]
    [InlineData("none", 0, 5, "false")]
    [InlineData("7+", 0, 5, "false")]
    public void Version_ranges_become_conditions(string range, short min, short max, string expected)
    {
        Assert.Equal(expected, VersionRange.Parse(range, "test").Condition(new VersionRange(min, max)));
    }
}
