using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tributary.Foundation.IO;

namespace Tributary.Kafka.Security.Authorization;

/// <summary>
/// The ACL bindings, kept in <c>&lt;data dir&gt;/__cluster/acls.json</c> (docs/formats/acls.md): every change is written
/// to a temporary file, fsynced and renamed before it is visible, so a created ACL survives a crash once CreateAcls has
/// answered. Readers take the current immutable snapshot without locking; <see cref="Version"/> grows with every change
/// so per-connection caches know when to forget. Writers are serialised by a lock. Thread-safe.
/// </summary>
public sealed class AclStore
{
    public const int FormatVersion = 1;

    private readonly string? _path;
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;

    private AclStore(string? path, ImmutableArray<AclBinding> bindings)
    {
        _path = path;
        _snapshot = new Snapshot(bindings, 0);
    }

    /// <summary>The bindings now.</summary>
    public ImmutableArray<AclBinding> Bindings => _snapshot.Bindings;

    /// <summary>Grows by one with every change.</summary>
    public long Version => _snapshot.Version;

    public static AclStore InMemory() => new(null, []);

    /// <summary>Opens (or starts) the file; throws <see cref="InvalidDataException"/> when it is not an ACL file.</summary>
    public static AclStore Open(string path)
    {
        if (!File.Exists(path))
        {
            return new AclStore(path, []);
        }
        try
        {
            var file = JsonSerializer.Deserialize<AclFile>(File.ReadAllBytes(path)) ?? throw new InvalidDataException("empty");
            if (file.Version != FormatVersion)
            {
                throw new InvalidDataException($"format version {file.Version}, expected {FormatVersion}");
            }
            return new AclStore(path, [.. file.Acls.Select(a => a.ToBinding())]);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: not an ACL file: {e.Message}", e);
        }
    }

    /// <summary>Adds the bindings not already present (adding an existing one succeeds without a copy, as in Kafka).</summary>
    public void Add(IReadOnlyCollection<AclBinding> bindings)
    {
        lock (_writeLock)
        {
            var current = _snapshot.Bindings;
            var added = bindings.Where(b => !current.Contains(b)).Distinct().ToList();
            if (added.Count > 0)
            {
                Publish(current.AddRange(added));
            }
        }
    }

    /// <summary>Removes every binding each filter matches; returns, per filter, the bindings it removed.</summary>
    public IReadOnlyList<IReadOnlyList<AclBinding>> Delete(IReadOnlyList<AclBindingFilter> filters)
    {
        lock (_writeLock)
        {
            var current = _snapshot.Bindings;
            var removed = filters.Select(f => (IReadOnlyList<AclBinding>)[.. current.Where(f.Matches)]).ToList();
            var remaining = current.RemoveAll(b => filters.Any(f => f.Matches(b)));
            if (remaining.Length != current.Length)
            {
                Publish(remaining);
            }
            return removed;
        }
    }

    private void Publish(ImmutableArray<AclBinding> bindings)
    {
        if (_path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            var file = new AclFile { Version = FormatVersion, Acls = [.. bindings.Select(AclEntry.From)] };
            DurableFile.WriteAtomically(_path, JsonSerializer.SerializeToUtf8Bytes(file, IndentedOptions));
        }
        _snapshot = new Snapshot(bindings, _snapshot.Version + 1);
    }

    private static readonly JsonSerializerOptions IndentedOptions = new() { WriteIndented = true };

    private sealed record Snapshot(ImmutableArray<AclBinding> Bindings, long Version);

    private sealed class AclFile
    {
        [JsonPropertyName("version")]
        public int Version { get; set; }

        [JsonPropertyName("acls")]
        public List<AclEntry> Acls { get; set; } = [];
    }

    /// <summary>One binding on disk, its enums by Kafka's names (TOPIC, PREFIXED, READ, ALLOW) so the file reads plainly.</summary>
    private sealed class AclEntry
    {
        [JsonPropertyName("resource_type")]
        public string ResourceType { get; set; } = "";

        [JsonPropertyName("resource_name")]
        public string ResourceName { get; set; } = "";

        [JsonPropertyName("pattern_type")]
        public string PatternType { get; set; } = "";

        [JsonPropertyName("principal")]
        public string Principal { get; set; } = "";

        [JsonPropertyName("host")]
        public string Host { get; set; } = "";

        [JsonPropertyName("operation")]
        public string Operation { get; set; } = "";

        [JsonPropertyName("permission")]
        public string Permission { get; set; } = "";

        public static AclEntry From(AclBinding b) => new()
        {
            ResourceType = AclNames.Of(b.ResourceType),
            ResourceName = b.ResourceName,
            PatternType = AclNames.Of(b.PatternType),
            Principal = b.Principal,
            Host = b.Host,
            Operation = AclNames.Of(b.Operation),
            Permission = AclNames.Of(b.Permission),
        };

        public AclBinding ToBinding()
        {
            var binding = new AclBinding(AclNames.Parse<AclResourceType>(ResourceType), ResourceName, AclNames.Parse<AclPatternType>(PatternType), Principal, Host,
                AclNames.Parse<AclOperation>(Operation), AclNames.Parse<AclPermission>(Permission));
            return binding.Invalid() is { } error ? throw new InvalidDataException(error) : binding;
        }
    }
}

/// <summary>Kafka's upper-case names of the ACL enums (TRANSACTIONAL_ID, IDEMPOTENT_WRITE), both ways.</summary>
public static class AclNames
{
    public static string Of<T>(T value)
        where T : struct, Enum => System.Text.RegularExpressions.Regex.Replace(value.ToString(), "(?<=[a-z])([A-Z])", "_$1").ToUpperInvariant();

    public static T Parse<T>(string name)
        where T : struct, Enum =>
        Enum.TryParse<T>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new InvalidDataException($"'{name}' is not a {typeof(T).Name}");
}
