using System.Text;
using Tributary.Connect.Runtime.Distributed;

namespace Tributary.Connect.Tests;

/// <summary>
/// The Connect group protocol's JoinGroup metadata and SyncGroup assignment against bytes written out by hand from
/// the documented layouts (Kafka's <c>ConnectProtocol</c> v0 and <c>IncrementalCooperativeConnectProtocol</c> v1/v2:
/// int16 versions and lengths, int32 counts, int64 offsets, big-endian; task -1 is the connector), and every
/// truncation of them refused with a <see cref="FormatException"/>.
/// </summary>
public sealed class ConnectProtocolCodecTests
{
    private static readonly WorkerAssignment TwoUnits = new(new Dictionary<string, IReadOnlyList<int>>
    {
        ["b"] = [-1],
        ["a"] = [-1, 0, 1],
    });

    /// <summary>v0 (eager, sub-protocol <c>default</c>): version, url, config offset.</summary>
    private static readonly byte[] MetadataV0 = [.. Bytes(0, 0), .. Str("http://w:8083"), .. Bytes(0, 0, 0, 0, 0, 0, 0, 42)];

    /// <summary>v0 assignment: version, error, leader, leader url, offset, [{connector, [task]}] (connectors in name order).</summary>
    private static readonly byte[] AssignmentV0 =
    [
        .. Bytes(0, 0), .. Bytes(0, 0), .. Str("m1"), .. Str("http://l:1"), .. Bytes(0, 0, 0, 0, 0, 0, 1, 0),
        .. Int(2), .. Str("a"), .. Int(3), .. Int(-1), .. Int(0), .. Int(1), .. Str("b"), .. Int(1), .. Int(-1),
    ];

    /// <summary>v1 assignment: v0's fields with version 1 and error CONFIG_MISMATCH, then revoked [{connector, [task]}] and delay.</summary>
    private static readonly byte[] AssignmentV1 =
    [
        .. Bytes(0, 1), .. Bytes(0, 1), .. Str("m1"), .. Str("http://l:1"), .. Bytes(0, 0, 0, 0, 0, 0, 1, 0),
        .. Int(2), .. Str("a"), .. Int(3), .. Int(-1), .. Int(0), .. Int(1), .. Str("b"), .. Int(1), .. Int(-1),
        .. Int(1), .. Str("c"), .. Int(2), .. Int(-1), .. Int(0),
        .. Int(30000),
    ];

    [Fact]
    public void Metadata_v0_has_the_documented_layout()
    {
        Assert.Equal(MetadataV0, ConnectProtocol.EncodeMetadata(new ConnectMetadata(0, "http://w:8083", 42, null)));
        var decoded = ConnectProtocol.DecodeMetadata(MetadataV0);
        Assert.Equal((short)0, decoded.Version);
        Assert.Equal("http://w:8083", decoded.Url);
        Assert.Equal(42, decoded.ConfigOffset);
        Assert.Null(decoded.Allocation);
    }

    [Fact]
    public void Metadata_v1_and_v2_carry_the_allocation_as_nullable_bytes_holding_an_assignment()
    {
        // The allocation is itself an assignment (header version as the metadata's), leader fields empty.
        byte[] allocation =
        [
            .. Bytes(0, 2), .. Bytes(0, 0), .. Str(""), .. Str(""), .. Bytes(0, 0, 0, 0, 0, 0, 0, 7),
            .. Int(2), .. Str("a"), .. Int(3), .. Int(-1), .. Int(0), .. Int(1), .. Str("b"), .. Int(1), .. Int(-1),
            .. Int(0), .. Int(0),
        ];
        byte[] expected = [.. Bytes(0, 2), .. Str("http://w:8083"), .. Bytes(0, 0, 0, 0, 0, 0, 0, 7), .. Int(allocation.Length), .. allocation];
        Assert.Equal(expected, ConnectProtocol.EncodeMetadata(new ConnectMetadata(2, "http://w:8083", 7, TwoUnits)));
        var decoded = ConnectProtocol.DecodeMetadata(expected);
        Assert.Equal((short)2, decoded.Version);
        Assert.Equal(7, decoded.ConfigOffset);
        Assert.Equal([("a", -1), ("a", 0), ("a", 1), ("b", -1)], decoded.Allocation!.Pairs.OrderBy(p => p.Connector, StringComparer.Ordinal).ThenBy(p => p.Task));

        // A member with nothing yet sends a null allocation: length -1.
        byte[] empty = [.. Bytes(0, 1), .. Str("u"), .. Bytes(0, 0, 0, 0, 0, 0, 0, 0), .. Int(-1)];
        Assert.Equal(empty, ConnectProtocol.EncodeMetadata(new ConnectMetadata(1, "u", 0, null)));
        Assert.Null(ConnectProtocol.DecodeMetadata(empty).Allocation);
    }

