using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using StreamRec.Kafka.Consuming;

namespace StreamRec.Kafka.Tests.Consuming;

public sealed class EventTimeMergerTests
{
    private static readonly TimeSpan MergeWait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Drift = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Lead = TimeSpan.FromHours(1);
    private const long Hour = 3_600_000;

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
    public void Next_EmptyPartitionNotAtEndNothingSeenYet_WaitsUntilItIsIdle()
    {
        var clicks = Input("clicks", 0, order: 10, (100, 0));
        clicks.MarkAtEnd();
        var rooms = Input("rooms", 0, order: 0);
        var merger = Merger();

        var first = merger.Next([rooms, clicks], 100, _acknowledger);
        _time.Advance(IdleTimeout - TimeSpan.FromMilliseconds(1));
        var stillWaiting = merger.Next([rooms, clicks], 100, _acknowledger);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var after = merger.Next([rooms, clicks], 100, _acknowledger);

        Assert.Null(first.Batch);
        Assert.Equal(IdleTimeout, first.RetryAfter);
        Assert.Null(stillWaiting.Batch);
        Assert.Equal(TimeSpan.FromMilliseconds(1), stillWaiting.RetryAfter);
        Assert.Equal(["clicks@0"], Origins(after.Batch!));
    }

    [Fact]
    public void Next_EmptyPartitionNotAtEndRecordWithinDrift_WaitsOnlyMergeWait()
    {
        var (rooms, clicks, merger) = RoomsDrainedAt(1_000);
        clicks.Add(new BufferedRecord([], 1_000 + 30_000, 1));

        var first = merger.Next([rooms, clicks], 100, _acknowledger);
        _time.Advance(MergeWait);
        var after = merger.Next([rooms, clicks], 100, _acknowledger);

        Assert.Equal(MergeWait, first.RetryAfter);
        Assert.Equal(["clicks@1"], Origins(after.Batch!));
    }

    [Fact]
    public void Next_PartitionReadToItsEnd_HoldsNothingBackEvenBeyondDrift()
    {
        var (rooms, clicks, merger) = RoomsDrainedAt(1_000);
        rooms.MarkAtEnd();
        clicks.Add(new BufferedRecord([], 1_000 + 120_000, 1));

        var batch = merger.Next([rooms, clicks], 100, _acknowledger).Batch!;

        Assert.Equal(["clicks@1"], Origins(batch));
    }

    [Fact]
    public void Next_RecordBeyondDriftOfAPartitionStillBeingFetched_WaitsUntilThatPartitionIsIdle()
    {
        var (rooms, clicks, merger) = RoomsDrainedAt(1_000);
        clicks.Add(new BufferedRecord([], 1_000 + 120_000, 1));

        var aligned = merger.Next([rooms, clicks], 100, _acknowledger);
        _time.Advance(IdleTimeout);
        var after = merger.Next([rooms, clicks], 100, _acknowledger);

        Assert.Null(aligned.Batch);
        Assert.Equal(IdleTimeout, aligned.RetryAfter);
        Assert.Equal(["clicks@1"], Origins(after.Batch!));
        Assert.Equal(1_000 + 120_000, merger.Watermark);
    }

    [Fact]
    public void Next_SeveralPartitions_WatermarkIsTheMinimumProgressOfThoseNotIdle()
    {
        var clicks = Input("clicks", 0, order: 10, (100, 0), (300, 1));
        var comments = Input("comments", 0, order: 20, (200, 0), (5_000, 1));
        MarkAtEnd(clicks, comments);
        var merger = Merger();

        var batch = merger.Next([clicks, comments], 3, _acknowledger).Batch!;

        // clicks is drained at 300 but not yet idle, so it holds the watermark at 300.
        Assert.Equal(["clicks@0", "comments@0", "clicks@1"], Origins(batch));
        Assert.Equal(300, merger.Watermark);
    }

