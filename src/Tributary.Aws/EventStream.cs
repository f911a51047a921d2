using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Tributary.Foundation.Buffers;

namespace Tributary.Aws;

/// <summary>One decoded event-stream message: its string headers and payload.</summary>
public sealed record EventStreamMessage(IReadOnlyDictionary<string, string> Headers, byte[] Payload);

/// <summary>
/// AWS's event-stream framing (<c>application/vnd.amazon.eventstream</c>), used by SubscribeToShard. A message is
/// <code>
/// u32 total length | u32 headers length | u32 CRC-32 of the 8 bytes before
/// headers: u8 name length, name, u8 value type (7 = string), u16 value length, value — repeated
/// payload
/// u32 CRC-32 of everything before it
/// </code>
/// all big-endian, CRC-32 being the IEEE/zlib one. Only string headers are written; the reader skips the other
/// header types AWS defines. Stateless; thread-safe.
/// </summary>
public static class EventStream
{
    private const byte StringHeader = 7;

    /// <summary>Writes one message with string headers and a payload.</summary>
    public static void WriteMessage(IBufferWriter<byte> output, ReadOnlySpan<(string Name, string Value)> headers, ReadOnlySpan<byte> payload)
    {
        var headersLength = 0;
        foreach (var (name, value) in headers)
        {
            headersLength += 1 + Encoding.UTF8.GetByteCount(name) + 1 + 2 + Encoding.UTF8.GetByteCount(value);
        }
        var total = 12 + headersLength + payload.Length + 4;
        var span = output.GetSpan(total)[..total];
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], Crc32(span[..8]));
        var position = 12;
        foreach (var (name, value) in headers)
        {
            var nameLength = Encoding.UTF8.GetBytes(name, span[(position + 1)..]);
            span[position] = (byte)nameLength;
            position += 1 + nameLength;
            span[position++] = StringHeader;
            var valueLength = Encoding.UTF8.GetBytes(value, span[(position + 2)..]);
            BinaryPrimitives.WriteUInt16BigEndian(span[position..], (ushort)valueLength);
            position += 2 + valueLength;
        }
        payload.CopyTo(span[position..]);
        position += payload.Length;
        BinaryPrimitives.WriteUInt32BigEndian(span[position..], Crc32(span[..position]));
        output.Advance(total);
    }

    /// <summary>An event: <c>:message-type event</c>, <c>:event-type</c>, <c>:content-type</c>.</summary>
    public static void WriteEvent(IBufferWriter<byte> output, string eventType, string contentType, ReadOnlySpan<byte> payload) =>
        WriteMessage(output, [(":event-type", eventType), (":content-type", contentType), (":message-type", "event")], payload);

    /// <summary>A modelled error inside a stream: <c>:message-type exception</c>, <c>:exception-type</c>, payload <c>{"message":…}</c>.</summary>
    public static void WriteException(IBufferWriter<byte> output, string exceptionType, string message, string contentType = "application/json")
    {
        using var payload = new PooledBufferWriter(256);
        using (var writer = new System.Text.Json.Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }
        WriteMessage(output, [(":exception-type", exceptionType), (":content-type", contentType), (":message-type", "exception")], payload.WrittenSpan);
    }

    /// <summary>
    /// Reads one message from the start of <paramref name="data"/>; false when more bytes are needed. Throws
    /// <see cref="InvalidDataException"/> when a length or either CRC is wrong.
    /// </summary>
    public static bool TryReadMessage(ReadOnlySpan<byte> data, out EventStreamMessage? message, out int consumed)
    {
        message = null;
        consumed = 0;
        if (data.Length < 12)
        {
            return false;
        }
        var total = BinaryPrimitives.ReadUInt32BigEndian(data);
        var headersLength = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != Crc32(data[..8]))
        {
            throw new InvalidDataException("Event-stream prelude CRC mismatch.");
        }
        if (total < 16 || headersLength > total - 16 || total > 16 * 1024 * 1024)
        {
            throw new InvalidDataException($"Event-stream message lengths are inconsistent (total {total}, headers {headersLength}).");
        }
        if (data.Length < total)
        {
            return false;
        }
        var frame = data[..(int)total];
        if (BinaryPrimitives.ReadUInt32BigEndian(frame[^4..]) != Crc32(frame[..^4]))
        {
            throw new InvalidDataException("Event-stream message CRC mismatch.");
        }
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 12;
        var headersEnd = 12 + (int)headersLength;
        while (position < headersEnd)
        {
            var nameLength = frame[position++];
            var name = Encoding.UTF8.GetString(frame.Slice(position, nameLength));
            position += nameLength;
            var type = frame[position++];
            switch (type)
            {
                case 0 or 1:
                    headers[name] = type == 0 ? "true" : "false";
                    break;
                case 2:
                    position += 1;
                    break;
                case 3:
                    position += 2;
                    break;
                case 4:
                    position += 4;
                    break;
                case 5 or 8:
                    position += 8;
                    break;
                case 6 or 7:
                    var length = BinaryPrimitives.ReadUInt16BigEndian(frame[position..]);
                    headers[name] = Encoding.UTF8.GetString(frame.Slice(position + 2, length));
                    position += 2 + length;
                    break;
                case 9:
                    position += 16;
                    break;
                default:
                    throw new InvalidDataException($"Unknown event-stream header type {type}.");
            }
        }
        message = new EventStreamMessage(headers, frame[headersEnd..^4].ToArray());
        consumed = (int)total;
        return true;
    }

    /// <summary>CRC-32 (IEEE 802.3 / zlib), as event-stream frames use: System.IO.Hashing's, as everywhere else.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);
}
