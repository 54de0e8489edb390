using System.Text;
using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Partitioning;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Durability;

public sealed class SeqFenceTests
{
    private static readonly PipelineOptions Options = new PipelineOptions { Partitions = 2, TopK = 2, RankedRunnersUp = 1 }.Validate();

    [Fact]
    public void SeqFenceMarker_AnyOffsetAndPositions_RoundTripVersion1IsStillReadAnotherVersionOrACutShortRecordIsRefused()
    {
        var positions = new[] { KeyValuePair.Create("live.clicks", 0L), KeyValuePair.Create("live.comments", 5_000_000_123L), KeyValuePair.Create("直播", long.MaxValue) };
        foreach (var offset in new long[] { 0, 1, 127, 128, 5_000_000_123, long.MaxValue })
        {
            // Version 1 (no positions) is what earlier versions wrote: still read.
            var written = SeqFenceMarker.Encode(offset);
            Assert.Equal(1, written[0]);
            Assert.Equal(offset, SeqFenceMarker.Decode(written));
            Assert.Null(SeqFenceMarker.Positions(written));

            var withPositions = SeqFenceMarker.Encode(offset, positions);
            Assert.Equal(2, withPositions[0]);
            Assert.Equal(offset, SeqFenceMarker.Decode(withPositions));
            Assert.Equal(positions, SeqFenceMarker.Positions(withPositions));
        }

        Assert.Empty(SeqFenceMarker.Positions(SeqFenceMarker.Encode(7, []))!);
        var other = SeqFenceMarker.Encode(300);
        other[0] = 3;
        Assert.Contains("version 3", Assert.Throws<InvalidDataException>(() => SeqFenceMarker.Decode(other)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => SeqFenceMarker.Decode(SeqFenceMarker.Encode(300).AsSpan(0, 2)));
        var full = SeqFenceMarker.Encode(300, positions);
        for (var cut = 1; cut < full.Length; cut++)
        {
            Assert.Throws<InvalidDataException>(() => SeqFenceMarker.Positions(full.AsSpan(0, cut)));
        }

        Assert.Throws<InvalidDataException>(() => SeqFenceMarker.Decode([.. full, 0]));
        Assert.Throws<InvalidDataException>(() => SeqFenceMarker.Decode([]));
    }

    [Fact]
    public void SeqFenceMarker_Key_IsNoUserIdTheDecoderAccepts()
    {
        // User ids come from JSON strings: a raw NUL byte cannot be in one, and the id store's placeholders use it too.
        Assert.Equal(0, SeqFenceMarker.Key[0]);
        Assert.True(SeqFenceMarker.IsMarker(SeqFenceMarker.Key));
        Assert.False(SeqFenceMarker.IsMarker("streamrec.seq-fence"u8));
    }

    [Fact]
    public void Checkpoint_WithFencedDeltas_AppendsTheFloorAfterEachWrittenPartitionsUsersOnly()
    {
        using var directory = new InMemoryStateDirectory();
        var changelog = new FencedChangelog(Options.Partitions) { Floor = 1234 };
        var state = PipelineState.Open(Options, directory, TimeProvider.System, resumesAfterStop: true, changelog);
        using (var core = new StreamCore(Options, state, new BaselineScorer(), new PipelineMetrics()))
        {
            Process(core, state);

            // u1 to u4 are all on partition 0; new-0 is on partition 1.
            core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 16_000, "new-0", "r1")));
        }

        Assert.Equal(1, UserPartitioner.PartitionOf("new-0", Options.Partitions));
        state.Checkpoints!.Complete([Pipeline.Input.RecordOrigin.KafkaMessage("live.clicks", 0, 41), Pipeline.Input.RecordOrigin.KafkaMessage("live.clicks", 1, 17), Pipeline.Input.RecordOrigin.KafkaMessage("live.rooms", 1, 3)]);
        var written = changelog.Inner.Partitions;

        // Each marker also says where the partition's input resumes for the users written before it.
        Assert.Equal([KeyValuePair.Create("live.clicks", 41L)], SeqFenceMarker.Positions(written[0][^1].Value));
        Assert.Equal([KeyValuePair.Create("live.clicks", 17L), KeyValuePair.Create("live.rooms", 3L)], SeqFenceMarker.Positions(written[1][^1].Value));

        Assert.All(written, p => Assert.True(p.Count > 1, "each partition holds users and a marker"));
        Assert.All(written, p =>
        {
            Assert.True(SeqFenceMarker.IsMarker(p[^1].Key));
            Assert.Equal(1234, SeqFenceMarker.Decode(p[^1].Value));
            Assert.DoesNotContain(p[..^1], r => SeqFenceMarker.IsMarker(r.Key));
        });

        // Only partition 0's users change: only it gets a new marker.
        var u = "u1";
        Assert.Equal(0, UserPartitioner.PartitionOf(u, Options.Partitions));
        using (var core = new StreamCore(Options, state, new BaselineScorer(), new PipelineMetrics()))
        {
            core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 60_000, u, "r3")));
        }

        var before = written.Select(p => p.Count).ToArray();
        changelog.Floor = 2000;
        state.Checkpoints!.Complete([]);
        Assert.True(written[0].Count > before[0] + 1, "u1's partition got u1 and a marker");
        for (var p = 0; p < written.Length; p++)
        {
            var added = written[p][before[p]..];
            Assert.True(added.Count == 0 || (SeqFenceMarker.IsMarker(added[^1].Key) && SeqFenceMarker.Decode(added[^1].Value) == 2000), $"partition {p}");
            Assert.True(added.Count(r => SeqFenceMarker.IsMarker(r.Key)) == (added.Count == 0 ? 0 : 1), $"partition {p}: one marker, after its users");
        }

        // Nothing changed since: no users, so no marker either.
        var sent = written.Sum(p => p.Count);
        state.Checkpoints.Complete([]);
        Assert.Equal(sent, written.Sum(p => p.Count));
    }

    [Fact]
    public void Handover_WithSeqFence_RaisesRestoredSeqsAndAnAbsentUserStartsAtItsFloor()
    {
        // After its checkpoint A sent u1 five more deltas and a new user u9 seven; u2's tail holds only older seqs.
        using var directoryB = new InMemoryStateDirectory();
        long seqU1 = 0, seqU2 = 0;
        var (stateB, changelogB) = Takeover(directoryB, floor: 900, origin: 40, stateA =>
        {
            (seqU1, seqU2) = (Seq(stateA, "u1"), Seq(stateA, "u2"));
            return new Dictionary<string, long> { ["u1"] = seqU1 + 5, ["u9"] = 7, ["u2"] = seqU2 - 1 };
        });
        using var coreB = new StreamCore(Options, stateB, new BaselineScorer(), new PipelineMetrics());

        Assert.Equal(seqU1 + 5, Seq(stateB, "u1"));
        Assert.Equal(seqU2, Seq(stateB, "u2"));

        // Until u9 exists again, the fence's origin is what a later restore must read from: markers stay there.
        stateB.Checkpoints!.Complete([]);
        var u9Partition = Partition(stateB, "u9");
        Assert.Equal(40, LastMarker(changelogB, u9Partition));
        Assert.Equal(seqU1 + 5, Portable(changelogB, "u1"));

        var deltas = new List<RecommendationDelta>();
        foreach (var batch in new[]
        {
            Ev.Batch(stateB, Ev.Start(Ev.T0 + 29_000, "r4", "food", "s4")),
            Ev.Batch(stateB, Ev.Purchase(Ev.T0 + 30_000, "u1", "r4"), Ev.Click(Ev.T0 + 30_000, "u9", "r1")),
            Ev.Batch(stateB, Ev.Click(Ev.T0 + 100_000, "u2", "r3")),
        })
        {
            coreB.Process(batch);
            deltas.AddRange(batch.Deltas);
        }

        Assert.Equal(seqU1 + 6, deltas.First(d => d.UserId == "u1").Seq);
        Assert.Equal(8, deltas.First(d => d.UserId == "u9").Seq);
        stateB.Checkpoints.Complete([]);
        Assert.Equal(900, LastMarker(changelogB, u9Partition));
    }

    [Fact]
    public void Handover_FencedUserForgottenAndBackWhileReprocessing_StillStartsAfterTheFence()
    {
        using var directoryB = new InMemoryStateDirectory();
        var (stateB, _) = Takeover(directoryB, floor: 0, origin: 0, _ => new Dictionary<string, long> { ["u1"] = 20 });
        using var coreB = new StreamCore(Options, stateB, new BaselineScorer(), new PipelineMetrics());

        // A forgot u1 after its checkpoint and u1 came back under seqs 1, 2, ...: on B, u1 comes back after the fence.
        var deltas = new List<RecommendationDelta>();
        foreach (var batch in new[]
        {
            Ev.Batch(stateB, Ev.Start(Ev.T0 + 19_000, "r2", "food", "s2")),
            Ev.Batch(stateB, Ev.Forget(Ev.T0 + 20_000, "u1")),
            Ev.Batch(stateB, Ev.Click(Ev.T0 + 40_000, "u1", "r2")),
            Ev.Batch(stateB, Ev.Click(Ev.T0 + 100_000, "u2", "r3")),
        })
        {
            coreB.Process(batch);
            deltas.AddRange(batch.Deltas);
        }

        Assert.True(deltas.Single(d => d.UserId == "u1" && d.Forgotten).Seq > 20);
        Assert.Equal(21, deltas.First(d => d.UserId == "u1" && !d.Forgotten).Seq);
    }

    [Fact]
    public void Checkpoint_FenceStillNamesAUserNotBackYet_StoresNoChangelogOffsetForThatPartitionSoTheNextStartRestoresIt()
    {
        using var directoryB = new InMemoryStateDirectory();
        var (stateB, changelogB) = Takeover(directoryB, floor: 900, origin: 40, _ => new Dictionary<string, long> { ["u9"] = 7 });
        var fenced = Partition(stateB, "u9");
        stateB.Checkpoints!.Complete([]);

        // The fence is in memory only: a start that kept the partition's store would let u9 begin again at seq 1.
        var reopened = new FencedChangelog(Options.Partitions);
        _ = PipelineState.Open(Options, directoryB, TimeProvider.System, resumesAfterStop: true, reopened);
        Assert.Equal(-1, reopened.Ownership.DurableOffset(fenced));
        Assert.Equal(RestoreKind.Full, RestorePlan.Choose(reopened.Ownership.DurableOffset(fenced), reopened.Ownership.IsDurablePrefix(fenced), 0, changelogB.Inner.Partitions[fenced].Count).Kind);
        Assert.True(reopened.Ownership.DurableOffset(1 - fenced) >= 0, "the partition without a held-back fence keeps its offset");

        // Once u9 is back, the fence has done its work: the partition's offset is stored again.
        using (var core = new StreamCore(Options, stateB, new BaselineScorer(), new PipelineMetrics()))
        {
            core.Process(Ev.Batch(stateB, Ev.Click(Ev.T0 + 30_000, "u9", "r1")));
        }

        stateB.Checkpoints.Complete([]);
        var later = new FencedChangelog(Options.Partitions);
        _ = PipelineState.Open(Options, directoryB, TimeProvider.System, resumesAfterStop: true, later);
        Assert.Equal(changelogB.Inner.Partitions[fenced].Count, later.Ownership.DurableOffset(fenced));
    }

    /// <summary>
    /// A processes <see cref="Process"/>'s events and checkpoints; B, on <paramref name="directory"/>, restores A's changelog
    /// under the seq fence <paramref name="fence"/> (given A's state) read from <paramref name="origin"/>.
    /// </summary>
    private static (PipelineState B, FencedChangelog Changelog) Takeover(
        InMemoryStateDirectory directory, long floor, long origin, Func<PipelineState, Dictionary<string, long>> fence)
    {
        var changelogA = new RecordingChangelog(Options.Partitions);
        using var directoryA = new InMemoryStateDirectory();
        var stateA = PipelineState.Open(Options, directoryA, TimeProvider.System, resumesAfterStop: true, changelogA);
        using (var core = new StreamCore(Options, stateA, new BaselineScorer(), new PipelineMetrics()))
        {
            Process(core, stateA);
        }

        stateA.Checkpoints!.Complete([]);
        var changelogB = new FencedChangelog(Options.Partitions) { Floor = floor };
        var stateB = PipelineState.Open(Options, directory, TimeProvider.System, resumesAfterStop: true, changelogB);
        var handover = Fenced(changelogA.Handover(), stateB, fence(stateA), origin);
        stateB.Checkpoints!.ApplyHandover(ChangelogRestorer.Decode(handover, Options, stateB.Ids));
        return (stateB, changelogB);
    }

    private static PartitionHandover Fenced(PartitionHandover handover, PipelineState state, Dictionary<string, long> fence, long origin) =>
        handover with
        {
            Restores = [.. handover.Restores.Select(r => r with
            {
                SeqFloors = [.. fence.Where(f => Partition(state, f.Key) == r.Partition)],
                FenceOrigin = origin,
            })],
        };

    private static void Process(StreamCore core, PipelineState state)
    {
        core.Process(Ev.Batch(state, Ev.Start(Ev.T0, "r1", "beauty", "s1"), Ev.Start(Ev.T0, "r2", "food", "s2"), Ev.Start(Ev.T0, "r3", "beauty", "s3")));
        core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 1_000, "u1", "r1"), Ev.Click(Ev.T0 + 1_100, "u2", "r2"), Ev.Purchase(Ev.T0 + 1_200, "u3", "r3")));
        core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 9_000, "u1", "r2"), Ev.Click(Ev.T0 + 9_500, "u4", "r1")));
        core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 15_000, "u2", "r3")));
    }

    private static int Partition(PipelineState state, string user) => state.PartitionMap.Of(state.Ids.Users.Intern(user));

    private static long Seq(PipelineState state, string user)
    {
        var id = state.Ids.Users.Find(user);
        return state.Partitions[state.PartitionMap.Of(id)].Users.Peek(id)!.Seq;
    }

    private static long LastMarker(FencedChangelog changelog, int partition) =>
        SeqFenceMarker.Decode(changelog.Inner.Partitions[partition].Last(r => SeqFenceMarker.IsMarker(r.Key)).Value);

    /// <summary>The seq of the user's last changelog record.</summary>
    private static long Portable(FencedChangelog changelog, string user)
    {
        var record = changelog.Inner.Partitions.SelectMany(p => p).Last(r => Encoding.UTF8.GetString(r.Key) == user).Value!;
        var state = new UserState(Options.VectorDimensions, Options.MaxAffinities, Options.TopK + Options.RankedRunnersUp);
        PortableUserStateCodec.Decode(record, state, new Ids.IdTables());
        return state.Seq;
    }
}
