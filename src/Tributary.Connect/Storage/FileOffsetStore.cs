using System.Text.Json;
using Tributary.Foundation.IO;

namespace Tributary.Connect.Runtime.Storage;

/// <summary>
/// Source offsets of a standalone worker (<c>offset.storage.file.filename</c>). Kafka keeps a Java-serialized HashMap
/// there; Tributary writes its own versioned JSON file instead (docs/formats/connect-offsets-file.md):
/// <c>{"format":"tributary-connect-offsets","version":1,"offsets":[{"key":"…","value":"…"|null}]}</c>, where key and
/// value are the exact JSON texts Connect's offsets topic would hold. Writes are staged by <see cref="OffsetStoreBase.Put"/> and
/// become durable only in <see cref="OffsetStoreBase.FlushAsync"/> (temporary file, fsync, rename), so a crash loses at most the
/// offsets since the last flush, never records: the source replays from the last flushed position.
/// Thread-safe (one lock; flushes serialised).
/// Keep in sync with: docs/formats/connect-offsets-file.md.
/// </summary>
public sealed class FileOffsetStore : OffsetStoreBase
{
    public const string FormatName = "tributary-connect-offsets";
    public const int FormatVersion = 1;

    private readonly string? _path;

    /// <param name="path">The file, or null for offsets kept in memory only.</param>
    public FileOffsetStore(string? path)
    {
        _path = path;
        if (path is not null && File.Exists(path))
        {
            Load(File.ReadAllBytes(path));
        }
    }

    /// <summary>Rewrites the whole file with the committed offsets (temporary file, fsync, rename).</summary>
    protected override Task PersistAsync(IReadOnlyDictionary<string, string?> changes, IReadOnlyDictionary<string, string?> committed, CancellationToken cancellationToken)
    {
        if (_path is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(_path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }
            DurableFile.WriteAtomically(_path, Serialize(committed));
        }
        return Task.CompletedTask;
    }

    private static byte[] Serialize(IReadOnlyDictionary<string, string?> offsets)
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
                    LoadCommitted(key, value.GetString());
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
}
