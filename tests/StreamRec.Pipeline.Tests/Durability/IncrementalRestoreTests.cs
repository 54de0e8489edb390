using System.Buffers;
using System.Text;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Durability;

public sealed class IncrementalRestoreTests
{
    private static readonly PipelineOptions Options = new PipelineOptions { Partitions = 2, TopK = 2, RankedRunnersUp = 1 }.Validate();

    [Theory]
    [InlineData(5, true, 0, 5, RestoreKind.Keep)]
    [InlineData(-1, false, 0, 9, RestoreKind.Full)]
    [InlineData(5, true, 0, 9, RestoreKind.Tail)]
    [InlineData(5, true, 5, 9, RestoreKind.Tail)]
    [InlineData(5, true, 6, 9, RestoreKind.Full)]
    [InlineData(5, false, 0, 9, RestoreKind.Full)]
    [InlineData(12, true, 0, 9, RestoreKind.Full)]
    public void RestorePlan_StoredOffsetAgainstTheChangelogsStartAndEnd_KeepsReadsTheTailOrReadsItAll(long stored, bool prefix, long logStart, long end, RestoreKind kind)
    {
        var plan = RestorePlan.Choose(stored, prefix, logStart, end);

        Assert.Equal(kind, plan.Kind);
        Assert.Equal(kind == RestoreKind.Tail ? stored : kind == RestoreKind.Keep ? end : 0, plan.From);

        // A local state that is not used is logged with the reason; one never stored needs none.
        Assert.Equal(kind == RestoreKind.Full && stored >= 0, plan.Reason is not null);
    }

    [Fact]
    public void Handover_TailOnTopOfTheStoredPrefix_GivesTheUsersIndexesAndReranksOfAFullRestore()
    {
        var changelog = new RecordingChangelog(Options.Partitions);
        using var directoryA = new InMemoryStateDirectory();
        var stateA = PipelineState.Open(Options, directoryA, TimeProvider.System, resumesAfterStop: true, changelog.Instance());

        // The first assignment restores the empty changelog, as run does: the store then accounts for it up to offset 0.
        stateA.Checkpoints!.ApplyHandover(ChangelogRestorer.Decode(changelog.Handover(), Options, stateA.Ids));
        using (var core = new StreamCore(Options, stateA, new BaselineScorer(), new PipelineMetrics()))
        {
            core.Process(Ev.Batch(stateA, Ev.Start(Ev.T0, "r1", "beauty", "s1"), Ev.Start(Ev.T0, "r2", "food", "s2"), Ev.Start(Ev.T0, "r3", "beauty", "s3")));
            core.Process(Ev.Batch(stateA, Ev.Click(Ev.T0 + 1_000, "u1", "r1"), Ev.Click(Ev.T0 + 1_100, "u2", "r2"), Ev.Purchase(Ev.T0 + 1_200, "u3", "r3")));
            core.Process(Ev.Batch(stateA, Ev.Click(Ev.T0 + 9_000, "u4", "r1"), Ev.Click(Ev.T0 + 9_500, "u6", "r2"), Ev.Click(Ev.T0 + 9_700, "u7", "r3")));
            core.Process(Ev.Batch(stateA, Ev.Click(Ev.T0 + 12_000, "u11", "r1"), Ev.Click(Ev.T0 + 12_500, "u15", "r2"), Ev.Click(Ev.T0 + 12_700, "u10", "r3")));
        }

        stateA.Checkpoints.Complete([]);
        long[] prefix = [.. changelog.Partitions.Select(p => (long)p.Count)];
        Assert.All(prefix, p => Assert.True(p > 0, "A wrote nothing to a partition"));

        // B owns the partitions meanwhile: it restores them in full, changes some users, forgets one, adds one.
        using var directoryB = new InMemoryStateDirectory();
        var stateB = PipelineState.Open(Options, directoryB, TimeProvider.System, resumesAfterStop: true, changelog.Instance());
        stateB.Checkpoints!.ApplyHandover(ChangelogRestorer.Decode(changelog.Handover(), Options, stateB.Ids));
        using (var core = new StreamCore(Options, stateB, new BaselineScorer(), new PipelineMetrics()))
        {
            core.Process(Ev.Batch(stateB, Ev.Start(Ev.T0 + 20_000, "r4", "food", "s4")));
            core.Process(Ev.Batch(stateB, Ev.Purchase(Ev.T0 + 30_000, "u1", "r4"), Ev.Click(Ev.T0 + 30_500, "u5", "r4"), Ev.Forget(Ev.T0 + 31_000, "u3")));
            core.Process(Ev.Batch(stateB, Ev.Click(Ev.T0 + 100_000, "u2", "r3"), Ev.Purchase(Ev.T0 + 100_500, "u11", "r4")));
        }

        stateB.Checkpoints.Complete([]);
        Assert.All(Enumerable.Range(0, Options.Partitions), p => Assert.True(changelog.Partitions[p].Count > prefix[p], $"B wrote nothing to partition {p}"));

        // A starts again on its store, which is the changelog up to the prefix, and reads only the rest.
        var restartedA = PipelineState.Open(Options, directoryA, TimeProvider.System, resumesAfterStop: true, changelog.Instance());
        var ownership = restartedA.Ownership!;
        Assert.All(Enumerable.Range(0, Options.Partitions), p =>
        {
            Assert.Equal(prefix[p], ownership.DurableOffset(p));
            Assert.True(ownership.IsDurablePrefix(p));
        });
        restartedA.Checkpoints!.ApplyHandover(ChangelogRestorer.Decode(changelog.Tail(prefix), Options, restartedA.Ids));

        using var directoryC = new InMemoryStateDirectory();
        var fullC = PipelineState.Open(Options, directoryC, TimeProvider.System, resumesAfterStop: true, changelog.Instance());
        fullC.Checkpoints!.ApplyHandover(ChangelogRestorer.Decode(changelog.Handover(), Options, fullC.Ids));

        Assert.Equal(fullC.UserCount, restartedA.UserCount);
        Assert.Null(Portable(restartedA, "u3"));
        foreach (var name in changelog.Latest().Keys)
        {
            Assert.Equal(Portable(fullC, name), Portable(restartedA, name));
        }

        Assert.Equal(Holders(fullC), Holders(restartedA));
        Assert.Equal(Favourites(fullC), Favourites(restartedA));
    }

