using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using StreamRec.Kafka.Consuming;

namespace StreamRec.Kafka.Tests.Consuming;

public sealed class EventTimeMergerTests
{
    private static readonly TimeSpan MergeWait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 18, 0, 0, TimeSpan.Zero));
    private readonly Acknowledger _acknowledger = new();

    [Fact]
    public void Next_RecordsOnSeveralPartitions_TakesSmallestTimestampFirst()
    {
        var clicks = Input("clicks", 0, order: 10, (100, 0), (300, 1), (500, 2));
        var comments = Input("comments", 0, order: 20, (200, 0), (400, 1));
        MarkAtEnd(clicks, comments);

        var batch = Merger().Next([clicks, comments], 100, _acknowledger).Batch!;

        Assert.Equal(["clicks@0", "comments@0", "clicks@1", "comments@1", "clicks@2"], Origins(batch));
    }

    [Fact]
    public void Next_EqualTimestamps_LowerOrderFirstSoRoomsPrecedeUsers()
    {
        var rooms = Input("rooms", 0, order: 0, (100, 0));
        var clicks = Input("clicks", 0, order: 1_000_000, (100, 0));
        MarkAtEnd(rooms, clicks);

        var batch = Merger().Next([clicks, rooms], 100, _acknowledger).Batch!;

        Assert.Equal(["rooms@0", "clicks@0"], Origins(batch));
    }

    [Fact]
    public void Next_EmptyPartitionNotAtEnd_WaitsThenGoesOnAfterMergeWait()
    {
        var clicks = Input("clicks", 0, order: 10, (100, 0));
        clicks.MarkAtEnd();
        var rooms = Input("rooms", 0, order: 0);
        var merger = Merger();

        var first = merger.Next([rooms, clicks], 100, _acknowledger);
        _time.Advance(MergeWait - TimeSpan.FromMilliseconds(1));
        var stillWaiting = merger.Next([rooms, clicks], 100, _acknowledger);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var after = merger.Next([rooms, clicks], 100, _acknowledger);

        Assert.Null(first.Batch);
        Assert.Equal(MergeWait, first.RetryAfter);
        Assert.Null(stillWaiting.Batch);
        Assert.Equal(TimeSpan.FromMilliseconds(1), stillWaiting.RetryAfter);
        Assert.Equal(["clicks@0"], Origins(after.Batch!));
    }

    [Fact]
    public void Next_EmptyPartitionGetsRecordWhileWaited_TakesItInOrder()
    {
        var clicks = Input("clicks", 0, order: 10, (200, 0));
        clicks.MarkAtEnd();
        var rooms = Input("rooms", 0, order: 0);
        var merger = Merger();

        var waiting = merger.Next([rooms, clicks], 100, _acknowledger);
        rooms.Add(new BufferedRecord([], 150, 0));
        rooms.MarkAtEnd();
        var batch = merger.Next([rooms, clicks], 100, _acknowledger).Batch!;

        Assert.Null(waiting.Batch);
        Assert.Equal(["rooms@0", "clicks@0"], Origins(batch));
    }

    [Fact]
    public void Next_CommittableAndGlobalPartitions_CheckpointHoldsNextOffsetOfCommittableOnly()
    {
        var clicks = Input("clicks", 3, order: 10, (100, 41), (200, 42));
        var rooms = Input("rooms", 0, order: 0, committable: false, (150, 7));
        MarkAtEnd(clicks, rooms);

        var batch = Merger().Next([rooms, clicks], 100, _acknowledger).Batch!;
        var checkpoint = Assert.IsType<KafkaCheckpoint>(batch.Checkpoint);
        checkpoint.Acknowledge();

        Assert.Equal(new Dictionary<TopicPartition, long> { [new TopicPartition("clicks", 3)] = 43 }, checkpoint.NextOffsets);
        Assert.Same(checkpoint, Assert.Single(_acknowledger.Acknowledged));
    }

    [Fact]
    public void Next_MoreRecordsThanBatchSize_CutsBatchesAtBatchSize()
    {
        var clicks = Input("clicks", 0, order: 10, (1, 0), (2, 1), (3, 2));
        clicks.MarkAtEnd();
        var merger = Merger();

        var first = merger.Next([clicks], 2, _acknowledger).Batch!;
        var second = merger.Next([clicks], 2, _acknowledger).Batch!;

        Assert.Equal(2, first.Count);
        Assert.Equal(["clicks@2"], Origins(second));
    }

    [Fact]
    public void Next_AllInputsIdle_EmitsWatermarkAdvancedByIdleTimeOncePerInterval()
    {
        var clicks = Input("clicks", 0, order: 10, (10_000, 0));
        clicks.MarkAtEnd();
        var merger = Merger();
        merger.Next([clicks], 100, _acknowledger);

        var early = merger.Next([clicks], 100, _acknowledger);
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        var idle = merger.Next([clicks], 100, _acknowledger);
        var again = merger.Next([clicks], 100, _acknowledger);
        _time.Advance(IdleAfter);
        var later = merger.Next([clicks], 100, _acknowledger);

        Assert.Null(early.Batch);
        Assert.Equal(IdleAfter, early.RetryAfter);
        Assert.Equal(0, idle.Batch!.Count);
        Assert.Equal(11_500, idle.Batch.Watermark);
        Assert.Null(again.Batch);
        Assert.Equal(12_500, later.Batch!.Watermark);
    }

    [Fact]
    public void Next_NothingEverRead_SendsNoWatermark()
    {
        var clicks = Input("clicks", 0, order: 10);
        clicks.MarkAtEnd();
        var merger = Merger();

        merger.Next([clicks], 100, _acknowledger);
        _time.Advance(TimeSpan.FromMinutes(1));
        var outcome = merger.Next([clicks], 100, _acknowledger);

        Assert.Null(outcome.Batch);
    }

    [Fact]
    public void Next_EveryInputAtEndAndDrained_ReportsCaughtUp()
    {
        var clicks = Input("clicks", 0, order: 10, (100, 0));
        var rooms = Input("rooms", 0, order: 0);
        MarkAtEnd(clicks, rooms);
        var merger = Merger();

        var withRecords = merger.Next([rooms, clicks], 100, _acknowledger);
        var drained = merger.Next([rooms, clicks], 100, _acknowledger);

        Assert.False(withRecords.CaughtUp);
        Assert.True(drained.CaughtUp);
    }

    [Fact]
    public void Next_RevokedPartition_IsNeitherReadNorWaitedFor()
    {
        var revoked = Input("clicks", 0, order: 10, (100, 0));
        revoked.Revoke();
        var comments = Input("comments", 0, order: 20, (200, 0));
        comments.MarkAtEnd();

        var batch = Merger().Next([revoked, comments], 100, _acknowledger).Batch!;

        Assert.Equal(["comments@0"], Origins(batch));
    }

    private EventTimeMerger Merger() => new(_time, MergeWait, IdleAfter);

    private static PartitionBuffer Input(string topic, int partition, int order, params (long Ts, long Offset)[] records) =>
        Input(topic, partition, order, committable: true, records);

    private static PartitionBuffer Input(string topic, int partition, int order, bool committable, params (long Ts, long Offset)[] records)
    {
        var buffer = new PartitionBuffer(new TopicPartition(topic, partition), order, committable);
        foreach (var (ts, offset) in records)
        {
            buffer.Add(new BufferedRecord("{}"u8.ToArray(), ts, offset));
        }

        return buffer;
    }

    private static void MarkAtEnd(params PartitionBuffer[] buffers)
    {
        foreach (var buffer in buffers)
        {
            buffer.MarkAtEnd();
        }
    }

    private static List<string> Origins(Pipeline.Input.RawRecordBatch batch) =>
        [.. Enumerable.Range(0, batch.Count).Select(i => $"{batch.Origin(i).Source}@{batch.Origin(i).Position}")];

    private sealed class Acknowledger : IOffsetAcknowledger
    {
        public List<KafkaCheckpoint> Acknowledged { get; } = [];

        public void Acknowledge(KafkaCheckpoint checkpoint) => Acknowledged.Add(checkpoint);
    }
}