    [Fact]
    public void Next_Batch_CarriesTheWatermarkAsItStartsSoItsOwnRecordsAreNotLate()
    {
        var clicks = Input("clicks", 0, order: 10, (100, 0), (Hour / 2, 1), (Hour, 2));
        clicks.MarkAtEnd();
        var merger = Merger();

        var first = merger.Next([clicks], 1, _acknowledger).Batch!;
        var rest = merger.Next([clicks], 10, _acknowledger).Batch!;

        Assert.Equal(99, first.Watermark);
        Assert.Equal((Hour / 2) - 1, rest.Watermark);
        Assert.Equal(Hour, merger.Watermark);
    }

    [Fact]
    public void Next_RecordFarAheadAtTheHeadOfAPartition_IsTakenAtOnceAndDoesNotMoveTheWatermark()
    {
        var clicks = Input("clicks", 0, order: 10, (Hour, 0));
        var comments = Input("comments", 0, order: 20, (Hour, 0));
        MarkAtEnd(clicks, comments);
        var merger = Merger();
        merger.Next([clicks, comments], 100, _acknowledger);
        clicks.Add(new BufferedRecord([], 24 * Hour, 1));
        clicks.Add(new BufferedRecord([], Hour + 10, 2));
        comments.Add(new BufferedRecord([], Hour + 5, 1));
        MarkAtEnd(clicks, comments);

        var batch = merger.Next([clicks, comments], 100, _acknowledger).Batch!;

        Assert.Equal(["clicks@1", "comments@1", "clicks@2"], Origins(batch));
        Assert.Equal(Hour + 5, merger.Watermark);
    }

