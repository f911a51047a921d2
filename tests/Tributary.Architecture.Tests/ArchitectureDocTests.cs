using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Tributary.Architecture.Tests;

/// <summary>
/// docs/architecture.md's table of projects says, for each project of src/, what it depends on ("Depends on A, B.");
/// this test holds that sentence to the csproj's own references, so the picture cannot drift from the graph.
/// </summary>
public sealed partial class ArchitectureDocTests
{
    [Fact]
    public void The_architecture_page_names_exactly_each_projects_references()
    {
        var root = ReferenceMatrixTests.RepositoryRoot();
        var rows = DocumentedDependencies(File.ReadAllText(Path.Combine(root, "docs", "architecture.md")));
        var problems = new List<string>();
        foreach (var csproj in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(csproj);
            var actual = XDocument.Load(csproj).Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToHashSet(StringComparer.Ordinal);
            if (!rows.TryGetValue(name, out var documented))
            {
                problems.Add($"{name}: no row with \"Depends on …\" in docs/architecture.md");
                continue;
            }
            var missing = actual.Except(documented).Order(StringComparer.Ordinal).ToList();
            var extra = documented.Except(actual).Order(StringComparer.Ordinal).ToList();
            if (missing.Count + extra.Count > 0)
            {
                problems.Add($"{name}: the page omits [{string.Join(", ", missing)}] and names [{string.Join(", ", extra)}] that the csproj does not reference");
            }
        }
        Assert.True(problems.Count == 0, "docs/architecture.md does not match the csproj graph:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void A_row_that_names_a_reference_the_project_lacks_is_read_as_such()
    {
        var rows = DocumentedDependencies("| Log | `src/Tributary.Storage` | The log. Depends on Foundation, Protocol (its codecs), Connect.Api. See `docs/x.md`. |\n| Bottom | `src/Tributary.Jq` | jq. Depends on nothing. |");
        Assert.Equal(["Tributary.Connect.Api", "Tributary.Foundation", "Tributary.Protocol"], rows["Tributary.Storage"].Order(StringComparer.Ordinal));
        Assert.Empty(rows["Tributary.Jq"]);
    }

    /// <summary>Project → the Tributary projects its row's last "Depends on" clause names (short names, as the page writes them).</summary>
    private static Dictionary<string, HashSet<string>> DocumentedDependencies(string markdown)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in markdown.Split('\n'))
        {
            var row = Row().Match(line);
            if (!row.Success)
            {
                continue;
            }
            var text = row.Groups["text"].Value;
            var at = text.LastIndexOf("Depends on ", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }
            // The clause ends with its sentence (a period before a space; "Connect.Api" has none); parenthesised
            // remarks ("(its codecs)", "(and AWSSDK.S3)") are not references.
            var clause = Parenthesised().Replace(text[(at + "Depends on ".Length)..], "");
            clause = SentenceEnd().Split(clause)[0];
            result[row.Groups["project"].Value] = ShortName().Matches(clause).Select(m => "Tributary." + m.Value).ToHashSet(StringComparer.Ordinal);
        }
        return result;
    }

    [GeneratedRegex(@"^\|[^|]*\|\s*`src/(?<project>Tributary\.[A-Za-z0-9.]+)`\s*\|(?<text>.*)\|\s*$")]
    private static partial Regex Row();

    [GeneratedRegex(@"\.(\s|$)")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthesised();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]+(\.[A-Z][A-Za-z0-9]+)?\b")]
    private static partial Regex ShortName();
}
