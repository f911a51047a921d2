
namespace Tributary.Kinesis.Tests;

/// <summary>
/// The AWS clients the tests drive, and the check each test makes first: a missing client fails the test (never
/// skips it) saying how to install it. ./test.sh installs them: Debian's awscli (v2) and python3-boto3, and
/// @aws-sdk/client-kinesis with npm ci in tests/interop/aws/node.
/// </summary>
public static class AwsClients
{
    /// <summary>Debian's AWS CLI (not a pyenv shim that may be first on PATH).</summary>
    public const string AwsCli = "/usr/bin/aws";

    public const string Python = "/usr/bin/python3";

    public static string Scripts => Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "aws");

    public static string NodeScripts => Path.Combine(Scripts, "node");

    /// <summary>Fixed dummy credentials: Tributary accepts any unless aws.credentials is set.</summary>
    public static Dictionary<string, string> Environment(string? endpoint = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "tributary",
            ["AWS_SECRET_ACCESS_KEY"] = "tributary",
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_PAGER"] = "",
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        };
        if (endpoint is not null)
        {
            environment["TRIBUTARY_ENDPOINT"] = endpoint;
        }
        return environment;
    }

    /// <summary>
    /// Adds a well-formed SigV4 <c>Authorization</c> header and <c>X-Amz-Date</c> to a raw request. The server checks
    /// their presence and form as AWS does (an unsigned request is MissingAuthenticationTokenException) and verifies
    /// the signature's value only when aws.credentials is set, which these tests leave at "any".
    /// </summary>
    public static void Sign(HttpRequestMessage request)
    {
        var now = DateTimeOffset.UtcNow;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=tributary/{now:yyyyMMdd}/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={new string('0', 64)}");
    }

    public static void RequireAwsCli() =>
        Assert.True(File.Exists(AwsCli), "The AWS CLI is not installed at /usr/bin/aws: run ./test.sh to install it (Debian package awscli)");

    public static async Task RequireBoto3()
    {
        Assert.True(File.Exists(Python), "/usr/bin/python3 is missing: install Debian's python3");
        var result = await ClientProcess.RunAsync(Python, ["-c", "import boto3"], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, "boto3 is not installed for /usr/bin/python3: run ./test.sh to install it (Debian package python3-boto3)\n" + result);
    }

    public static void RequireJsSdk() =>
        Assert.True(Directory.Exists(Path.Combine(NodeScripts, "node_modules", "@aws-sdk", "client-kinesis")),
            "@aws-sdk/client-kinesis is not installed: run ./test.sh (npm ci in tests/interop/aws/node)");
}
