using System.Xml.Linq;

namespace Tributary.Architecture.Tests;

/// <summary>Checks the csproj graph of src/ against <see cref="LayerMatrix"/>.</summary>
public sealed class ReferenceMatrixTests
{
    [Fact]
    public void Every_production_project_is_in_the_matrix()
    {
        var projects = ProductionProjects().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = projects.Where(p => !LayerMatrix.Allowed.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();
        var gone = LayerMatrix.Allowed.Keys.Where(p => !projects.Contains(p)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unknown.Count == 0, $"Projects missing from LayerMatrix (add them with their allowed references): {string.Join(", ", unknown)}");
        Assert.True(gone.Count == 0, $"LayerMatrix names projects that no longer exist: {string.Join(", ", gone)}");
    }

    [Fact]
    public void Every_reference_is_allowed()
    {
        var violations = new List<string>();
        foreach (var (name, references) in ProductionProjects())
        {
            if (!LayerMatrix.Allowed.TryGetValue(name, out var allowed))
            {
                continue;
            }
            foreach (var reference in references)
            {
                if (!allowed.Contains(reference, StringComparer.Ordinal))
                {
                    violations.Add($"{name} → {reference}");
                }
            }
        }
        Assert.True(violations.Count == 0, "References not allowed by the layer matrix (tests/Tributary.Architecture.Tests/LayerMatrix.cs, docs/architecture.md):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_matrix_has_no_cycles()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var project in LayerMatrix.Allowed.Keys)
        {
            Visit(project, state, []);
        }

        static void Visit(string project, Dictionary<string, int> state, List<string> path)
        {
            if (state.GetValueOrDefault(project) == 2)
            {
                return;
            }
            path.Add(project);
            Assert.True(state.GetValueOrDefault(project) != 1, $"Cycle in the layer matrix: {string.Join(" → ", path)}");
            state[project] = 1;
            foreach (var next in LayerMatrix.Allowed.GetValueOrDefault(project) ?? [])
            {
                Visit(next, state, path);
            }
            state[project] = 2;
            path.RemoveAt(path.Count - 1);
        }
    }

    [Fact]
    public void Production_projects_do_not_see_transitive_references()
    {
        var props = XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Build.props"));
        Assert.Contains(props.Descendants("DisableTransitiveProjectReferences"), e => e.Value.Trim() == "true");
    }

    private static IEnumerable<(string Name, IReadOnlyList<string> References)> ProductionProjects()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        foreach (var csproj in Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories))
        {
            var document = XDocument.Load(csproj);
            var references = document.Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
            yield return (Path.GetFileNameWithoutExtension(csproj), references);
        }
    }

    /// <summary>The checkout's root: the nearest ancestor of the test assembly holding Tributary.slnx.</summary>
    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Tributary.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Tributary.slnx above {AppContext.BaseDirectory}.");
    }
}
