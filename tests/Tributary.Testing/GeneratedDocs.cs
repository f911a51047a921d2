namespace Tributary.Testing;

/// <summary>
/// Pages under docs/ generated from the implementation (the AWS error tables): a test renders the page and calls
/// <see cref="AssertCurrentAsync"/>, which fails when the committed file differs, or rewrites it when the environment
/// has TRIBUTARY_WRITE_DOCS=1 (then review the diff and commit it).
/// </summary>
public static class GeneratedDocs
{
    /// <param name="relativePath">The page's path from the repository root, e.g. <c>docs/aws-errors-kinesis.md</c>.</param>
    public static async Task AssertCurrentAsync(string relativePath, string rendered)
    {
        var path = Path.Combine(InteropPaths.RepositoryRoot, relativePath);
        if (Environment.GetEnvironmentVariable("TRIBUTARY_WRITE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, rendered);
        }
        Assert.True(File.Exists(path), $"{path} is missing: run with TRIBUTARY_WRITE_DOCS=1 to write it");
        Assert.True(rendered == await File.ReadAllTextAsync(path), $"{path} differs from what the implementation answers: run with TRIBUTARY_WRITE_DOCS=1 and review the diff");
    }
}
