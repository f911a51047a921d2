using System.Text.Json;
using Tributary.Connect.Source;
using Tributary.Foundation.IO;

namespace Tributary.Connect.Runtime.Storage;

/// <summary>
/// Source offsets of a standalone worker (<c>offset.storage.file.filename</c>). Kafka keeps a Java-serialized HashMap
/// there; Tributary writes its own versioned JSON file instead (docs/formats/connect-offsets-file.md):
/// <c>{"format":"tributary-connect-offsets","version":1,"offsets":[{"key":"…","value":"…"|null}]}</c>, where key and
/// value are the exact JSON texts Connect's offsets topic would hold. Writes are staged by <see cref="Put"/> and
/// become durable only in <see cref="FlushAsync"/> (temporary file, fsync, rename), so a crash loses at most the
/// offsets since the last flush, never records: the source replays from the last flushed position.
/// Thread-safe (one lock; flushes serialised).
/// Keep in sync with: docs/formats/connect-offsets-file.md.
/// </summary>
public sealed class FileOffsetStore : IOffsetStore
{
    public const string FormatName = "tributary-connect-offsets";
    public const int FormatVersion = 1;

    private readonly string? _path;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly Dictionary<string, string?> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _pending = new(StringComparer.Ordinal);

    /// <param name="path">The file, or null for offsets kept in memory only.</param>
    public FileOffsetStore(string? path)
    {
        _path = path;
        if (path is not null && File.Exists(path))
        {
            Load(File.ReadAllBytes(path));
        }
    }

    public IReadOnlyDictionary<string, object?>? Get(string connector, IReadOnlyDictionary<string, object?> partition)
    {
        var key = OffsetKeys.Key(connector, partition);
        lock (_lock)
        {
            if (_pending.TryGetValue(key, out var pending))
            {
                return OffsetKeys.ParseValue(pending);
            }
            return _committed.TryGetValue(key, out var value) ? OffsetKeys.ParseValue(value) : null;
        }
    }

    public void Put(string connector, IReadOnlyDictionary<string, object?> partition, IReadOnlyDictionary<string, object?>? offset)
    {
        var key = OffsetKeys.Key(connector, partition);
        var value = OffsetKeys.Value(offset);
        lock (_lock)
        {
            _pending[key] = value;
        }
    }

    public IReadOnlyList<(Dictionary<string, object?> Partition, Dictionary<string, object?>? Offset)> ForConnector(string connector)
    {
        var result = new List<(Dictionary<string, object?>, Dictionary<string, object?>?)>();
        lock (_lock)
        {
            var merged = new Dictionary<string, string?>(_committed, StringComparer.Ordinal);
            foreach (var (key, value) in _pending)
            {
                merged[key] = value;
            }
            foreach (var (key, value) in merged)
            {
                if (value is not null && OffsetKeys.ParseKey(key) is { } parsed && parsed.Connector == connector)
                {
                    result.Add((parsed.Partition, OffsetKeys.ParseValue(value)));
                }
            }
        }
        return result;
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] contents;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    return;
                }
                foreach (var (key, value) in _pending)
                {
                    if (value is null)
                    {
                        _committed.Remove(key);
                    }
                    else
                    {
                        _committed[key] = value;
                    }
                }
                _pending.Clear();
                contents = Serialize(_committed);
            }
            if (_path is not null)
            {
                var directory = Path.GetDirectoryName(Path.GetFullPath(_path));
                if (directory is not null)
                {
                    Directory.CreateDirectory(directory);
                }
                DurableFile.WriteAtomically(_path, contents);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public OffsetStorageReader ReaderFor(string connector) => new Reader(this, connector);

    private static byte[] Serialize(Dictionary<string, string?> offsets)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("version", FormatVersion);
            writer.WriteStartArray("offsets");
            foreach (var (key, value) in offsets.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("key", key);
                writer.WriteString("value", value);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private void Load(byte[] contents)
    {
        try
        {
            using var document = JsonDocument.Parse(contents);
            var root = document.RootElement;
            if (!root.TryGetProperty("format", out var format) || format.GetString() != FormatName)
            {
                throw new InvalidDataException($"{_path} is not a Tributary Connect offsets file (no \"format\":\"{FormatName}\").");
            }
            var version = root.GetProperty("version").GetInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"{_path}: offsets file version {version} is not supported (this worker reads version {FormatVersion}).");
            }
            foreach (var entry in root.GetProperty("offsets").EnumerateArray())
            {
                var key = entry.GetProperty("key").GetString() ?? throw new InvalidDataException($"{_path}: an offset entry has a null key.");
                var value = entry.GetProperty("value");
                if (value.ValueKind == JsonValueKind.String)
                {
                    _committed[key] = value.GetString();
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{_path} is not valid JSON: {e.Message}", e);
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidDataException($"{_path} lacks a field of the offsets file format: {e.Message}", e);
        }
    }

    private sealed class Reader(FileOffsetStore store, string connector) : OffsetStorageReader
    {
        public IReadOnlyDictionary<string, object?>? Offset(IReadOnlyDictionary<string, object?> partition) => store.Get(connector, partition);

        public IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> Offsets(IEnumerable<IReadOnlyDictionary<string, object?>> partitions)
        {
            var result = new Dictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>>();
            foreach (var partition in partitions)
            {
                if (store.Get(connector, partition) is { } offset)
                {
                    result[partition] = offset;
                }
            }
            return result;
        }
    }
}
