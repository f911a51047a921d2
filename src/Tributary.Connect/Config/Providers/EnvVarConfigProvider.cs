using System.Text.RegularExpressions;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Runtime.Config.Providers;

/// <summary>
/// Kafka's <c>org.apache.kafka.common.config.provider.EnvVarConfigProvider</c> (KIP-887): <c>${env:NAME}</c> is the
/// worker process's environment variable <c>NAME</c> (no path). Its <c>allowlist.pattern</c> parameter (a regular
/// expression, default every name) limits which variables can be read.
/// </summary>
internal sealed class EnvVarConfigProvider : IConfigProvider
{
    private readonly Regex? _allowlist;

    public EnvVarConfigProvider(IReadOnlyDictionary<string, string> parameters)
    {
        if (parameters.TryGetValue("allowlist.pattern", out var pattern))
        {
            try
            {
                _allowlist = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new ConfigException("allowlist.pattern", pattern, e.Message);
            }
        }
    }

    public IReadOnlyDictionary<string, string> Get(string path, IReadOnlyCollection<string> keys)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path.Length > 0)
        {
            return values;
        }
        foreach (var key in keys)
        {
            if ((_allowlist is null || _allowlist.IsMatch(key)) && Environment.GetEnvironmentVariable(key) is { } value)
            {
                values[key] = value;
            }
        }
        return values;
    }
}
