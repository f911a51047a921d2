using Tributary.Connect.Errors;

namespace Tributary.Connect.Runtime.Config.Providers;

/// <summary>
/// The <c>allowed.paths</c> parameter of the file and directory providers (KIP-993): a comma-separated list of
/// directories; when set, a path outside them (after normalising <c>..</c>) answers no values. Unset: every path.
/// </summary>
internal sealed class AllowedPaths
{
    private readonly string[]? _roots;

    public AllowedPaths(IReadOnlyDictionary<string, string> parameters)
    {
        if (parameters.TryGetValue("allowed.paths", out var list) && list.Trim().Length > 0)
        {
            _roots = [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(root =>
                Path.IsPathRooted(root) ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) : throw new ConfigException("allowed.paths", list, "Path " + root + " is not absolute"))];
        }
    }

    /// <summary>The full path when it may be read; null when <c>allowed.paths</c> excludes it.</summary>
    public string? Check(string path)
    {
        var full = Path.GetFullPath(path);
        return _roots is null || _roots.Any(root => full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) ? full : null;
    }
}
