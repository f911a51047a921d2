
namespace Tributary.Firehose.Tests;

/// <summary>
/// The AWS clients the wire tests run as processes, and the check each test makes first: a missing client fails the
/// test (never skips it) saying how to install it. ./test.sh installs both: Debian's awscli (v2) and python3-boto3.
/// </summary>
public static class FirehoseClients
{
    /// <summary>Debian's AWS CLI (not a pyenv shim that may be first on PATH).</summary>
    public const string AwsCli = "/usr/bin/aws";

    public const string Python = "/usr/bin/python3";

    /// <summary>Fixed dummy credentials and region, and no user configuration: the server under test accepts any credentials.</summary>
    public static Dictionary<string, string> Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "tributary",
        ["AWS_SECRET_ACCESS_KEY"] = "tributary",
        ["AWS_DEFAULT_REGION"] = "eu-west-1",
        ["AWS_REGION"] = "eu-west-1",
        ["AWS_PAGER"] = "",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        // Standard retries, 3 attempts: a 503 is retried twice, then reported (bounded test time).
        ["AWS_RETRY_MODE"] = "standard",
        ["AWS_MAX_ATTEMPTS"] = "3",
    };

    public static void RequireAwsCli() =>
        Assert.True(File.Exists(AwsCli), "The AWS CLI is not installed at /usr/bin/aws: run ./test.sh to install it (Debian package awscli)");

    public static async Task RequireBoto3()
    {
        Assert.True(File.Exists(Python), "/usr/bin/python3 is missing: install Debian's python3");
        var result = await ClientProcess.RunAsync(Python, ["-c", "import boto3"], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, "boto3 is not installed for /usr/bin/python3: run ./test.sh to install it (Debian package python3-boto3)\n" + result);
    }
}
