using System.Collections;
using System.Reflection;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Protocol.Tests.Kafka;

/// <summary>
/// Every defined message at every version: random values (and, in flexible versions, unknown tagged
/// fields) are written, read back and written again; both encodings must be identical and the reader
/// must consume exactly what was written.
/// </summary>
public class MessageRoundTripTests
{
    public static TheoryData<short, string, short> Cases()
    {
        var data = new TheoryData<short, string, short>();
        foreach (var api in KafkaApis.All)
        {
            for (var version = api.LowestVersion; version <= api.HighestVersion; version++)
            {
                data.Add(api.ApiKey, "request", version);
                data.Add(api.ApiKey, "response", version);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_message_round_trips_at_every_version(short apiKey, string side, short version)
    {
        var api = KafkaApis.All.Single(a => a.ApiKey == apiKey);
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed * 7919 + version);
            var message = Create(apiKey, side);
            Fill(message, random, api.IsFlexible(version), depth: 0);
            var first = Encode(message, version);

            var decoded = Create(apiKey, side);
            var reader = new KafkaReader(first);
            decoded.Read(ref reader, version);
            Assert.True(reader.End, $"{api.Name} {side} v{version}: {reader.Remaining} bytes left unread");
            var second = Encode(decoded, version);
            Assert.Equal(Convert.ToHexString(first), Convert.ToHexString(second));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Truncated_messages_fail_with_a_protocol_error(short apiKey, string side, short version)
    {
        var api = KafkaApis.All.Single(a => a.ApiKey == apiKey);
        var message = Create(apiKey, side);
        Fill(message, new Random(version), api.IsFlexible(version), depth: 0);
        var bytes = Encode(message, version);
        // Every strict prefix of a valid encoding is short of at least one field the reader needs (the round trip above
        // shows the reader consumes exactly what was written), so decoding it must fail — with a protocol error, never
        // with another exception and never by returning a message built from missing bytes.
        for (var length = 0; length < bytes.Length; length += Math.Max(1, bytes.Length / 40))
        {
            var decoded = Create(apiKey, side);
            var truncated = bytes.AsMemory(0, length);
            var error = Record.Exception(() =>
            {
                var reader = new KafkaReader(truncated);
                decoded.Read(ref reader, version);
            });
            Assert.True(error is KafkaProtocolException, $"{api.Name} {side} v{version} cut to {length} of {bytes.Length} bytes: {(error is null ? "decoded without an error" : error.GetType().Name + ": " + error.Message)}");
        }
    }

    private static IKafkaMessage Create(short apiKey, string side) =>
        (side == "request" ? KafkaApis.CreateRequest(apiKey) : KafkaApis.CreateResponse(apiKey)) ?? throw new InvalidOperationException();

    private static byte[] Encode(IKafkaMessage message, short version)
    {
        using var buffer = new PooledBufferWriter();
        message.Write(new KafkaWriter(buffer), version);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Sets every property to a random non-null value; nested structs and lists recursively.</summary>
    internal static void Fill(object message, Random random, bool flexible, int depth)
    {
        foreach (var property in message.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name == nameof(IKafkaMessageWithTags.UnknownTaggedFields))
            {
                if (flexible && random.Next(3) == 0)
                {
                    property.SetValue(message, new List<RawTaggedField> { new((uint)(100 + random.Next(50)), RandomBytes(random, 5)) });
                }
                continue;
            }
            property.SetValue(message, RandomValue(property.PropertyType, random, flexible, depth));
        }
    }

    private static object? RandomValue(Type type, Random random, bool flexible, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(bool))
        {
            return random.Next(2) == 1;
        }
        if (underlying == typeof(sbyte))
        {
            return (sbyte)random.Next(-128, 128);
        }
        if (underlying == typeof(short))
        {
            return (short)random.Next(-1, 2000);
        }
        if (underlying == typeof(ushort))
        {
            return (ushort)random.Next(0, 65536);
        }
        if (underlying == typeof(int))
        {
            return random.Next(-1, int.MaxValue);
        }
        if (underlying == typeof(uint))
        {
            return (uint)random.NextInt64(0, uint.MaxValue);
        }
        if (underlying == typeof(long))
        {
            return random.NextInt64(-1, long.MaxValue);
        }
        if (underlying == typeof(double))
        {
            return random.NextDouble() * 1000;
        }
        if (underlying == typeof(Guid))
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }
        if (underlying == typeof(string))
        {
            return "s" + random.Next(100_000) + (random.Next(4) == 0 ? "-ü" : "");
        }
        if (underlying == typeof(ReadOnlyMemory<byte>))
        {
            return (ReadOnlyMemory<byte>)RandomBytes(random, random.Next(0, 40));
        }
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(underlying)!;
            var count = depth > 3 ? 0 : random.Next(0, 4);
            for (var i = 0; i < count; i++)
            {
                list.Add(RandomValue(underlying.GetGenericArguments()[0], random, flexible, depth + 1));
            }
            return list;
        }
        if (typeof(IKafkaMessage).IsAssignableFrom(underlying))
        {
            var nested = Activator.CreateInstance(underlying)!;
            Fill(nested, random, flexible, depth + 1);
            return nested;
        }
        throw new NotSupportedException(type.FullName);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Only for nameof: the generated classes all have this property.</summary>
    private interface IKafkaMessageWithTags
    {
        List<RawTaggedField>? UnknownTaggedFields { get; }
    }
}
