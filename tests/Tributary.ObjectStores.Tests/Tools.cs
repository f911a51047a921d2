
namespace Tributary.ObjectStores.Tests;

/// <summary>
/// The independent programs the store tests use, each run as a separate process: s3rver (npm, tests/interop/s3) as the
/// S3-compatible server and the AWS CLI to read what the S3 store wrote. A missing one fails the test with how to
/// install it (./test.sh installs them all); nothing is skipped.
/// </summary>
internal static class Tools
{
    public const string AwsCli = "/usr/bin/aws";

    public static string S3Directory => Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "s3");

    public static string S3rverScript => Path.Combine(S3Directory, "start-s3rver.mjs");

    public static void RequireAwsCli() =>
        Assert.True(File.Exists(AwsCli), "The AWS CLI is not installed at /usr/bin/aws: run ./test.sh to install it (Debian package awscli)");

    public static void RequireS3rver()
    {
        Assert.True(InteropClients.OnPath(InteropClients.Node) is not null, $"{InteropClients.Node} is not installed: run ./test.sh to install it (Debian package nodejs)");
        Assert.True(File.Exists(Path.Combine(S3Directory, "node_modules", "s3rver", "package.json")),
            "s3rver is not installed: run ./test.sh (npm ci in tests/interop/s3)");
    }

    /// <summary>A fresh directory under the system temp directory, deleted when disposed.</summary>
    public static TempDirectory TempDirectory() => new();
}
