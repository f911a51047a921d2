namespace Tributary.S3.Tests;

/// <summary>
/// The S3 clients the tests run as processes, and the check each test makes first: a missing client fails the test
/// (never skips it) saying how to install it. ./test.sh installs both: Debian's awscli (v2) and python3-boto3.
/// </summary>
public static class S3Clients
{
    /// <summary>Debian's AWS CLI (not a pyenv shim that may be first on PATH).</summary>
    public const string AwsCli = "/usr/bin/aws";

    public const string Python = "/usr/bin/python3";

    /// <summary>Fixed credentials and region, and no user configuration.</summary>
    public static Dictionary<string, string> Environment(string accessKey = "tributary", string secretKey = "tributary") => new()
    {
        ["AWS_ACCESS_KEY_ID"] = accessKey,
        ["AWS_SECRET_ACCESS_KEY"] = secretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_PAGER"] = "",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["AWS_RETRY_MODE"] = "standard",
        ["AWS_MAX_ATTEMPTS"] = "2",
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
