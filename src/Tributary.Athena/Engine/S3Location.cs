namespace Tributary.Athena.Engine;

/// <summary>An <c>s3://bucket/key-or-prefix</c> location (also s3a:// and s3n://, as Hive tables write them).</summary>
public readonly record struct S3Location(string Bucket, string Key)
{
    public static bool TryParse(string? text, out S3Location location)
    {
        location = default;
        if (text is null)
        {
            return false;
        }
        foreach (var scheme in (ReadOnlySpan<string>)["s3://", "s3a://", "s3n://"])
        {
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                var rest = text[scheme.Length..];
                var slash = rest.IndexOf('/');
                var bucket = slash < 0 ? rest : rest[..slash];
                if (bucket.Length == 0)
                {
                    return false;
                }
                location = new S3Location(bucket, slash < 0 ? "" : rest[(slash + 1)..]);
                return true;
            }
        }
        return false;
    }

    /// <summary>The key as a folder prefix: empty, or ending in '/'.</summary>
    public string Prefix => Key.Length == 0 || Key.EndsWith('/') ? Key : Key + "/";

    public override string ToString() => $"s3://{Bucket}/{Key}";
}