    [Fact]
    public void Assignment_v0_and_v1_have_the_documented_layouts()
    {
        Assert.Equal(AssignmentV0, ConnectProtocol.EncodeAssignment(new ConnectAssignment(0, 0, "m1", "http://l:1", 256, TwoUnits, WorkerAssignment.Empty, 0)));
        var revoked = WorkerAssignment.From([("c", -1), ("c", 0)]);
        Assert.Equal(AssignmentV1, ConnectProtocol.EncodeAssignment(new ConnectAssignment(1, ConnectAssignment.ConfigMismatch, "m1", "http://l:1", 256, TwoUnits, revoked, 30000)));

        var decoded = ConnectProtocol.DecodeAssignment(AssignmentV1);
        Assert.Equal((short)1, decoded.Version);
        Assert.Equal(ConnectAssignment.ConfigMismatch, decoded.Error);
        Assert.Equal("m1", decoded.Leader);
        Assert.Equal("http://l:1", decoded.LeaderUrl);
        Assert.Equal(256, decoded.ConfigOffset);
        Assert.Equal([-1, 0, 1], decoded.Assigned.Units["a"]);
        Assert.Equal([-1], decoded.Assigned.Units["b"]);
        Assert.Equal([-1, 0], decoded.Revoked.Units["c"]);
        Assert.Equal(30000, decoded.DelayMs);

        var v0 = ConnectProtocol.DecodeAssignment(AssignmentV0);
        Assert.Equal((short)0, v0.Version);
        Assert.Empty(v0.Revoked.Units);
        Assert.Equal(0, v0.DelayMs);
    }

    [Fact]
    public void A_v1_assignment_with_null_arrays_decodes_as_empty()
    {
        byte[] bytes = [.. Bytes(0, 1), .. Bytes(0, 0), .. Str("m"), .. Str("u"), .. Bytes(0, 0, 0, 0, 0, 0, 0, 3), .. Int(-1), .. Int(-1), .. Int(0)];
        var decoded = ConnectProtocol.DecodeAssignment(bytes);
        Assert.Empty(decoded.Assigned.Units);
        Assert.Empty(decoded.Revoked.Units);
    }

    [Fact]
    public void Every_truncation_is_refused_with_a_FormatException()
    {
        foreach (var (name, bytes, decode) in new (string, byte[], Action<byte[]>)[]
        {
            ("metadata v0", MetadataV0, b => ConnectProtocol.DecodeMetadata(b)),
            ("metadata v2", ConnectProtocol.EncodeMetadata(new ConnectMetadata(2, "http://w:8083", 7, TwoUnits)), b => ConnectProtocol.DecodeMetadata(b)),
            ("assignment v0", AssignmentV0, b => ConnectProtocol.DecodeAssignment(b)),
            ("assignment v1", AssignmentV1, b => ConnectProtocol.DecodeAssignment(b)),
        })
        {
            decode(bytes);
            for (var length = 0; length < bytes.Length; length++)
            {
                var cut = bytes[..length];
                var error = Record.Exception(() => decode(cut));
                Assert.True(error is FormatException, $"{name} cut to {length} of {bytes.Length} bytes: {error?.GetType().Name ?? "accepted"}");
            }
        }
    }

    [Fact]
    public void A_corrupt_task_count_is_refused_without_allocating_it()
    {
        byte[] bytes = [.. Bytes(0, 0), .. Bytes(0, 0), .. Str("m"), .. Str("u"), .. Bytes(0, 0, 0, 0, 0, 0, 0, 3), .. Int(1), .. Str("a"), .. Int(int.MaxValue), .. Int(-1)];
        Assert.Throws<FormatException>(() => ConnectProtocol.DecodeAssignment(bytes));
    }

    private static byte[] Bytes(params byte[] bytes) => bytes;

    private static byte[] Int(int value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static byte[] Str(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }
}
