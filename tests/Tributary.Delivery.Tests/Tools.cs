
namespace Tributary.Delivery.Tests;

/// <summary>
/// The independent programs these tests check Tributary's output with, each run as a separate process. A missing one
/// fails the test with how to install it (./test.sh installs them all); nothing is skipped.
/// </summary>
internal static class Tools
{
    public const string Python = "/usr/bin/python3";

    public static string RequireProgram(string program, string package)
    {
        var path = InteropClients.OnPath(program);
        Assert.True(path is not null, $"{program} is not installed: run ./test.sh to install it (Debian package {package})");
        return path!;
    }

    /// <summary>java 17+ with its compiler (the single-file source launcher runs the oracle).</summary>
    public static string RequireJava() => RequireProgram("java", "openjdk-17-jdk-headless");

    public static void RequirePythonSnappy()
    {
        Assert.True(File.Exists(Python), "/usr/bin/python3 is missing: run ./test.sh to install python3-snappy");
        Assert.True(Directory.Exists("/usr/lib/python3/dist-packages/snappy"),
            "python-snappy is not installed for /usr/bin/python3: run ./test.sh to install it (Debian package python3-snappy)");
    }

    /// <summary>A fresh directory under the system temp directory, deleted when disposed.</summary>
    public static TempDirectory TempDirectory() => new();
}
