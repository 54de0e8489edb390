using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Exchange;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Durability;

public sealed class StateCheckpointerTests
{
    private static readonly PipelineOptions Options = new PipelineOptions { Partitions = 2, TopK = 2, RankedRunnersUp = 1 }.Validate();

    [Fact]
    public void Restore_StateCheckpointedInsideATick_WritesTheSameCheckpointAgain()
    {
        using var directory = new InMemoryStateDirectory();
        var state = PipelineState.Open(Options, directory, TimeProvider.System);
        Assert.False(state.Checkpoints!.IsRestored);
        using (var core = new StreamCore(Options, state, new BaselineScorer(), new PipelineMetrics()))
        {
            core.Process(Ev.Batch(state, Ev.Start(Ev.T0, "r1", "beauty", "s1"), Ev.Start(Ev.T0, "r2", "food", "s2"), Ev.Start(Ev.T0, "r3", "beauty", "s3")));
            core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 1_000, "u1", "r1"), Ev.Click(Ev.T0 + 1_100, "u2", "r2"), Ev.Purchase(Ev.T0 + 1_200, "u3", "r3")));
            core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 9_000, "u1", "r2"), Ev.Click(Ev.T0 + 9_500, "u4", "r1")));

            // Inside the next tick: open working copies, contributions and a stopped room's promotions are pending.
            var open = Ev.Batch(state, Ev.Click(Ev.T0 + 10_100, "u2", "r1"), Ev.Stop(Ev.T0 + 10_200, "r3"), Ev.Click(Ev.T0 + 10_300, "u5", "r2"));
            open.ClosesTick = false;
            core.Process(open);
        }

        state.Checkpoints.Complete([StreamRec.Pipeline.Input.RecordOrigin.FileLine("log.jsonl", 9)]);
        var first = Checkpoint(directory);

        var restored = PipelineState.Open(Options, directory, TimeProvider.System);
        restored.Checkpoints!.Complete([StreamRec.Pipeline.Input.RecordOrigin.FileLine("log.jsonl", 9)]);

        Assert.True(restored.Checkpoints!.IsRestored);
        Assert.Equal([StreamRec.Pipeline.Input.RecordOrigin.FileLine("log.jsonl", 9)], restored.Checkpoints.Positions);
        Assert.Equal(state.UserCount, restored.UserCount);
        Assert.Equal(first, Checkpoint(directory));
        Assert.Equal(state.Ids.Users.Count, restored.Ids.Users.Count);
        Assert.Equal(state.Ids.Users.NameOf(state.Ids.Users.Count - 1), restored.Ids.Users.NameOf(restored.Ids.Users.Count - 1));
    }

    [Fact]
    public void Restore_CoEngagementTableAndOpenContributions_AreRestoredExactly()
    {
        using var directory = new InMemoryStateDirectory();
        var state = PipelineState.Open(Options, directory, TimeProvider.System);
        using (var core = new StreamCore(Options, state, new BaselineScorer(), new PipelineMetrics()))
        {
            core.Process(Ev.Batch(state, Ev.Click(Ev.T0, "u1", "r1"), Ev.Click(Ev.T0, "u2", "r1"), Ev.Click(Ev.T0, "u3", "r2")));
            core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 1_000, "u1", "r2"), Ev.Purchase(Ev.T0 + 1_100, "u2", "r3")));
            var open = Ev.Batch(state, Ev.Click(Ev.T0 + 2_100, "u3", "r1"));
            open.ClosesTick = false;
            core.Process(open);
        }

        state.Checkpoints!.Complete([]);
        var restored = PipelineState.Open(Options, directory, TimeProvider.System);

        Assert.True(state.CoEngagement.Count >= 3);
        Assert.Equal(Saved(state.CoEngagement.Save), Saved(restored.CoEngagement.Save));
        Assert.Contains(state.Partitions, p => p.CoEngagement.Pairs.Count > 0);
        for (var p = 0; p < state.Partitions.Count; p++)
        {
            Assert.Equal(Saved(state.Partitions[p].CoEngagement.Save), Saved(restored.Partitions[p].CoEngagement.Save));
        }
    }

    [Fact]
    public void Open_DirectoryWrittenWithOtherCoEngagementBound_ThrowsNamingTheSetting()
    {
        using var directory = new InMemoryStateDirectory();
        PipelineState.Open(Options, directory, TimeProvider.System).Checkpoints!.Complete([]);

        var ex = Assert.Throws<InvalidDataException>(
            () => PipelineState.Open(Options with { CoEngagement = new CoEngagementOptions { Neighbours = 5 } }, directory, TimeProvider.System));

        Assert.Contains("Neighbours 16 (configured: 5)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DirectoryWrittenWithOtherPartitions_ThrowsNamingTheSetting()
    {
        using var directory = new InMemoryStateDirectory();
        PipelineState.Open(Options, directory, TimeProvider.System).Checkpoints!.Complete([]);

        var ex = Assert.Throws<InvalidDataException>(() => PipelineState.Open(Options with { Partitions = 3 }, directory, TimeProvider.System));

        Assert.Contains("Partitions 2 (configured: 3)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EmptyDirectory_StartsFreshWithNothingToResume()
    {
        using var directory = new InMemoryStateDirectory();

        var checkpoints = PipelineState.Open(Options, directory, TimeProvider.System).Checkpoints!;

        Assert.False(checkpoints.IsRestored);
        Assert.Empty(checkpoints.Positions);
        Assert.Empty(checkpoints.OutboxDeltas);
    }

    [Fact]
    public void Checkpoint_SinkReportedItsFlushedFiles_StoresTheCutAndTheInputPositionAsByteOffsets()
    {
        using var directory = new InMemoryStateDirectory();
        var deltas = CheckpointAcknowledgedOutputs(directory, version: StateCheckpointer.Version);

        var restored = PipelineState.Open(Options, directory, TimeProvider.System).Checkpoints!;

        Assert.True(deltas > 0);
        Assert.Equal(StateCheckpointer.Version, Checkpoint(directory)[0]);
        Assert.Equal(deltas, restored.DurableDeltas);
        Assert.Equal(4_321, restored.DurableDeltaBytes);
        Assert.Equal(0, restored.DurableDeadLetterBytes);
        Assert.Equal([StreamRec.Pipeline.Input.RecordOrigin.FileLine("log.jsonl", 9, 987)], restored.Positions);
    }

    [Fact]
    public void Restore_CheckpointWrittenAsVersion3_IsReadWithTheCutLeftToTheLineCount()
    {
        using var directory = new InMemoryStateDirectory();
        var deltas = CheckpointAcknowledgedOutputs(directory, version: 3);

        var restored = PipelineState.Open(Options, directory, TimeProvider.System).Checkpoints!;

        Assert.Equal(3, Checkpoint(directory)[0]);
        Assert.True(restored.IsRestored);
        Assert.Equal(deltas, restored.DurableDeltas);
        Assert.Equal(-1, restored.DurableDeltaBytes);
        Assert.Equal(-1, restored.DurableDeadLetterBytes);
        Assert.Equal([StreamRec.Pipeline.Input.RecordOrigin.FileLine("log.jsonl", 9)], restored.Positions);
    }

    [Fact]
    public void Checkpoint_AcknowledgedWithoutFileOffsets_LeavesTheCutToTheLineCount()
    {
        using var directory = new InMemoryStateDirectory();
        var state = PipelineState.Open(Options, directory, TimeProvider.System);
        var (deltas, last) = ProcessClicks(state);
        last.Acknowledge();
        state.Checkpoints!.Complete([]);

        var restored = PipelineState.Open(Options, directory, TimeProvider.System).Checkpoints!;

        Assert.Equal(deltas, restored.DurableDeltas);
        Assert.Equal(-1, restored.DurableDeltaBytes);
    }

    [Fact]
    public void Restore_PublishedContributionsNotAcknowledged_PublishesThemAgainFirst()
    {
        using var directory = new InMemoryStateDirectory();
        var state = PipelineState.Open(Options, directory, TimeProvider.System);
        state.Exchange.Publishes = true;
        Batches.EventBatch[] batches =
        [
            Ev.Batch(state, Ev.Start(Ev.T0, "r1", "beauty", "s1"), Ev.Start(Ev.T0, "r2", "food", "s2")),
            Ev.Batch(state, Ev.Click(Ev.T0 + 1_000, "u1", "r1"), Ev.Click(Ev.T0 + 1_100, "u2", "r2")),
            Ev.Batch(state, Ev.Click(Ev.T0 + 9_000, "u1", "r2"), Ev.Purchase(Ev.T0 + 9_500, "u3", "r1")),
        ];
        using (var core = new StreamCore(Options, state, new BaselineScorer(), new PipelineMetrics()))
        {
            foreach (var batch in batches)
            {
                core.Process(batch);
                state.Checkpoints!.AfterBatch(batch);
            }
        }

        // The first tick's contributions reached the broker; the crash comes before the second tick's did.
        batches[1].Checkpoint!.Acknowledge();
        state.Checkpoints!.Complete([]);
        var restored = PipelineState.Open(Options, directory, TimeProvider.System).Checkpoints!;

        Assert.NotEmpty(batches[1].Published);
        Assert.NotEmpty(batches[2].Published);
        Assert.Equal(Contents(batches[2].Published), Contents(restored.Outbox!.Published));
    }

    [Fact]
    public void Restore_PublishedContributionsAcknowledged_LeavesThemOutOfTheOutbox()
    {
        using var directory = new InMemoryStateDirectory();
        var state = PipelineState.Open(Options, directory, TimeProvider.System);
        state.Exchange.Publishes = true;
        var (_, last) = ProcessClicks(state);
        last.Acknowledge();
        state.Checkpoints!.Complete([]);

        var restored = PipelineState.Open(Options, directory, TimeProvider.System).Checkpoints!;

        Assert.True(restored.IsRestored);
        Assert.Null(restored.Outbox);
    }

    [Fact]
    public void Checkpoint_WithTheChangelogAndTheExchange_PublishesEachWritablePartitionsOpenTickAsProvisional()
    {
        using var directory = new InMemoryStateDirectory();
        var (state, changelog, core, users, open) = OpenTickOverTheChangelog(directory);
        using var _ = core;
        open.CheckpointRequest = new CheckpointRequest([]);
        state.Checkpoints!.AfterBatch(open);

        // Partition 1 revoked before the next checkpoint: its tick is held, so nothing of it goes out.
        changelog.Ownership.Suspend([1]);
        var next = Clicks(state, users, Ev.T0 + 1_500, from: 8);
        core.Process(next);
        next.CheckpointRequest = new CheckpointRequest([]);
        state.Checkpoints.AfterBatch(next);

        var first = open.Published.Select(p => ContributionCodec.Decode(p.Value, Options.Partitions, Options.VectorDimensions, Options.CoEngagement.HalfLife, state.Ids)).ToList();
        Assert.Equal([0, 1], first.Select(c => c.Partition).Order());
        Assert.All(first, c => Assert.True(c.IsProvisional));
        Assert.Equal([0], next.Published.Select(p => p.Partition));
        Assert.False(state.Partitions[1].Contributions.IsEmpty);
    }

    [Fact]
    public void TickClose_PartitionRevokedNotYetReassigned_HoldsItsOpenTickAndPublishesItOnceReassigned()
    {
        using var directory = new InMemoryStateDirectory();
        var (state, changelog, core, users, open) = OpenTickOverTheChangelog(directory);
        using var _ = core;

        changelog.Ownership.Suspend([1]);
        var held = Ev.Batch(state);
        held.Clock = Ev.T0 + 2_000;
        core.Process(held);
        changelog.Ownership.Assign([0, 1]);
        var kept = Ev.Batch(state);
        kept.Clock = Ev.T0 + 3_000;
        core.Process(kept);

        Assert.Equal([0], held.Published.Select(p => p.Partition));
        var published = ContributionCodec.Decode(
            Assert.Single(kept.Published).Value, Options.Partitions, Options.VectorDimensions, Options.CoEngagement.HalfLife, state.Ids);
        Assert.Equal((1, false), (published.Partition, published.IsProvisional));
        Assert.Equal(
            open.Events.Where(e => state.PartitionMap.Of(e.User) == 1).Max(e => e.Offset),
            Assert.Single(published.Covered).Offset);
    }

    /// <summary>Durable state over a changelog, publishing to the exchange, with both partitions' users in an open tick.</summary>
    private static (PipelineState State, RecordingChangelog Changelog, StreamCore Core, List<string> Users, Batches.EventBatch Open) OpenTickOverTheChangelog(
        InMemoryStateDirectory directory)
    {
        var changelog = new RecordingChangelog(Options.Partitions);
        var state = PipelineState.Open(Options, directory, TimeProvider.System, resumesAfterStop: true, changelog);
        state.Exchange.Publishes = true;
        var core = new StreamCore(Options, state, new BaselineScorer(), new PipelineMetrics());
        core.Process(Ev.Batch(state, Ev.Start(Ev.T0, "r1", "beauty", "s1")));
        var users = Enumerable.Range(0, 8).Select(i => $"u{i}").ToList();
        var open = Clicks(state, users, Ev.T0 + 1_000);
        core.Process(open);
        return (state, changelog, core, users, open);
    }

    /// <summary>Clicks of <paramref name="users"/> on r1 in one batch that closes no tick, each with its input offset.</summary>
    private static Batches.EventBatch Clicks(PipelineState state, List<string> users, long ts, int from = 0)
    {
        var topic = state.Ids.Sources.Intern("live.clicks");
        var batch = new Batches.EventBatch { Clock = ts, ClosesTick = false };
        batch.Events.AddRange(users.Select((u, i) => Ev.Record(state, Ev.Click(ts + i, u, "r1")) with { Source = topic, Offset = from + i }));
        return batch;
    }

    /// <summary>A batch's deltas, written and acknowledged by a file sink that reports its offsets; returns how many.</summary>
    private static long CheckpointAcknowledgedOutputs(InMemoryStateDirectory directory, byte version)
    {
        var state = PipelineState.Open(Options, directory, TimeProvider.System);
        state.Checkpoints!.WritesVersion = version;
        var (deltas, last) = ProcessClicks(state);
        state.Checkpoints.OutputsFlushedTo(4_321, 0);
        last.Acknowledge();
        state.Checkpoints.Complete([StreamRec.Pipeline.Input.RecordOrigin.FileLine("log.jsonl", 9, 987)]);
        return deltas;
    }

    /// <summary>Batches that send deltas, through the checkpointer as the core's stage passes them; the last one's checkpoint.</summary>
    private static (long Deltas, Batches.SourceCheckpoint Last) ProcessClicks(PipelineState state)
    {
        using var core = new StreamCore(Options, state, new BaselineScorer(), new PipelineMetrics());
        core.Process(Ev.Batch(state, Ev.Start(Ev.T0, "r1", "beauty", "s1"), Ev.Start(Ev.T0, "r2", "food", "s2")));
        long deltas = 0;
        Batches.SourceCheckpoint? last = null;
        foreach (var batch in new[]
        {
            Ev.Batch(state, Ev.Click(Ev.T0 + 1_000, "u1", "r1"), Ev.Click(Ev.T0 + 1_100, "u2", "r2")),
            Ev.Batch(state, Ev.Click(Ev.T0 + 9_000, "u1", "r2"), Ev.Click(Ev.T0 + 9_500, "u3", "r1")),
        })
        {
            core.Process(batch);
            state.Checkpoints!.AfterBatch(batch);
            deltas += batch.Deltas.Count;
            last = batch.Checkpoint ?? last;
        }

        Assert.True(deltas > 0, "the clicks sent no deltas");
        return (deltas, last!);
    }

    private static List<string> Contents(IEnumerable<StreamRec.Pipeline.Exchange.PublishedContribution> published) =>
        [.. published.Select(static p => $"{p.Partition}:{Convert.ToHexString(p.Value)}")];

    private static byte[] Checkpoint(InMemoryStateDirectory directory)
    {
        var value = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.True(directory.OpenKeyValueStore("checkpoint").TryGet("state"u8, value));
        return value.WrittenSpan.ToArray();
    }

    private static byte[] Saved(Action<SnapshotWriter> save)
    {
        var w = new SnapshotWriter();
        save(w);
        return w.Written.ToArray();
    }
}
