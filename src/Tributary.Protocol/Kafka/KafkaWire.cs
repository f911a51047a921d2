using System.Collections;
using Tributary.Foundation.Buffers;

namespace Tributary.Protocol.Kafka;

/// <summary>
/// Helpers the generated message codecs call for the rules that depend on the version at run time:
/// compact vs classic lengths (flexible versions) and nullability. Hand-written once here so the
/// generated files stay short and readable.
/// </summary>
public static class KafkaWire
{
    public static void WriteString(KafkaWriter writer, string? value, bool flexible, bool nullable, string field)
    {
        if (value is null && !nullable)
        {
            throw NotNullable(field);
        }
        if (flexible)
        {
            writer.WriteCompactNullableString(value);
        }
        else
        {
            writer.WriteNullableString(value);
        }
    }

    public static string? ReadString(ref KafkaReader reader, bool flexible, bool nullable) =>
        (flexible, nullable) switch
        {
            (true, true) => reader.ReadCompactNullableString(),
            (true, false) => reader.ReadCompactString(),
            (false, true) => reader.ReadNullableString(),
            (false, false) => reader.ReadString(),
        };

    public static void WriteBytes(KafkaWriter writer, ReadOnlyMemory<byte>? value, bool flexible, bool nullable, string field)
    {
        if (value is null && !nullable)
        {
            throw NotNullable(field);
        }
        if (flexible)
        {
            writer.WriteCompactNullableBytes(value);
        }
        else
        {
            writer.WriteNullableBytes(value);
        }
    }

    public static ReadOnlyMemory<byte>? ReadBytes(ref KafkaReader reader, bool flexible, bool nullable)
    {
        var value = flexible ? reader.ReadCompactNullableBytes() : reader.ReadNullableBytes();
        if (value is null && !nullable)
        {
            throw new KafkaProtocolException("Malformed Kafka message: null where non-nullable bytes are required.");
        }
        return value;
    }

    /// <summary>Writes an array's count; null (<paramref name="count"/> is null) only where the version allows it.</summary>
    public static void WriteCount(KafkaWriter writer, int? count, bool flexible, bool nullable, string field)
    {
        if (count is null && !nullable)
        {
            throw NotNullable(field);
        }
        if (flexible)
        {
            writer.WriteCompactArrayCount(count ?? -1);
        }
        else
        {
            writer.WriteArrayCount(count ?? -1);
        }
    }

    /// <summary>Reads an array's count: -1 for null, refused where the version does not allow null.</summary>
    public static int ReadCount(ref KafkaReader reader, bool flexible, bool nullable)
    {
        var count = flexible ? reader.ReadCompactArrayCount() : reader.ReadArrayCount();
        if (count < 0 && !nullable)
        {
            throw new KafkaProtocolException("Malformed Kafka message: null where a non-nullable array is required.");
        }
        return count;
    }

    /// <summary>Encodes one tagged field's value on its own, to learn its size (tagged fields are rare: cold path).</summary>
    public static byte[] EncodeTagged(Action<KafkaWriter> write)
    {
        using var buffer = new PooledBufferWriter(64);
        write(new KafkaWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the tagged-field section: known fields and preserved unknown ones, in tag order.</summary>
    public static void WriteTaggedFields(KafkaWriter writer, List<(uint Tag, byte[] Bytes)>? known, List<RawTaggedField>? unknown)
    {
        var count = (known?.Count ?? 0) + (unknown?.Count ?? 0);
        writer.WriteUnsignedVarint((uint)count);
        if (count == 0)
        {
            return;
        }
        var all = new List<(uint Tag, ReadOnlyMemory<byte> Bytes)>(count);
        if (known is not null)
        {
            foreach (var (tag, bytes) in known)
            {
                all.Add((tag, bytes));
            }
        }
        if (unknown is not null)
        {
            foreach (var field in unknown)
            {
                all.Add((field.Tag, field.Value));
            }
        }
        all.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        foreach (var (tag, bytes) in all)
        {
            writer.WriteUnsignedVarint(tag);
            writer.WriteUnsignedVarint((uint)bytes.Length);
            writer.WriteRaw(bytes.Span);
        }
    }

    /// <summary>Reads a tagged field's size, refusing sizes beyond what is left.</summary>
    public static int ReadTaggedSize(ref KafkaReader reader)
    {
        var size = reader.ReadUnsignedVarint();
        if (size > (uint)reader.Remaining)
        {
            throw new KafkaProtocolException($"Malformed Kafka message: tagged field of {size} bytes with {reader.Remaining} left.");
        }
        return (int)size;
    }

    /// <summary>How generated <c>ToString</c> methods print a value.</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        string text => "\"" + text + "\"",
        ReadOnlyMemory<byte> bytes => $"<{bytes.Length} bytes>",
        IList list => "[" + string.Join(", ", list.Cast<object?>().Select(Show)) + "]",
        _ => value.ToString() ?? "",
    };

    private static KafkaProtocolException NotNullable(string field) => new($"Field {field} cannot be null in this version.");
}