    [Fact]
    public void Next_ConsecutiveRecordsFarAhead_MoveThePartitionsProgress()
    {
        var clicks = Input("clicks", 0, order: 10, (Hour, 0));
        clicks.MarkAtEnd();
        var merger = Merger();
        merger.Next([clicks], 100, _acknowledger);
        foreach (var offset in new[] { 1, 2, 3 })
        {
            clicks.Add(new BufferedRecord([], (5 * Hour) + offset, offset));
        }

        clicks.MarkAtEnd();

        var batch = merger.Next([clicks], 100, _acknowledger).Batch!;

        Assert.Equal(3, batch.Count);
        Assert.Equal((5 * Hour) + 3, merger.Watermark);
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
        Assert.Equal(1, withRecords.Batch!.Count);
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

    private EventTimeMerger Merger() => new(_time, Timing());

    private static MergeTiming Timing() => new(MergeWait, IdleTimeout, Drift, Lead, JumpRecords: 3, IdleAfter);

    [Fact]
    public void Next_ValueOverTheRecordLimit_KeepsPrefixWithWholeSizeAndSha256()
    {
        const int Limit = 1024;
        var huge = new byte[2 * 1024 * 1024];
        new Random(3).NextBytes(huge);
        var clicks = new PartitionBuffer(new TopicPartition("clicks", 0), 10, committable: true);
        clicks.Add(new BufferedRecord(huge, 100, 0, "user-1"u8.ToArray()));
        clicks.MarkAtEnd();

        var batch = new EventTimeMerger(_time, Timing(), Limit).Next([clicks], 100, _acknowledger).Batch!;

        Assert.Equal(Limit + 1, batch.Record(0).Length);
        Assert.Equal(huge.Length, batch.OriginalLength(0));
        Assert.Equal(huge.AsSpan(0, Limit + 1).ToArray(), batch.Record(0).ToArray());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(huge)), batch.Envelope(0).OriginalSha256);
        Assert.Equal("user-1"u8.ToArray(), batch.Envelope(0).Key);
    }

    [Fact]
    public void Next_TombstoneAndKeyedRecord_CarryKeyAndTombstoneFlag()
    {
        var clicks = new PartitionBuffer(new TopicPartition("clicks", 0), 10, committable: true);
        clicks.Add(new BufferedRecord(null, 100, 0, "user-1"u8.ToArray()));
        clicks.Add(new BufferedRecord("{}"u8.ToArray(), 100, 1));
        clicks.MarkAtEnd();

        var batch = Merger().Next([clicks], 100, _acknowledger).Batch!;

        Assert.True(batch.Envelope(0).IsTombstone);
        Assert.Equal("user-1"u8.ToArray(), batch.Envelope(0).Key);
        Assert.Equal(0, batch.Record(0).Length);
        Assert.Equal(default, batch.Envelope(1));
    }

    [Fact]
    public void Next_DurableStateAndNoRecordForACheckpointInterval_SendsThePositionsAlone()
    {
        var every = TimeSpan.FromMilliseconds(500);
        var clicks = Input("clicks", 0, order: 10, (100, 7));
        var merger = new EventTimeMerger(_time, Timing() with { CheckpointHeartbeat = every });
        var records = merger.Next([clicks], 100, _acknowledger).Batch!;

        _time.Advance(every - TimeSpan.FromMilliseconds(100));
        var early = merger.Next([clicks], 100, _acknowledger);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var due = merger.Next([clicks], 100, _acknowledger).Batch!;

        Assert.Null(early.Batch);
        Assert.Equal(TimeSpan.FromMilliseconds(100), early.RetryAfter);
        Assert.Equal(0, due.Count);
        Assert.Equal(records.Watermark, due.Watermark);
        Assert.Equal(["clicks@8"], due.Checkpoint!.Positions.Select(p => $"{p.Source}@{p.Position}"));
        Assert.Empty(((KafkaCheckpoint)due.Checkpoint).NextOffsets);
    }

    [Fact]
    public void Next_NoDurableStateAndNoRecordForLong_SendsNoBatchOfPositions()
    {
        var clicks = Input("clicks", 0, order: 10, (100, 7));
        var merger = Merger();
        merger.Next([clicks], 100, _acknowledger);

        _time.Advance(IdleAfter - TimeSpan.FromMilliseconds(1));

        Assert.Null(merger.Next([clicks], 100, _acknowledger).Batch);
    }

    [Fact]
    public void Handover_PartitionsRestoredOrDropped_LoseTheirStoredPositionsAndARestoreResumesWhereItsChangelogSays()
    {
        var stored = new Dictionary<TopicPartition, long>
        {
            [new("clicks", 0)] = 10, [new("clicks", 1)] = 20, [new("comments", 1)] = 30, [new("rooms", 1)] = 5, [new("clicks", 2)] = 40,
        };
        var merger = new EventTimeMerger(_time, Timing(), resumeAt: stored);
        var restore = new Pipeline.Durability.ChangelogRestore(1, 0, []) { ResumeAt = new Dictionary<string, long> { ["clicks"] = 25, ["rooms"] = 99 } };

        merger.Handover(["clicks", "comments"], new Pipeline.Durability.PartitionHandover([2], [restore]));

        // Rooms are global: neither forgotten nor moved by a restore.
        Assert.Equal(["clicks@10", "clicks@25", "rooms@5"], merger.PositionsOnly(_acknowledger).Checkpoint!.Positions.Select(p => $"{p.Source}@{p.Position}").Order(StringComparer.Ordinal));
    }

    /// <summary>rooms delivered one record at <paramref name="ts"/> and is empty now (not at its end); clicks is at its end.</summary>
    private (PartitionBuffer Rooms, PartitionBuffer Clicks, EventTimeMerger Merger) RoomsDrainedAt(long ts)
    {
        var rooms = Input("rooms", 0, order: 0, (ts, 0));
        var clicks = Input("clicks", 0, order: 10, (ts, 0));
        clicks.MarkAtEnd();
        var merger = Merger();
        Assert.Equal(2, merger.Next([rooms, clicks], 100, _acknowledger).Batch!.Count);
        return (rooms, clicks, merger);
    }

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
