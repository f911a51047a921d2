using System.Collections.Concurrent;
using System.Text.Json;
using Tributary.Foundation.IO;

namespace Tributary.Broker;

/// <summary>
/// The topics of the cluster (name, topic id, partition count, config overrides), persisted to
/// <c>&lt;data dir&gt;/__cluster/topics.json</c>, rewritten atomically on every change. Reads are lock-free;
/// changes are serialised. Knows nothing of logs: the broker creates them after a topic is registered and
/// deletes them before it is unregistered, so a crash never leaves logs without a topic.
/// </summary>
internal sealed class TopicRegistry
{
    public const string FileName = "topics.json";
    private const int FormatVersion = 1;

    private static readonly HashSet<string> InternalTopics = new(StringComparer.Ordinal) { "__consumer_offsets", "__transaction_state" };

    private readonly ConcurrentDictionary<string, TopicInfo> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, TopicInfo> _byId = new();
    private readonly object _writeLock = new();
    private readonly string _path;

    private TopicRegistry(string path)
    {
        _path = path;
    }

    /// <summary>Loads the registry from <paramref name="clusterDirectory"/> (empty when there is no file yet).</summary>
    public static TopicRegistry Load(string clusterDirectory)
    {
        var registry = new TopicRegistry(Path.Combine(clusterDirectory, FileName));
        if (!File.Exists(registry._path))
        {
            return registry;
        }
        var file = JsonSerializer.Deserialize(File.ReadAllBytes(registry._path), BrokerJsonContext.Default.TopicsFile)
            ?? throw new InvalidDataException($"{registry._path} is empty.");
        if (file.Version != FormatVersion)
        {
            throw new InvalidDataException($"{registry._path} has format version {file.Version}; this broker reads version {FormatVersion}.");
        }
        foreach (var record in file.Topics)
        {
            var topic = ToInfo(record);
            registry._byName[topic.Name] = topic;
            registry._byId[topic.TopicId] = topic;
        }
        return registry;
    }

    public IReadOnlyCollection<TopicInfo> Topics => (IReadOnlyCollection<TopicInfo>)_byName.Values;

    public TopicInfo? Get(string name) => _byName.TryGetValue(name, out var topic) ? topic : null;

    public TopicInfo? Get(Guid topicId) => _byId.TryGetValue(topicId, out var topic) ? topic : null;

    public static bool IsInternal(string name) => InternalTopics.Contains(name);

    /// <summary>Kafka's topic name rule: 1–249 characters of [a-zA-Z0-9._-], not "." or "..". Null when valid.</summary>
    public static string? ValidateName(string name)
    {
        if (name.Length == 0)
        {
            return "Topic name is empty.";
        }
        if (name.Length > 249)
        {
            return $"Topic name is {name.Length} characters long; the limit is 249.";
        }
        if (name is "." or "..")
        {
            return $"Topic name cannot be '{name}'.";
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return $"Topic name '{name}' contains '{c}'; only ASCII letters, digits, '.', '_' and '-' are allowed.";
            }
        }
        return null;
    }

    /// <summary>Registers a new topic with a fresh topic id and persists the registry; null if the name is taken.</summary>
    public TopicInfo? Add(string name, int partitions, IReadOnlyDictionary<string, string> configs)
    {
        lock (_writeLock)
        {
            if (_byName.ContainsKey(name))
            {
                return null;
            }
            var topic = new TopicInfo(name, NewTopicId(), partitions, new Dictionary<string, string>(configs, StringComparer.Ordinal), IsInternal(name));
            Save([.. _byName.Values, topic]);
            _byName[name] = topic;
            _byId[topic.TopicId] = topic;
            return topic;
        }
    }

    /// <summary>Replaces a registered topic's partition count or configs (same name and id) and persists the registry.</summary>
    public TopicInfo? Update(string name, Func<TopicInfo, TopicInfo> change)
    {
        lock (_writeLock)
        {
            if (!_byName.TryGetValue(name, out var current))
            {
                return null;
            }
            var updated = change(current) with { Name = current.Name, TopicId = current.TopicId };
            Save([.. _byName.Values.Where(t => t.Name != name), updated]);
            _byName[name] = updated;
            _byId[updated.TopicId] = updated;
            return updated;
        }
    }

    /// <summary>Unregisters a topic and persists the registry; false if there was none.</summary>
    public bool Remove(string name)
    {
        lock (_writeLock)
        {
            if (!_byName.TryGetValue(name, out var topic))
            {
                return false;
            }
            Save([.. _byName.Values.Where(t => t.Name != name)]);
            _byName.TryRemove(name, out _);
            _byId.TryRemove(topic.TopicId, out _);
            return true;
        }
    }

    private Guid NewTopicId()
    {
        // Kafka reserves the zero UUID (and ids whose base64 starts with '-'); a collision is astronomically unlikely but cheap to rule out.
        while (true)
        {
            var id = Guid.NewGuid();
            if (id != Guid.Empty && !_byId.ContainsKey(id))
            {
                return id;
            }
        }
    }

    private void Save(IEnumerable<TopicInfo> topics)
    {
        var file = new TopicsFile(
            FormatVersion,
            [.. topics.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => new TopicRecord(t.Name, t.TopicId, t.PartitionCount, new Dictionary<string, string>(t.Configs, StringComparer.Ordinal)))]);
        DurableFile.WriteAtomically(_path, JsonSerializer.SerializeToUtf8Bytes(file, BrokerJsonContext.Default.TopicsFile));
    }

    private static TopicInfo ToInfo(TopicRecord record) =>
        new(record.Name, record.TopicId, record.Partitions, new Dictionary<string, string>(record.Configs, StringComparer.Ordinal), IsInternal(record.Name));
}
