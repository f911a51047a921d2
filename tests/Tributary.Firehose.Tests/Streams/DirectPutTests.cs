using System.Text;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Tests.Streams;

public sealed class DirectPutTests
{
    private static List<ReadOnlyMemory<byte>> Records(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"n\":{i}}}\n"))];

    private static List<int> Numbers(IEnumerable<byte[]> objects) =>
        [.. objects.SelectMany(o => Encoding.UTF8.GetString(o).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("n").GetInt32())];

    [Fact]
    public async Task Puts_are_delivered_once_each_in_gzip_objects_under_the_default_prefix()
    {
        await using var fixture = await EngineFixture.StartAsync();
        var created = await fixture.Streams.CreateAsync(EngineFixture.DirectPut("clicks"));
        Assert.Equal(1, created.VersionId);
        for (var batch = 0; batch < 10; batch++)
        {
            var results = await fixture.Streams.PutAsync("clicks", Records(batch * 100, 100));
            Assert.All(results, r => Assert.NotNull(r.RecordId));
        }
        await EngineFixture.WaitForAsync(async () => Numbers((await fixture.ObjectsAsync()).Values).Count >= 1000, TimeSpan.FromSeconds(30), "1000 delivered records");
        var objects = await fixture.ObjectsAsync();
        // Exactly once; in put order within each object (objects are listed by key, not by delivery order).
        Assert.Equal(Enumerable.Range(0, 1000), Numbers(objects.Values).Order());
        Assert.All(objects.Values, o => Assert.Equal(Numbers([o]).Order(), Numbers([o])));
        // Default prefix yyyy/MM/dd/HH/ (UTC), then clicks-1-yyyy-MM-dd-HH-mm-ss-<uuid>.gz.
        Assert.All(objects.Keys, key => Assert.Matches(@"^\d{4}/\d{2}/\d{2}/\d{2}/clicks-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.gz$", key));
        // Objects are visible before their checkpoint commits; the delivered counters move with the commit.
        await EngineFixture.WaitForAsync(() => Task.FromResult(fixture.Streams.Describe("clicks")!.Metrics.DeliveredRecords == 1000),
            TimeSpan.FromSeconds(30), "DeliveredRecords == 1000");
        var metrics = fixture.Streams.Describe("clicks")!.Metrics;
        Assert.Equal(1000, metrics.IncomingRecords);
        Assert.Equal(10, metrics.IncomingPutRequests);
        Assert.Equal(1000, metrics.DeliveredRecords);
        Assert.Equal(objects.Count, metrics.DeliveredObjects);
    }

    [Fact]
    public async Task Restarting_the_engine_neither_loses_nor_repeats_records()
    {
        await using var fixture = await EngineFixture.StartAsync();
        // A long interval: the first half is still buffered when the engine stops.
        await fixture.Streams.CreateAsync(EngineFixture.DirectPut("restart", d => d with { BufferIntervalInSeconds = 900 }));
        await fixture.Streams.PutAsync("restart", Records(0, 500));
        await EngineFixture.WaitForAsync(() => Task.FromResult(fixture.Streams.Describe("restart")!.Metrics.IncomingRecords == 500), TimeSpan.FromSeconds(30), "500 incoming records");
        Assert.Null(fixture.Streams.Describe("restart")!.FailureDescription);
        await fixture.RestartStreamsAsync();
        Assert.Empty(await fixture.ObjectsAsync());
        await fixture.Streams.PutAsync("restart", Records(500, 500));
        // An update delivers what is buffered under the old version, then version 2 starts.
        var description = fixture.Streams.Describe("restart")!;
        await fixture.Streams.UpdateDestinationAsync("restart", 1, description.Definition.Destination.DestinationId, d => d with { BufferIntervalInSeconds = 1 });
        await EngineFixture.WaitForAsync(async () => Numbers((await fixture.ObjectsAsync()).Values).Count >= 1000, TimeSpan.FromSeconds(30), "1000 delivered records");
        var objects = await fixture.ObjectsAsync();
        // Exactly once; in put order within each object (objects are listed by key, not by delivery order).
        Assert.Equal(Enumerable.Range(0, 1000), Numbers(objects.Values).Order());
        Assert.All(objects.Values, o => Assert.Equal(Numbers([o]).Order(), Numbers([o])));
        Assert.Contains(objects.Keys, k => k.Contains("/restart-1-", StringComparison.Ordinal));
        Assert.Equal(2, fixture.Streams.Describe("restart")!.Definition.VersionId);
    }

    [Fact]
    public async Task Errors_speak_Firehose()
    {
        await using var fixture = await EngineFixture.StartAsync();
        await fixture.Streams.CreateAsync(EngineFixture.DirectPut("dup"));
        var exists = await Assert.ThrowsAsync<DeliveryException>(() => fixture.Streams.CreateAsync(EngineFixture.DirectPut("dup")));
        Assert.Equal("ResourceInUseException", exists.ErrorType);
        var missing = await Assert.ThrowsAsync<DeliveryException>(() => fixture.Streams.PutAsync("nope", Records(0, 1)));
        Assert.Equal("ResourceNotFoundException", missing.ErrorType);
        var version = await Assert.ThrowsAsync<DeliveryException>(() => fixture.Streams.UpdateDestinationAsync("dup", 7, "destinationId-000000000001", d => d));
        Assert.Equal("ConcurrentModificationException", version.ErrorType);
        var prefix = await Assert.ThrowsAsync<DeliveryException>(() => fixture.Streams.CreateAsync(EngineFixture.DirectPut("bad", d => d with { Prefix = "x/!{timestamp:yyyy}/", ErrorOutputPrefix = null })));
        Assert.Equal("InvalidArgumentException", prefix.ErrorType);
    }
}
