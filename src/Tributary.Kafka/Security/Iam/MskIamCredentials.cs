namespace Tributary.Kafka.Security.Iam;

/// <summary>
/// The access keys MSK IAM authentication accepts (defaults.conf: kafka.sasl.aws.msk.iam.credentials): each access key
/// id with its secret and the ARN of the IAM user or role it stands for, which becomes the principal
/// (<c>User:arn:aws:iam::…</c>). A self-hosted broker has no IAM to ask, so this table is what IAM is here. Immutable.
/// </summary>
public sealed class MskIamCredentials
{
    private readonly Dictionary<string, (string Secret, string Arn)> _keys;

    public MskIamCredentials(IEnumerable<(string AccessKeyId, string Secret, string Arn)> keys)
    {
        _keys = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var (accessKeyId, secret, arn) in keys)
        {
            _keys[accessKeyId] = (secret, arn);
        }
    }

    public int Count => _keys.Count;

    public bool TryFind(string accessKeyId, out string secret, out string arn)
    {
        if (_keys.TryGetValue(accessKeyId, out var entry))
        {
            (secret, arn) = entry;
            return true;
        }
        (secret, arn) = (string.Empty, string.Empty);
        return false;
    }

    /// <summary>
    /// Parses <c>ACCESS_KEY:SECRET:ARN</c> entries separated by commas (the ARN keeps its own colons); throws
    /// <see cref="FormatException"/> naming a bad entry.
    /// </summary>
    public static MskIamCredentials Parse(string text)
    {
        var keys = new List<(string, string, string)>();
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(':', 3);
            if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !parts[2].StartsWith("arn:", StringComparison.Ordinal))
            {
                throw new FormatException($"'{(parts.Length > 0 ? parts[0] : entry)}:…' is not ACCESS_KEY:SECRET:ARN with an ARN such as arn:aws:iam::123456789012:user/alice");
            }
            keys.Add((parts[0], parts[1], parts[2]));
        }
        return new MskIamCredentials(keys);
    }
}
