namespace Tributary.Broker.Tests;

public class IdempotentProducerTests
{
    [Fact]
    public async Task InitProducerId_hands_out_increasing_ids_never_reused_after_restart_and_bumps_epochs()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        var first = broker.InitProducerId();
        var second = broker.InitProducerId();
        Assert.Equal((ErrorCode.None, (short)0), (first.Error, first.ProducerEpoch));
        Assert.True(second.ProducerId > first.ProducerId);
        Assert.Equal(new ProducerIdResult(ErrorCode.None, first.ProducerId, 1), broker.InitProducerId(first.ProducerId, 0));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, broker.InitProducerId(first.ProducerId, 0).Error);
        Assert.Equal(ErrorCode.UnknownProducerId, broker.InitProducerId(second.ProducerId + 10_000, 0).Error);
        Assert.Equal(ErrorCode.InvalidRequest, broker.InitProducerId(first.ProducerId, -1).Error);

        broker = await fixture.ReopenAsync();
        Assert.True(broker.InitProducerId().ProducerId > second.ProducerId);
    }

    [Fact]
    public async Task Duplicates_are_answered_with_their_original_offset_and_gaps_are_out_of_order()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        var id = broker.InitProducerId().ProducerId;
        Assert.Equal(0, (await broker.ProduceAsync("t", 0, Batches.Make(2, producerId: id, epoch: 0, sequence: 0), Acks.All)).BaseOffset);
        Assert.Equal(2, (await broker.ProduceAsync("t", 0, Batches.Make(3, producerId: id, epoch: 0, sequence: 2), Acks.All)).BaseOffset);

        var duplicate = await broker.ProduceAsync("t", 0, Batches.Make(2, producerId: id, epoch: 0, sequence: 0), Acks.All);
        Assert.Equal((ErrorCode.None, 0L), (duplicate.Error, duplicate.BaseOffset));
        Assert.Equal(5, broker.GetOffsets("t", 0)!.Value.LogEndOffset);

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: 0, sequence: 7), Acks.All)).Error);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: 0, sequence: 3), Acks.All)).Error);
        Assert.Equal(5, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: 0, sequence: 5), Acks.All)).BaseOffset);

        var unknown = broker.InitProducerId().ProducerId;
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: unknown, epoch: 0, sequence: 4), Acks.All)).Error);
        Assert.Equal(6, broker.GetOffsets("t", 0)!.Value.LogEndOffset);
    }

    [Fact]
    public async Task Older_epochs_are_fenced_and_a_new_epoch_starts_at_sequence_zero()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        var id = broker.InitProducerId().ProducerId;
        await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: 0, sequence: 0), Acks.All);
        var bumped = broker.InitProducerId(id, 0);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: bumped.ProducerEpoch, sequence: 1), Acks.All)).Error);
        Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: bumped.ProducerEpoch, sequence: 0), Acks.All)).Error);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: 0, sequence: 1), Acks.All)).Error);
    }

    [Fact]
    public void Sequences_wrap_from_int_max_to_zero()
    {
        Assert.Equal(0, PartitionProducerState.IncrementSequence(int.MaxValue, 1));
        Assert.Equal(4, PartitionProducerState.IncrementSequence(int.MaxValue - 1, 6));
        var state = new PartitionProducerState();
        state.Record(7, 0, int.MaxValue - 1, int.MaxValue, 10);
        Assert.Equal(ErrorCode.None, state.Check(7, 0, 0, 3).Error);
        Assert.False(state.Check(7, 0, 0, 3).IsDuplicate);
    }

    [Fact]
    public async Task Only_the_last_five_batches_are_recognised_as_duplicates()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        var id = broker.InitProducerId().ProducerId;
        for (var i = 0; i < 6; i++)
        {
            await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: 0, sequence: i), Acks.Leader);
        }
        Assert.Equal(1, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: 0, sequence: 1), Acks.Leader)).BaseOffset);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: 0, sequence: 0), Acks.Leader)).Error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Producer_state_survives_a_restart(bool clean)
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 2, null);
        var id = broker.InitProducerId().ProducerId;
        for (var i = 0; i < 3; i++)
        {
            await broker.ProduceAsync("t", 1, Batches.Make(2, producerId: id, epoch: 0, sequence: i * 2), Acks.All);
        }
        broker = await fixture.ReopenAsync();
        if (!clean)
        {
            // Without the snapshot the state is rebuilt from the log's batch headers, as after a crash.
            await broker.DisposeAsync();
            File.Delete(Path.Combine(fixture.DataDirectory, Broker.ClusterDirectoryName, ProducerStateManager.SnapshotFileName));
            broker = await fixture.OpenAsync();
        }
        var duplicate = await broker.ProduceAsync("t", 1, Batches.Make(2, producerId: id, epoch: 0, sequence: 2), Acks.All);
        Assert.Equal((ErrorCode.None, 2L), (duplicate.Error, duplicate.BaseOffset));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.ProduceAsync("t", 1, Batches.Make(1, producerId: id, epoch: 0, sequence: 7), Acks.All)).Error);
        Assert.Equal(6, (await broker.ProduceAsync("t", 1, Batches.Make(1, producerId: id, epoch: 0, sequence: 6), Acks.All)).BaseOffset);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (await broker.ProduceAsync("t", 0, Batches.Make(1, producerId: id, epoch: 0, sequence: 6), Acks.All)).Error);
    }
}
