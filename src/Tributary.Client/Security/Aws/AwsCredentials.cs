using System.Text.RegularExpressions;

namespace Tributary.Client.Security.Aws;

/// <summary>An AWS access key with its secret and, for temporary credentials, the session token. Immutable.</summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, secret hidden }}";
}

/// <summary>
/// The part of AWS's standard credential chain a self-hosted client can follow without AWS services (no STS, no
/// instance metadata): with a profile named in the JAAS options (<c>awsProfileName</c>) that profile; otherwise the
/// environment (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>), then the profile
/// <c>AWS_PROFILE</c> (or <c>default</c>) of the shared credentials file (<c>AWS_SHARED_CREDENTIALS_FILE</c>, else
/// <c>~/.aws/credentials</c>) and of the config file (<c>AWS_CONFIG_FILE</c>, else <c>~/.aws/config</c>, sections
/// <c>[profile NAME]</c>). Read at each authentication, so rotated keys are picked up. The region follows the same
/// sources (<c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the profile's <c>region</c>). Stateless; thread-safe.
/// </summary>
public static partial class AwsCredentialChain
{
    /// <summary>The credentials, or a <see cref="KafkaClientException"/> naming every place looked in.</summary>
    public static AwsCredentials Resolve(string? profileName)
    {
        if (profileName is null
            && Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } key
            && Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secret)
        {
            return new AwsCredentials(key, secret, Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN") is { Length: > 0 } token ? token : null);
        }
        var profile = ProfileName(profileName);
        var values = ProfileValues(profile);
        if (values.TryGetValue("aws_access_key_id", out var profileKey) && values.TryGetValue("aws_secret_access_key", out var profileSecret))
        {
            return new AwsCredentials(profileKey, profileSecret, values.GetValueOrDefault("aws_session_token"));
        }
        throw new KafkaClientException(58,
            $"No AWS credentials for MSK IAM: {(profileName is null ? "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set and " : "")}profile '{profile}' has no aws_access_key_id / aws_secret_access_key in {CredentialsFile} or {ConfigFile}",
            authentication: true);
    }

    /// <summary>
    /// The region to sign for: the one in an MSK broker name (<c>b-1.NAME.ID.c2.kafka.REGION.amazonaws.com</c>), else
    /// <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the profile's <c>region</c>, else us-east-1.
    /// </summary>
    public static string Region(string host, string? profileName)
    {
        if (MskHost().Match(host) is { Success: true } match)
        {
            return match.Groups[1].Value;
        }
        foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } region)
            {
                return region;
            }
        }
        return ProfileValues(ProfileName(profileName)).GetValueOrDefault("region") ?? "us-east-1";
    }

    private static string ProfileName(string? named) =>
        named ?? (Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } fromEnvironment ? fromEnvironment : "default");

    private static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string CredentialsFile => Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } f ? f : Path.Combine(Home, ".aws", "credentials");

    private static string ConfigFile => Environment.GetEnvironmentVariable("AWS_CONFIG_FILE") is { Length: > 0 } f ? f : Path.Combine(Home, ".aws", "config");

    /// <summary>The profile's keys: the credentials file's <c>[NAME]</c> over the config file's <c>[profile NAME]</c> (<c>[default]</c> in both).</summary>
    private static Dictionary<string, string> ProfileValues(string profile)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Read(ConfigFile, profile == "default" ? "default" : "profile " + profile, values);
        Read(CredentialsFile, profile, values);
        return values;
    }

    /// <summary>INI sections as the AWS CLI writes them: <c>[name]</c>, <c>key = value</c>, <c>#</c> and <c>;</c> comments.</summary>
    private static void Read(string path, string section, Dictionary<string, string> into)
    {
        if (!File.Exists(path))
        {
            return;
        }
        var inSection = false;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line[0] == '[' && line[^1] == ']')
            {
                inSection = line[1..^1].Trim() == section;
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (inSection && equals > 0)
            {
                into[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }
    }

    [GeneratedRegex(@"\.kafka\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex MskHost();
}
