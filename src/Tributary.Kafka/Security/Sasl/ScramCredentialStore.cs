using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Foundation.IO;

namespace Tributary.Kafka.Security.Sasl;

/// <summary>
/// The SCRAM credentials of the broker's users, kept durably in one small JSON file (<c>docs/formats/scram-credentials.md</c>):
/// per user and mechanism the salt, StoredKey, ServerKey and iterations — never a password. Every change is written with
/// <see cref="DurableFile"/> (temporary file, fsync, rename) before it is acknowledged.
/// Thread-safe: readers see an immutable snapshot; changes are serialised by a lock.
/// </summary>
public sealed class ScramCredentialStore
{
    public const int FormatVersion = 1;

    private readonly string? _path;
    private readonly Lock _writeLock = new();
    private volatile ImmutableDictionary<string, ImmutableDictionary<string, ScramCredential>> _users;

    private ScramCredentialStore(string? path, ImmutableDictionary<string, ImmutableDictionary<string, ScramCredential>> users)
    {
        _path = path;
        _users = users;
    }

    /// <summary>A store that lives only in memory (tests and in-process use).</summary>
    public static ScramCredentialStore InMemory() => new(null, ImmutableDictionary<string, ImmutableDictionary<string, ScramCredential>>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>Opens the store at <paramref name="path"/>; a missing file is an empty store. A corrupt file throws InvalidDataException.</summary>
    public static ScramCredentialStore Open(string path)
    {
        var users = ImmutableDictionary<string, ImmutableDictionary<string, ScramCredential>>.Empty.WithComparers(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            try
            {
                users = Parse(JsonNode.Parse(File.ReadAllBytes(path)));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NullReferenceException)
            {
                throw new InvalidDataException($"{path}: not a SCRAM credential file: {e.Message}", e);
            }
        }
        return new ScramCredentialStore(path, users);
    }

    public ScramCredential? Find(string user, string mechanism) =>
        _users.TryGetValue(user, out var credentials) && credentials.TryGetValue(mechanism, out var credential) ? credential : null;

    /// <summary>The credentials of <paramref name="user"/>, by mechanism (empty when none).</summary>
    public IReadOnlyDictionary<string, ScramCredential> CredentialsOf(string user) =>
        _users.TryGetValue(user, out var credentials) ? credentials : ImmutableDictionary<string, ScramCredential>.Empty;

    public IEnumerable<string> Users => _users.Keys.Order(StringComparer.Ordinal);

    /// <summary>Applies deletions and upsertions as one durable change (the caller has validated them).</summary>
    public void Apply(IEnumerable<(string User, string Mechanism)> deletions, IEnumerable<(string User, string Mechanism, ScramCredential Credential)> upsertions)
    {
        lock (_writeLock)
        {
            var users = _users;
            foreach (var (user, mechanism) in deletions)
            {
                if (users.TryGetValue(user, out var credentials))
                {
                    credentials = credentials.Remove(mechanism);
                    users = credentials.IsEmpty ? users.Remove(user) : users.SetItem(user, credentials);
                }
            }
            foreach (var (user, mechanism, credential) in upsertions)
            {
                var credentials = users.TryGetValue(user, out var existing) ? existing : ImmutableDictionary<string, ScramCredential>.Empty.WithComparers(StringComparer.Ordinal);
                users = users.SetItem(user, credentials.SetItem(mechanism, credential));
            }
            if (_path is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
                DurableFile.WriteAtomically(_path, Serialize(users));
            }
            _users = users;
        }
    }

    private static byte[] Serialize(ImmutableDictionary<string, ImmutableDictionary<string, ScramCredential>> users)
    {
        var root = new JsonObject { ["version"] = FormatVersion };
        var usersNode = new JsonObject();
        foreach (var user in users.Keys.Order(StringComparer.Ordinal))
        {
            var userNode = new JsonObject();
            foreach (var (mechanism, credential) in users[user].OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                userNode[mechanism] = new JsonObject
                {
                    ["salt"] = Convert.ToBase64String(credential.Salt),
                    ["stored_key"] = Convert.ToBase64String(credential.StoredKey),
                    ["server_key"] = Convert.ToBase64String(credential.ServerKey),
                    ["iterations"] = credential.Iterations,
                };
            }
            usersNode[user] = userNode;
        }
        root["users"] = usersNode;
        return JsonSerializer.SerializeToUtf8Bytes(root, new JsonSerializerOptions { WriteIndented = true });
    }

    private static ImmutableDictionary<string, ImmutableDictionary<string, ScramCredential>> Parse(JsonNode? root)
    {
        var version = root!["version"]!.GetValue<int>();
        if (version != FormatVersion)
        {
            throw new FormatException($"format version {version} is not {FormatVersion}");
        }
        var users = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, ScramCredential>>(StringComparer.Ordinal);
        foreach (var (user, userNode) in root["users"]!.AsObject())
        {
            var credentials = ImmutableDictionary.CreateBuilder<string, ScramCredential>(StringComparer.Ordinal);
            foreach (var (mechanism, node) in userNode!.AsObject())
            {
                credentials[mechanism] = new ScramCredential(
                    Convert.FromBase64String(node!["salt"]!.GetValue<string>()),
                    Convert.FromBase64String(node["stored_key"]!.GetValue<string>()),
                    Convert.FromBase64String(node["server_key"]!.GetValue<string>()),
                    node["iterations"]!.GetValue<int>());
            }
            users[user] = credentials.ToImmutable();
        }
        return users.ToImmutable();
    }
}
