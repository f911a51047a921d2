using System.Text.RegularExpressions;
using Tributary.Connect.Errors;
using Tributary.Connect.Runtime.Config.Providers;

namespace Tributary.Connect.Runtime.Config;

/// <summary>
/// Kafka's <c>ConfigTransformer</c> with the worker's config providers (KIP-297, KIP-421): a value's
/// <c>${provider:path:key}</c> (or <c>${provider:key}</c>) variables are replaced by what the provider named in
/// <c>config.providers</c> answers; an unknown provider or a key the provider does not have leaves the variable as
/// written. Providers: <c>config.providers.&lt;name&gt;.class</c> (Kafka's FileConfigProvider, DirectoryConfigProvider
/// or EnvVarConfigProvider, by class name or simple name) with <c>config.providers.&lt;name&gt;.param.*</c>.
/// Connector configurations are kept and shown as written; the herder resolves them where they are used (connector
/// start, validation, task start) and puts variables back into generated task configurations (<see cref="Reverse"/>),
/// so a secret is never written to the config topic. Stateless after construction; thread-safe.
/// </summary>
public sealed class ConfigTransformer
{
    // ${provider:[path:]key}, as Kafka's ConfigTransformer's pattern reads it.
    private static readonly Regex Variable = new(@"\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private const string ProviderPackage = "org.apache.kafka.common.config.provider.";

    private readonly Dictionary<string, IConfigProvider> _providers;

    private ConfigTransformer(Dictionary<string, IConfigProvider> providers) => _providers = providers;

    /// <summary>No providers: every value as written.</summary>
    public static ConfigTransformer None { get; } = new([]);

    /// <summary>The providers the worker configuration names; an unknown class is Kafka's ConfigException.</summary>
    public static ConfigTransformer From(IReadOnlyDictionary<string, string> workerOriginals)
    {
        var providers = new Dictionary<string, IConfigProvider>(StringComparer.Ordinal);
        if (!workerOriginals.TryGetValue(WorkerConfig.ConfigProviders, out var names))
        {
            return None;
        }
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var classKey = $"{WorkerConfig.ConfigProviders}.{name}.class";
            var paramPrefix = $"{WorkerConfig.ConfigProviders}.{name}.param.";
            var parameters = workerOriginals.Where(p => p.Key.StartsWith(paramPrefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[paramPrefix.Length..], p => p.Value, StringComparer.Ordinal);
            var className = workerOriginals.GetValueOrDefault(classKey) ?? throw new ConfigException(classKey, null, "Missing required configuration \"" + classKey + "\" which has no default value.");
            var simple = className.StartsWith(ProviderPackage, StringComparison.Ordinal) ? className[ProviderPackage.Length..] : className;
            providers[name] = simple switch
            {
                "FileConfigProvider" => new FileConfigProvider(parameters),
                "DirectoryConfigProvider" => new DirectoryConfigProvider(parameters),
                "EnvVarConfigProvider" => new EnvVarConfigProvider(parameters),
                _ => throw new ConfigException(classKey, className, "Class " + className + " could not be found (available: FileConfigProvider, DirectoryConfigProvider, EnvVarConfigProvider)."),
            };
        }
        return new ConfigTransformer(providers);
    }

    /// <summary>The configuration with its variables resolved (the same instance when there is nothing to resolve).</summary>
    public IReadOnlyDictionary<string, string> Transform(IReadOnlyDictionary<string, string> config)
    {
        if (_providers.Count == 0 || !config.Values.Any(v => v.Contains("${", StringComparison.Ordinal)))
        {
            return config;
        }
        // One lookup per provider and path, with every key wanted from it (as Kafka's transformer asks).
        var wanted = new Dictionary<(string Provider, string Path), HashSet<string>>();
        foreach (var value in config.Values)
        {
            foreach (Match match in Variable.Matches(value))
            {
                if (_providers.ContainsKey(match.Groups[1].Value))
                {
                    var key = (match.Groups[1].Value, match.Groups[3].Value);
                    if (!wanted.TryGetValue(key, out var keys))
                    {
                        wanted[key] = keys = new HashSet<string>(StringComparer.Ordinal);
                    }
                    keys.Add(match.Groups[4].Value);
                }
            }
        }
        var found = wanted.ToDictionary(w => w.Key, w => _providers[w.Key.Provider].Get(w.Key.Path, w.Value));
        var resolved = new Dictionary<string, string>(config.Count, StringComparer.Ordinal);
        foreach (var (key, value) in config)
        {
            resolved[key] = !value.Contains("${", StringComparison.Ordinal) ? value : Variable.Replace(value, match =>
                found.TryGetValue((match.Groups[1].Value, match.Groups[3].Value), out var values) && values.TryGetValue(match.Groups[4].Value, out var replacement) ? replacement : match.Value);
        }
        return resolved;
    }

    /// <summary>
    /// Kafka's reverse transformation of generated task configurations: a key whose raw connector value holds a
    /// variable and whose task value is the resolved one gets the raw text back, so what is stored holds no secret.
    /// </summary>
    public IReadOnlyDictionary<string, string> Reverse(IReadOnlyDictionary<string, string> raw, IReadOnlyDictionary<string, string> resolved, IReadOnlyDictionary<string, string> task)
    {
        if (ReferenceEquals(raw, resolved))
        {
            return task;
        }
        Dictionary<string, string>? reversed = null;
        foreach (var (key, value) in task)
        {
            if (raw.TryGetValue(key, out var written) && resolved.TryGetValue(key, out var secret) && written != secret && value == secret)
            {
                reversed ??= new Dictionary<string, string>(task, StringComparer.Ordinal);
                reversed[key] = written;
            }
        }
        return reversed ?? task;
    }
}
