using System.Buffers.Binary;
using System.Text;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>One worker's share: connectors and tasks (connector name → task ids; id -1 is the connector instance).</summary>
public sealed record WorkerAssignment(IReadOnlyDictionary<string, IReadOnlyList<int>> Units)
{
    public static WorkerAssignment Empty { get; } = new(new Dictionary<string, IReadOnlyList<int>>());

    /// <summary>Every (connector, task) pair, the connector instance as task -1.</summary>
    public IEnumerable<(string Connector, int Task)> Pairs => Units.SelectMany(u => u.Value.Select(t => (u.Key, t)));

    public static WorkerAssignment From(IEnumerable<(string Connector, int Task)> pairs) =>
        new(pairs.GroupBy(p => p.Connector, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)[.. g.Select(p => p.Task).Distinct().Order()], StringComparer.Ordinal));
}

/// <summary>What the leader hands one member in SyncGroup.</summary>
public sealed record ConnectAssignment(short Version, short Error, string Leader, string LeaderUrl, long ConfigOffset, WorkerAssignment Assigned, WorkerAssignment Revoked, int DelayMs)
{
    /// <summary>Kafka's Assignment.CONFIG_MISMATCH: the leader's config topic lags a member's; read to the end and rejoin.</summary>
    public const short ConfigMismatch = 1;
}

/// <summary>One member's JoinGroup metadata.</summary>
public sealed record ConnectMetadata(short Version, string Url, long ConfigOffset, WorkerAssignment? Allocation);

/// <summary>
/// The JoinGroup metadata and SyncGroup assignment layouts of Connect's group protocol (protocol type
/// <c>connect</c>; Kafka's <c>ConnectProtocol</c> v0 and <c>IncrementalCooperativeConnectProtocol</c> v1/v2), in
/// Kafka's struct encoding (int16-length strings, int32-count arrays, int32-length nullable bytes; big-endian).
/// Metadata: version int16, url string, config-offset int64, v1+: allocation nullable bytes (the member's current
/// assignment, itself an assignment v1). Assignment: version, error int16, leader, leader-url, config-offset,
/// assignment [{connector, [task int32]}], v1+: revoked [{connector, [task]}], delay int32. Task -1 is the connector.
/// The allocation inside v1/v2 metadata carries the metadata's own version in its header, as Kafka writes it.
/// Sub-protocols: <c>default</c> v0 (connect.protocol=eager), <c>compatible</c> v1, <c>sessioned</c> v2. Stateless.
/// </summary>
public static class ConnectProtocol
{
    public const string ProtocolType = "connect";

    /// <summary>The sub-protocols a worker offers for its <c>connect.protocol</c>, most preferred first, with their versions.</summary>
    public static IReadOnlyList<(string Name, short Version)> Offered(string connectProtocol) => connectProtocol switch
    {
        "eager" => [("default", 0)],
        "compatible" => [("compatible", 1), ("default", 0)],
        _ => [("sessioned", 2), ("compatible", 1), ("default", 0)],
    };

    public static short VersionOf(string protocolName) => protocolName switch
    {
        "sessioned" => 2,
        "compatible" => 1,
        _ => 0,
    };

    public static byte[] EncodeMetadata(ConnectMetadata metadata)
    {
        var writer = new StructWriter();
        writer.Int16(metadata.Version);
        writer.String(metadata.Url);
        writer.Int64(metadata.ConfigOffset);
        if (metadata.Version >= 1)
        {
            writer.NullableBytes(metadata.Allocation is null ? null : EncodeAssignment(new ConnectAssignment(metadata.Version, 0, "", "", metadata.ConfigOffset, metadata.Allocation, WorkerAssignment.Empty, 0)));
        }
        return writer.ToArray();
    }

