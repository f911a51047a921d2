using System.Text.Json;
using System.Text.Json.Serialization;
using Tributary.Foundation.IO;

namespace Tributary.Delivery.Engine;

/// <summary>
/// The durable state of one pipeline of the engine (format: docs/formats/delivery-state.md, frozen by tests):
/// <list type="bullet">
/// <item><see cref="Positions"/>: per source partition, the first offset not yet delivered. Every record before it is
/// in a durable object (or was dropped, or is in <see cref="Pending"/>).</item>
/// <item><see cref="Delivered"/>: per partition and buffer, records at or after the position but before the mark are
/// already in an object of that buffer (buffers flush independently, so one buffer can be ahead of the position).</item>
/// <item><see cref="Pending"/>: objects complete in the local spool whose records are counted in the two fields above
/// but which may not have reached the object store yet. They are uploaded (again) before anything else at start:
/// same key, same bytes, so a repeated upload changes nothing.</item>
/// </list>
/// Saved atomically (temporary file, fsync, rename, fsync of the directory): after a crash the file is the old or
/// the new state, never a mix.
/// </summary>
public sealed class DeliveryState
{
    /// <summary>Bumped on any incompatible change of the file's layout.</summary>
    public const int CurrentFormat = 1;

    public const string FileName = "state.json";

    [JsonPropertyName("format")]
    public int Format { get; set; } = CurrentFormat;

    /// <summary>The stream's definition version the state belongs to (informational).</summary>
    [JsonPropertyName("version")]
    public int Version { get; set; }

    [JsonPropertyName("positions")]
    public SortedDictionary<int, long> Positions { get; set; } = [];

    [JsonPropertyName("delivered")]
    public SortedDictionary<int, SortedDictionary<string, long>> Delivered { get; set; } = [];

    [JsonPropertyName("pending")]
    public List<PendingObject> Pending { get; set; } = [];

    /// <summary>Is the record at (<paramref name="partition"/>, <paramref name="offset"/>) for <paramref name="buffer"/> already delivered?</summary>
    public bool IsDelivered(int partition, long offset, string buffer)
    {
        if (Positions.TryGetValue(partition, out var position) && offset < position)
        {
            return true;
        }
        return Delivered.TryGetValue(partition, out var marks) && marks.TryGetValue(buffer, out var mark) && offset < mark;
    }

    /// <summary>
    /// The offset below which every record of <paramref name="partition"/> is delivered for <paramref name="buffer"/>
    /// (<see cref="IsDelivered"/> is <c>offset &lt; DeliveredBelow</c>); long.MinValue when none is.
    /// </summary>
    public long DeliveredBelow(int partition, string buffer)
    {
        var below = Positions.TryGetValue(partition, out var position) ? position : long.MinValue;
        if (Delivered.TryGetValue(partition, out var marks) && marks.TryGetValue(buffer, out var mark))
        {
            below = Math.Max(below, mark);
        }
        return below;
    }

    /// <summary>Drops delivery marks the positions have passed.</summary>
    public void Prune()
    {
        foreach (var (partition, marks) in Delivered.ToList())
        {
            var position = Positions.GetValueOrDefault(partition, long.MinValue);
            foreach (var (buffer, mark) in marks.ToList())
            {
                if (mark <= position)
                {
                    marks.Remove(buffer);
                }
            }
            if (marks.Count == 0)
            {
                Delivered.Remove(partition);
            }
        }
    }

    public static DeliveryState Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return new DeliveryState();
        }
        var state = JsonSerializer.Deserialize(File.ReadAllBytes(path), DeliveryStateJson.Default.DeliveryState)
            ?? throw new InvalidDataException($"{path} is empty.");
        if (state.Format != CurrentFormat)
        {
            throw new InvalidDataException($"{path} has format {state.Format}; this version reads format {CurrentFormat}.");
        }
        return state;
    }

    public void Save(string directory) => Write(directory, Serialize());

    /// <summary>The state file's bytes as they are now (a snapshot that a background <see cref="Write"/> can save).</summary>
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, DeliveryStateJson.Default.DeliveryState);

    /// <summary>Replaces the state file of <paramref name="directory"/> atomically with <paramref name="contents"/> (<see cref="Serialize"/>'s).</summary>
    public static void Write(string directory, byte[] contents)
    {
        Directory.CreateDirectory(directory);
        DurableFile.WriteAtomically(Path.Combine(directory, FileName), contents);
    }

    /// <summary>Makes new names in <paramref name="directory"/> durable (Linux: fsync of the directory).</summary>
    public static void SyncDirectory(string directory) => DurableFile.FlushDirectory(directory);
}

/// <summary>An object in the spool waiting for (another) upload.</summary>
public sealed class PendingObject
{
    /// <summary>File name in the stream's spool directory.</summary>
    [JsonPropertyName("spool")]
    public string Spool { get; set; } = "";

    [JsonPropertyName("bucket")]
    public string Bucket { get; set; } = "";

    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [JsonPropertyName("records")]
    public long Records { get; set; }

    /// <summary>Bytes of record data in the object (before compression), for the delivered-bytes metric.</summary>
    [JsonPropertyName("bytes")]
    public long Bytes { get; set; }

    /// <summary>Error output type for error objects, else null.</summary>
    [JsonPropertyName("error")]
    public string? ErrorType { get; set; }

    /// <summary>True for a source-record backup object (not counted as delivered records). Omitted when false.</summary>
    [JsonPropertyName("backup")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Backup { get; set; }

    /// <summary>Arrival time (ms) of the oldest record in the object, for DataFreshness.</summary>
    [JsonPropertyName("oldest")]
    public long OldestArrivalMs { get; set; }

    /// <summary>
    /// True for a companion object written beside a data object from the same records (the S3 sink's keys and headers
    /// files): its records are counted once, by the data object. Omitted when false, so states without companions are
    /// written as before.
    /// </summary>
    [JsonPropertyName("companion")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Companion { get; set; }

    /// <summary>Whether the object's records count as delivered once it is in the store (not errors, backups or companions).</summary>
    [JsonIgnore]
    public bool CountsAsDelivered => ErrorType is null && !Backup && !Companion;
}

[JsonSerializable(typeof(DeliveryState))]
[JsonSourceGenerationOptions(WriteIndented = false, NumberHandling = JsonNumberHandling.Strict)]
internal sealed partial class DeliveryStateJson : JsonSerializerContext;
