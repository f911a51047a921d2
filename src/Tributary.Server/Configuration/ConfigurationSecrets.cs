namespace Tributary.Server;

/// <summary>
/// Which options hold secrets, so that nothing prints them (<c>tributary config</c> today; logs and the web console
/// later). The rule, also stated in defaults.conf's header: an option is secret when one of its dot-separated
/// segments is <c>password</c>, <c>secret</c>, <c>credentials</c>, <c>token</c> or <c>jaas</c> (a JAAS configuration
/// carries passwords), or when its last segment is <c>key</c> (key material and access keys). A secret whose value
/// is still its default from defaults.conf (a keyword such as "any" or "chain", public in that file) is shown.
/// </summary>
public static class ConfigurationSecrets
{
    public const string Hidden = "[hidden]";

    private static readonly HashSet<string> SecretSegments = new(StringComparer.Ordinal) { "password", "secret", "credentials", "token", "jaas" };

    public static bool IsSecret(string key)
    {
        var segments = key.Split('.');
        return segments[^1] == "key" || segments.Any(SecretSegments.Contains);
    }

    /// <summary>What may be printed for <paramref name="key"/> holding <paramref name="value"/>.</summary>
    public static string Display(string key, string value) =>
        !IsSecret(key) || (ServerConfiguration.Defaults.TryGetValue(key, out var entry) && entry.Value == value) ? value : Hidden;
}
