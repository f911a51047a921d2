using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Tests;

/// <summary>The listener against raw frames: ApiVersions at every version, and bad input closing only its own connection.</summary>
public sealed class TransportTests : IAsyncLifetime
{
    private InProcessKafka _kafka = null!;

    public async Task InitializeAsync() => _kafka = await InProcessKafka.StartAsync(listener: new KafkaListenerOptions { MaxRequestBytes = 1024 * 1024 });

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    [Theory]
    [InlineData((short)0)]
    [InlineData((short)1)]
    [InlineData((short)2)]
    [InlineData((short)3)]
    public async Task ApiVersions_answers_at_every_version_with_what_is_served(short version)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var response = await connection.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest { ClientSoftwareName = "test", ClientSoftwareVersion = "1" }, 18, version);
        Assert.Equal(0, response.ErrorCode);
        var apiVersions = Assert.Single(response.ApiKeys, k => k.ApiKey == 18);
        Assert.Equal((0, 3), (apiVersions.MinVersion, apiVersions.MaxVersion));
        // Exactly what is served: the data path, consumer groups and offsets, topic administration; nothing unimplemented
        // (SaslHandshake and SaslAuthenticate are served on every listener; off SASL listeners they answer ILLEGAL_SASL_STATE).
        Assert.Equal([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 35, 36, 37, 42, 44, 47, 50, 51, 60, 65, 66, 68, 69], response.ApiKeys.Select(k => (int)k.ApiKey));
        // The group APIs from v0, as librdkafka and kafka-python need (see docs/kafka.md).
        Assert.All(response.ApiKeys.Where(k => k.ApiKey is >= 8 and <= 16), k => Assert.Equal(0, k.MinVersion));
        Assert.Equal((3, 11), Assert.Single(response.ApiKeys, k => k.ApiKey == 0) is var p ? (p.MinVersion, p.MaxVersion) : default);
    }

    [Fact]
    public async Task An_unsupported_ApiVersions_version_gets_error_35_in_the_v0_layout()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        // ApiVersions v9 (header v2): key 18, version 9, correlation id 5, client id "x", no tags, empty body tags.
        await connection.SendRawAsync(Convert.FromHexString("0000000D" + "0012" + "0009" + "00000005" + "000178" + "00" + "0000"));
        var frame = await connection.ReadFrameAsync();
        Assert.NotNull(frame);
        Assert.Equal("00000005" + "0023", Convert.ToHexString(frame.AsSpan(0, 6)));
    }

    [Theory]
    [InlineData("FFFFFFFF")]                 // negative length
    [InlineData("7FFFFFFF")]                 // larger than the request limit
    [InlineData("000000060063000000000000")] // unknown API key 99
    [InlineData("0000000A000000020000000100FF")] // Produce v2: not served (message sets)
    [InlineData("0000000600120002000000")]   // ApiVersions frame shorter than its header
    public async Task A_bad_frame_closes_only_its_own_connection(string hex)
    {
        using var bad = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        using var good = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        await bad.SendRawAsync(Convert.FromHexString(hex));
        Assert.Null(await bad.ReadFrameAsync());
        var response = await good.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 18, 2);
        Assert.Equal(0, response.ErrorCode);
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var requests = new List<byte>();
        for (var correlation = 1; correlation <= 20; correlation++)
        {
            // ApiVersions v0: header v1 (key, version, correlation id, null client id), empty body.
            requests.AddRange(Convert.FromHexString("0000000A" + "0012" + "0000" + correlation.ToString("X8") + "FFFF"));
        }
        await connection.SendRawAsync([.. requests]);
        for (var correlation = 1; correlation <= 20; correlation++)
        {
            var frame = await connection.ReadFrameAsync();
            Assert.NotNull(frame);
            Assert.Equal(correlation.ToString("X8"), Convert.ToHexString(frame.AsSpan(0, 4)));
        }
    }
}
