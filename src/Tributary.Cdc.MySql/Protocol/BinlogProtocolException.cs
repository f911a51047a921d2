using System.Buffers.Binary;
using System.Text;

namespace Tributary.Cdc.MySql.Protocol;

/// <summary>An error in the server's own terms (its error code, SQL state and message) or a protocol failure (code 0).</summary>
public sealed class BinlogProtocolException(string message, int errorCode = 0, string? sqlState = null) : Exception(message)
{
    public int ErrorCode { get; } = errorCode;

    public string? SqlState { get; } = sqlState;

    /// <summary>ERR packet: 0xFF, error code (2), '#' + SQL state (5) with protocol 4.1, message.</summary>
    internal static BinlogProtocolException FromErrorPacket(ReadOnlySpan<byte> packet)
    {
        var code = BinaryPrimitives.ReadUInt16LittleEndian(packet[1..]);
        string? state = null;
        var rest = packet[3..];
        if (rest.Length >= 6 && rest[0] == (byte)'#')
        {
            state = Encoding.ASCII.GetString(rest.Slice(1, 5));
            rest = rest[6..];
        }
        var text = Encoding.UTF8.GetString(rest);
        return new BinlogProtocolException($"Error {code} ({state ?? "HY000"}): {text}", code, state);
    }
}