    [Fact]
    public void Checkpoint_SuspendedPartitionChangedAndCommitted_IsNoLongerTheChangelogsPrefixAfterARestart()
    {
        var changelog = new RecordingChangelog(Options.Partitions);
        using var directory = new InMemoryStateDirectory();
        var state = PipelineState.Open(Options, directory, TimeProvider.System, resumesAfterStop: true, changelog);
        state.Checkpoints!.ApplyHandover(ChangelogRestorer.Decode(changelog.Handover(), Options, state.Ids));
        using var core = new StreamCore(Options, state, new BaselineScorer(), new PipelineMetrics());
        core.Process(Ev.Batch(state, Ev.Start(Ev.T0, "r1", "beauty", "s1")));
        core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 1_000, "u1", "r1"), Ev.Click(Ev.T0 + 1_100, "u2", "r1"), Ev.Click(Ev.T0 + 1_200, "u4", "r1")));
        state.Checkpoints.Complete([]);
        Assert.True(changelog.Ownership.IsDurablePrefix(0) && changelog.Ownership.IsDurablePrefix(1));

        // A revocation suspends the changelog of both; events still in flight change users of each, and the store commits them.
        changelog.Ownership.Suspend([0, 1]);
        var changed = state.PartitionMap.Of(state.Ids.Users.Find("u1"));
        core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 5_000, "u1", "r1")));
        state.Checkpoints.Complete([]);

        var restarted = PipelineState.Open(Options, directory, TimeProvider.System, resumesAfterStop: true, new RecordingChangelog(Options.Partitions));
        var ownership = restarted.Ownership!;
        Assert.False(ownership.IsDurablePrefix(changed));
        Assert.True(ownership.IsDurablePrefix(1 - changed));
        Assert.Equal(changelog.Partitions[changed].Count, ownership.DurableOffset(changed));
    }

    /// <summary>The user's state on an instance in the portable layout, its pending re-rank included; null when absent.</summary>
    private static byte[]? Portable(PipelineState state, string user)
    {
        var id = state.Ids.Users.Find(user);
        if (id < 0)
        {
            return null;
        }

        var partition = state.Partitions[state.PartitionMap.Of(id)];
        if (partition.Users.Peek(id) is not { } current)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        PortableUserStateCodec.Encode(current, state.Ids, new PendingWork(partition.Reranks.TryGetDue(id, out var due) ? due : null, partition.Promotions.Contains(id)), buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Per partition and room name with holders, the names of the users the holder index lists, in index order.</summary>
    private static List<string> Holders(PipelineState state) =>
        [.. state.Partitions.SelectMany(p => Enumerable.Range(0, state.Ids.Rooms.Count)
            .Where(room => p.Holders.Candidates(room).Length > 0)
            .Select(room => $"{p.Index}/{state.Ids.Rooms.NameOf(room)}: {string.Join(",", p.Holders.Candidates(room).ToArray().Select(state.Ids.Users.NameOf))}"))
            .Order(StringComparer.Ordinal)];

    /// <summary>Per partition and streamer name with favourites, the users the index offers, strongest first.</summary>
    private static List<string> Favourites(PipelineState state)
    {
        var lines = new List<string>();
        var top = new List<(double Affinity, int User)>();
        foreach (var partition in state.Partitions)
        {
            for (var streamer = 0; streamer < state.Ids.Streamers.Count; streamer++)
            {
                top.Clear();
                partition.Favourites.Top(streamer, Ev.T0 + 200_000, 0, top);

                // Instances know different streamers (A met the rooms' own); only those with favourites are compared.
                if (top.Count == 0)
                {
                    continue;
                }

                lines.Add($"{partition.Index}/{state.Ids.Streamers.NameOf(streamer)}: {string.Join(",", top.Select(t => $"{state.Ids.Users.NameOf(t.User)}={t.Affinity:R}"))}");
            }
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }
}
