using Tributary.Interop.Tests;

namespace Tributary.Delivery.Tests;

/// <summary>
/// The independent programs these tests check Tributary's output with, each run as a separate process. A missing one
/// fails the test with how to install it (./test.sh installs them all); nothing is skipped.
/// </summary>
internal static class Tools
{
    public const string Python = "/usr/bin/python3";

    public const string AwsCli = "/usr/bin/aws";

    public static string S3Directory => Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "s3");

    public static string S3rverScript => Path.Combine(S3Directory, "start-s3rver.mjs");

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

    public static void RequireAwsCli() =>
        Assert.True(File.Exists(AwsCli), "The AWS CLI is not installed at /usr/bin/aws: run ./test.sh to install it (Debian package awscli)");

    public static void RequireS3rver()
    {
        RequireProgram(InteropClients.Node, "nodejs");
        Assert.True(File.Exists(Path.Combine(S3Directory, "node_modules", "s3rver", "package.json")),
            "s3rver is not installed: run ./test.sh (npm ci in tests/interop/s3)");
    }

    /// <summary>A fresh directory under the system temp directory, deleted when disposed.</summary>
    public static TempDirectory TempDirectory() => new();
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tributary-delivery-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