    public static ConnectMetadata DecodeMetadata(ReadOnlySpan<byte> bytes)
    {
        var reader = new StructReader(bytes);
        var version = reader.Int16();
        var url = reader.String();
        var offset = reader.Int64();
        WorkerAssignment? allocation = null;
        if (version >= 1 && reader.NullableBytes() is { } inner)
        {
            allocation = DecodeAssignment(inner).Assigned;
        }
        return new ConnectMetadata(version, url, offset, allocation);
    }

    public static byte[] EncodeAssignment(ConnectAssignment assignment)
    {
        var writer = new StructWriter();
        writer.Int16(assignment.Version);
        writer.Int16(assignment.Error);
        writer.String(assignment.Leader);
        writer.String(assignment.LeaderUrl);
        writer.Int64(assignment.ConfigOffset);
        WriteUnits(writer, assignment.Assigned);
        if (assignment.Version >= 1)
        {
            WriteUnits(writer, assignment.Revoked);
            writer.Int32(assignment.DelayMs);
        }
        return writer.ToArray();
    }

    public static ConnectAssignment DecodeAssignment(ReadOnlySpan<byte> bytes)
    {
        var reader = new StructReader(bytes);
        var version = reader.Int16();
        var error = reader.Int16();
        var leader = reader.String();
        var leaderUrl = reader.String();
        var offset = reader.Int64();
        var assigned = ReadUnits(ref reader);
        var revoked = WorkerAssignment.Empty;
        var delay = 0;
        if (version >= 1)
        {
            revoked = ReadUnits(ref reader);
            delay = reader.Int32();
        }
        return new ConnectAssignment(version, error, leader, leaderUrl, offset, assigned, revoked, delay);
    }

    private static void WriteUnits(StructWriter writer, WorkerAssignment units)
    {
        writer.Int32(units.Units.Count);
        foreach (var (connector, tasks) in units.Units.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            writer.String(connector);
            writer.Int32(tasks.Count);
            foreach (var task in tasks)
            {
                writer.Int32(task);
            }
        }
    }

    private static WorkerAssignment ReadUnits(ref StructReader reader)
    {
        var count = reader.Int32();
        var units = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var connector = reader.String();
            var taskCount = reader.Int32();
            if (taskCount > reader.Remaining / 4)
            {
                // A corrupt count must not allocate what the input cannot hold.
                throw new FormatException("Connect protocol data is truncated.");
            }
            var tasks = new int[Math.Max(0, taskCount)];
            for (var t = 0; t < tasks.Length; t++)
            {
                tasks[t] = reader.Int32();
            }
            units[connector] = tasks;
        }
        return new WorkerAssignment(units);
    }

    private sealed class StructWriter
    {
        private readonly MemoryStream _stream = new();

        public void Int16(short value)
        {
            Span<byte> buffer = stackalloc byte[2];
            BinaryPrimitives.WriteInt16BigEndian(buffer, value);
            _stream.Write(buffer);
        }

        public void Int32(int value)
        {
            Span<byte> buffer = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(buffer, value);
            _stream.Write(buffer);
        }

        public void Int64(long value)
        {
            Span<byte> buffer = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(buffer, value);
            _stream.Write(buffer);
        }

        public void String(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Int16((short)bytes.Length);
            _stream.Write(bytes);
        }

        public void NullableBytes(byte[]? value)
        {
            Int32(value?.Length ?? -1);
            if (value is not null)
            {
                _stream.Write(value);
            }
        }

        public byte[] ToArray() => _stream.ToArray();
    }

    /// <summary>Reads the struct encoding; a truncated or corrupt input throws <see cref="FormatException"/>.</summary>
    private ref struct StructReader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public readonly int Remaining => _rest.Length;

        public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

        public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

        public string String()
        {
            var length = Int16();
            return length < 0 ? "" : Encoding.UTF8.GetString(Take(length));
        }

        public byte[]? NullableBytes()
        {
            var length = Int32();
            return length < 0 ? null : Take(length).ToArray();
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _rest.Length)
            {
                throw new FormatException("Connect protocol data is truncated.");
            }
            var taken = _rest[..count];
            _rest = _rest[count..];
            return taken;
        }
    }
}
