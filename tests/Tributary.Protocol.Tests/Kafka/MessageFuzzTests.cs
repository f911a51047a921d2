using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Protocol.Tests.Kafka;

/// <summary>
/// Decoder fuzzing: valid encodings of every message at every version (random-filled), mutated with fixed
/// seeds (bit flips, byte replacements, truncation, insertion, length prefixes and counts set to huge or
/// negative values). Every input must either decode or fail with <see cref="KafkaProtocolException"/>:
/// never another exception, never a hang.
/// </summary>
[Trait("Category", "slow")]
public class MessageFuzzTests
{
    private const int MutationsPerCase = 300;

    [Theory]
    [MemberData(nameof(MessageRoundTripTests.Cases), MemberType = typeof(MessageRoundTripTests))]
    public void Mutated_messages_decode_or_fail_with_a_protocol_error_only(short apiKey, string side, short version)
    {
        var api = KafkaApis.All.Single(a => a.ApiKey == apiKey);
        var originals = new List<byte[]>();
        for (var seed = 0; seed < 3; seed++)
        {
            var message = Create(apiKey, side);
            MessageRoundTripTests.Fill(message, new Random(seed * 31 + version), api.IsFlexible(version), depth: 0);
            originals.Add(Encode(message, version));
        }
        var random = new Random(apiKey * 1000 + version * 10 + (side == "request" ? 0 : 1));
        for (var i = 0; i < MutationsPerCase; i++)
        {
            var input = Mutate(originals[i % originals.Count], random);
            AssertDecodesOrFailsCleanly(input, $"{api.Name} {side} v{version} mutation {i}", bytes =>
            {
                var decoded = Create(apiKey, side);
                var reader = new KafkaReader(bytes);
                decoded.Read(ref reader, version);
            });
        }
    }

    [Fact]
    public void Mutated_request_headers_decode_or_fail_with_a_protocol_error_only()
    {
        var random = new Random(4242);
        for (short headerVersion = 0; headerVersion <= 2; headerVersion++)
        {
            using var buffer = new PooledBufferWriter();
            new RequestHeader { ApiKey = 3, ApiVersion = 12, CorrelationId = 77, ClientId = "fuzz-client-ü" }.Write(new KafkaWriter(buffer), headerVersion);
            var original = buffer.WrittenSpan.ToArray();
            for (var i = 0; i < 2000; i++)
            {
                var input = Mutate(original, random);
                var version = headerVersion;
                AssertDecodesOrFailsCleanly(input, $"request header v{version} mutation {i}", bytes =>
                {
                    _ = RequestHeader.Peek(bytes.Span);
                    var reader = new KafkaReader(bytes);
                    new RequestHeader().Read(ref reader, version);
                });
                AssertDecodesOrFailsCleanly(input, $"response header v{Math.Min(version, (short)1)} mutation {i}", bytes =>
                {
                    var reader = new KafkaReader(bytes);
                    new ResponseHeader().Read(ref reader, Math.Min(version, (short)1));
                });
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("FF")]
    [InlineData("FFFFFFFFFF")]          // unsigned varint longer than five bytes' worth
    [InlineData("FFFFFFFF0F")]          // unsigned varint 2^32-1: compact length out of range
    [InlineData("80808080808080808001")] // over-long varint
    public void Hostile_varints_fail_with_a_protocol_error(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(bytes).ReadCompactNullableString());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(bytes).ReadCompactArrayCount());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(bytes).ReadCompactNullableBytes());
    }

    internal static void AssertDecodesOrFailsCleanly(byte[] input, string what, Action<ReadOnlyMemory<byte>> decode)
    {
        var task = Task.Run(() =>
        {
            try
            {
                decode(input);
            }
            catch (KafkaProtocolException)
            {
            }
        });
        try
        {
            if (!task.Wait(TimeSpan.FromSeconds(10)))
            {
                Assert.Fail($"{what}: decoding did not finish (input {Convert.ToHexString(input)})");
            }
        }
        catch (AggregateException e)
        {
            Assert.Fail($"{what}: {e.InnerException!.GetType().Name}: {e.InnerException.Message} (input {Convert.ToHexString(input)})");
        }
    }

    /// <summary>One to three deterministic mutations of <paramref name="original"/>.</summary>
    internal static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var rounds = 1 + random.Next(3);
        for (var round = 0; round < rounds; round++)
        {
            var position = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0: // bit flip
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0: // byte replacement, biased to boundary values
                    bytes[position] = random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => (byte)random.Next(256) };
                    break;
                case 2: // truncation
                    bytes.RemoveRange(position, bytes.Count - position);
                    break;
                case 3: // insertion
                    var inserted = new byte[1 + random.Next(8)];
                    random.NextBytes(inserted);
                    bytes.InsertRange(position, inserted);
                    break;
                case 4: // deletion
                    bytes.RemoveRange(position, Math.Min(bytes.Count - position, 1 + random.Next(4)));
                    break;
                case 5: // int16/int32 length or count set to huge or negative
                    byte[][] lengths =
                    [
                        [0x7F, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF], [0x80, 0x00, 0x00, 0x00], [0xFF, 0xFF, 0xFF, 0xFE],
                        [0x00, 0x10, 0x00, 0x00], [0x7F, 0xFF], [0xFF, 0xFE], [0x80, 0x00], [0x40, 0x00],
                    ];
                    Overwrite(bytes, position, lengths[random.Next(lengths.Length)]);
                    break;
                default: // unsigned varint set to huge, over-long or maximal values
                    byte[][] varints =
                    [
                        [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0xFF, 0xFF, 0xFF, 0xFF, 0x07], [0x80, 0x80, 0x80, 0x80, 0x08],
                        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0x03], [0x00], [0x01], [0x80, 0x80, 0x80, 0x80, 0x80],
                    ];
                    var value = varints[random.Next(varints.Length)];
                    if (random.Next(2) == 0)
                    {
                        bytes.InsertRange(position, value);
                    }
                    else
                    {
                        Overwrite(bytes, position, value);
                    }
                    break;
            }
        }
        return [.. bytes];
    }

    private static void Overwrite(List<byte> bytes, int position, byte[] value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (position + i < bytes.Count)
            {
                bytes[position + i] = value[i];
            }
            else
            {
                bytes.Add(value[i]);
            }
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
}
