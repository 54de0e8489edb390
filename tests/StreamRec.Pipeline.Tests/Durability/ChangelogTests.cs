using System.Buffers;
using System.Text;
using CsCheck;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Durability;

public sealed class ChangelogTests
{
    private static readonly PipelineOptions Options = new PipelineOptions { Partitions = 2, TopK = 2, RankedRunnersUp = 1 }.Validate();

    [Fact]
    public void PortableUserStateCodec_AnyStateReadByAnInstanceWithOtherIdNumbers_KeepsEveryNameValueAndSeq()
    {
        var gen = Gen.Select(Gen.Float[-50f, 50f].Array[8], Gen.Long[1L << 30, 1L << 42], Gen.Int[0, 40].Array[0, 4],
            Gen.Select(Gen.Int[0, 40], Gen.Float[-10f, 10f]).Array[0, 6], Gen.Long[0, 1 << 30], Gen.Long[-5_000, 5_000].Array[0, 1]);
        gen.Sample((vector, ts, streamers, ranked, seq, due) =>
        {
            // The writer interned names in one order, the reader in another: the numbers differ, the names must not.
            var writer = Tables(41, reverse: false);
            var reader = Tables(41, reverse: true);
            var user = new UserState(8, 4, 6);
            vector.CopyTo(user.Interest, 0);

            // The session vector points elsewhere than the long-term one, at its own scale.
            var session = vector.Select(x => -0.3f * x).Reverse().ToArray();
            session.CopyTo(user.ShortInterest, 0);
            user.InterestTs = ts;
            user.Activity = new DecayedValue(2.25, ts);
            foreach (var (streamer, i) in streamers.Distinct().Select((s, i) => (s, i)))
            {
                user.Engage(streamer, ts - (i * 1_000), TimeSpan.FromDays(2), 1 + i);
            }

            user.SetRanked([.. ranked.DistinctBy(r => r.Item1).Select(r => new ScoredRoom(r.Item1, r.Item2))]);
            user.RankedAt = ts - 50;
            user.Seq = seq;
            var pending = new PendingWork(due.Length == 0 ? null : ts + due[0], Promotion: seq % 2 == 0);

            var written = Encode(user, writer, pending);
            var decoded = new UserState(8, 4, 6);
            var readDue = PortableUserStateCodec.Decode(written, decoded, reader);

            var scale = vector.Max(Math.Abs) / 127f;
            var sessionScale = session.Max(Math.Abs) / 127f;
            return readDue == pending && decoded.Seq == seq && decoded.InterestTs == ts && decoded.RankedAt == user.RankedAt
                && decoded.Interest.Zip(vector).All(p => Math.Abs(p.First - p.Second) <= (scale * 0.5f) + 1e-4f)
                && decoded.ShortInterest.Zip(session).All(p => Math.Abs(p.First - p.Second) <= (sessionScale * 0.5f) + 1e-4f)
                && decoded.Affinities.ToArray().Select(a => (reader.Streamers.NameOf(a.Streamer), (float)a.Engagement.Value, a.Engagement.Ts))
                    .SequenceEqual(user.Affinities.ToArray().Select(a => (writer.Streamers.NameOf(a.Streamer), (float)a.Engagement.Value, a.Engagement.Ts)))
                && decoded.Ranked.ToArray().Select(r => (reader.Rooms.NameOf(r.Room), r.Score)).SequenceEqual(user.Ranked.ToArray().Select(r => (writer.Rooms.NameOf(r.Room), r.Score)))

                // Read back and written again by the other instance: the same state, so a state moves losslessly once quantized.
                && Same(Encode(decoded, reader, readDue), written);
        });
    }

    [Fact]
    public void PortableUserStateCodec_FirstByte_IsTheVersionAndAnotherVersionIsRefusedNamingIt()
    {
        var ids = Tables(4, reverse: false);
        var user = new UserState(8, 4, 6) { InterestTs = 1_000, Seq = 3 };
        var written = Encode(user, ids, default);

        var other = written.ToArray();
        other[0] = 3;
        var ex = Assert.Throws<InvalidDataException>(() => PortableUserStateCodec.Decode(other, new UserState(8, 4, 6), ids));

        Assert.Equal(PortableUserStateCodec.Version, written[0]);
        Assert.Equal(2, PortableUserStateCodec.Version);
        Assert.Contains("version 3", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => PortableUserStateCodec.Decode(written.AsSpan(0, written.Length - 1), new UserState(8, 4, 6), ids));
    }

    [Fact]
    public void PortableUserStateCodec_RecordWrittenAsVersion1_IsReadWithItsReRankAndNoPromotion()
    {
        var ids = Tables(4, reverse: false);
        var user = new UserState(8, 4, 6) { InterestTs = 5_000, RankedAt = 4_000, Seq = 7 };
        user.SetRanked([new ScoredRoom(1, 0.5f), new ScoredRoom(2, 0.25f)]);
        var pending = new PendingWork(9_000, Promotion: true);

        var version1 = new ArrayBufferWriter<byte>();
        PortableUserStateCodec.Encode(user, ids, pending, version1, PortableUserStateCodec.Version1);
        var decoded = new UserState(8, 4, 6);
        var read = PortableUserStateCodec.Decode(version1.WrittenSpan, decoded, ids);

        Assert.Equal(PortableUserStateCodec.Version1, version1.WrittenSpan[0]);
        Assert.Equal(new PendingWork(9_000, Promotion: false), read);
        Assert.Equal(7, decoded.Seq);
        Assert.Equal(user.Ranked.ToArray(), decoded.Ranked.ToArray());

        // Version 2 is version 1 and one byte more: the pending promotion.
        Assert.Equal(version1.WrittenCount + 1, Encode(user, ids, pending).Length);
    }

    [Fact]
    public void Handover_BetweenRoomStopAndTheTickClose_NewOwnerPromotesTheHoldersAsTheOldOwnerWould()
    {
        var changelog = new RecordingChangelog(Options.Partitions);
        using var directoryA = new InMemoryStateDirectory();
        var stateA = PipelineState.Open(Options, directoryA, TimeProvider.System, resumesAfterStop: true, changelog);
        using var coreA = new StreamCore(Options, stateA, new BaselineScorer(), new PipelineMetrics());
        Process(coreA, stateA);
        var stop = Ev.Batch(stateA, Ev.Stop(Ev.T0 + 20_000, "r1"));
        stop.ClosesTick = false;
        coreA.Process(stop);

        // A checkpoint between the stop and the tick's close: the partitions move now.
        stateA.Checkpoints!.Complete([]);

        using var directoryB = new InMemoryStateDirectory();
        var stateB = PipelineState.Open(Options, directoryB, TimeProvider.System, resumesAfterStop: true, new RecordingChangelog(Options.Partitions));
        using var coreB = new StreamCore(Options, stateB, new BaselineScorer(), new PipelineMetrics());
        coreB.Process(Ev.Batch(stateB, Ev.Start(Ev.T0, "r1", "beauty", "s1"), Ev.Start(Ev.T0, "r2", "food", "s2"), Ev.Start(Ev.T0, "r3", "beauty", "s3")));
        var stopB = Ev.Batch(stateB, Ev.Stop(Ev.T0 + 20_000, "r1"));
        stopB.ClosesTick = false;
        coreB.Process(stopB);
        stateB.Checkpoints!.ApplyHandover(ChangelogRestorer.Decode(changelog.Handover(), Options, stateB.Ids));

        // The tick closes: the old owner, had it kept the partitions, and the new one send the same promotions.
        var closeA = Ev.Batch(stateA, Ev.Click(Ev.T0 + 20_500, "u9", "r2"));
        coreA.Process(closeA);
        var closeB = Ev.Batch(stateB, Ev.Click(Ev.T0 + 20_500, "u9", "r2"));
        coreB.Process(closeB);

        var promotedByA = Lists(closeA);
        Assert.NotEmpty(promotedByA);
        Assert.All(promotedByA, p => Assert.DoesNotContain("r1", p.Top));
        Assert.Equal(promotedByA, Lists(closeB));

        static List<(string User, long Seq, string Top)> Lists(EventBatch batch) =>
            [.. batch.Deltas.Where(d => d.UserId != "u9").Select(d => (d.UserId, d.Seq, string.Join(",", d.Top.Select(t => t.RoomId)))).OrderBy(d => d.UserId, StringComparer.Ordinal)];
    }

    [Fact]
    public void Checkpoint_WithChangelog_SendsEachChangedUserOnItsPartitionAndATombstoneForTheForgottenOne()
    {
        using var directory = new InMemoryStateDirectory();
        var changelog = new RecordingChangelog(Options.Partitions);
        var state = PipelineState.Open(Options, directory, TimeProvider.System, resumesAfterStop: true, changelog);
        using (var core = new StreamCore(Options, state, new BaselineScorer(), new PipelineMetrics()))
        {
            Process(core, state);
            core.Process(Ev.Batch(state, Ev.Forget(Ev.T0 + 20_000, "u3")));
        }

        state.Checkpoints!.Complete([]);
        var latest = changelog.Latest();

        Assert.Equal(["u1", "u2", "u3", "u4"], latest.Keys.Order(StringComparer.Ordinal));
        Assert.Null(latest["u3"]);
        Assert.All(latest.Where(l => l.Key != "u3"), l => Assert.Equal(PortableUserStateCodec.Version, l.Value![0]));
        for (var p = 0; p < Options.Partitions; p++)
        {
            Assert.All(changelog.Partitions[p], r => Assert.Equal(p, state.PartitionMap.Of(state.Ids.Users.Find(Encoding.UTF8.GetString(r.Key)))));
        }

        // Nothing changed since: the next checkpoint sends nothing.
        var sent = changelog.Partitions.Sum(p => p.Count);
        state.Checkpoints.Complete([]);
        Assert.Equal(sent, changelog.Partitions.Sum(p => p.Count));
    }

    [Fact]
    public void Handover_ChangelogOfOneInstance_RestoresItsUsersOnAnotherWithEqualStateAndSeqGoesOn()
    {
        var changelog = new RecordingChangelog(Options.Partitions);
        using var directoryA = new InMemoryStateDirectory();
        var stateA = PipelineState.Open(Options, directoryA, TimeProvider.System, resumesAfterStop: true, changelog);
        using (var core = new StreamCore(Options, stateA, new BaselineScorer(), new PipelineMetrics()))
        {
            Process(core, stateA);
        }

        stateA.Checkpoints!.Complete([]);

        // Instance B met the rooms in another order, so its numbers for them differ from A's.
        using var directoryB = new InMemoryStateDirectory();
        var stateB = PipelineState.Open(Options, directoryB, TimeProvider.System, resumesAfterStop: true, new RecordingChangelog(Options.Partitions));
        using var coreB = new StreamCore(Options, stateB, new BaselineScorer(), new PipelineMetrics());
        coreB.Process(Ev.Batch(stateB, Ev.Start(Ev.T0, "r3", "beauty", "s3"), Ev.Start(Ev.T0, "r2", "food", "s2"), Ev.Start(Ev.T0, "r1", "beauty", "s1")));
        stateB.Checkpoints!.ApplyHandover(ChangelogRestorer.Decode(changelog.Handover(), Options, stateB.Ids));

        var restored = changelog.Latest();
        Assert.Equal(restored.Count, stateB.Checkpoints.ChangelogRestoredUsers);
        Assert.NotEqual(stateA.Ids.Rooms.Find("r1"), stateB.Ids.Rooms.Find("r1"));
        foreach (var (name, value) in restored)
        {
            Assert.True(Same(value!, Portable(stateB, name)), $"{name}'s restored state differs from its changelog record");
        }

        // A new room u1 buys in: its list changes (once the minimum re-rank interval since A's last list has passed),
        // and the delta carries the seq after the one A had reached.
        var seqA = Seq(stateA, "u1");
        var deltas = new List<StreamRec.Contracts.Outputs.RecommendationDelta>();
        foreach (var batch in new[]
        {
            Ev.Batch(stateB, Ev.Start(Ev.T0 + 29_000, "r4", "food", "s4")),
            Ev.Batch(stateB, Ev.Purchase(Ev.T0 + 30_000, "u1", "r4")),
            Ev.Batch(stateB, Ev.Click(Ev.T0 + 40_000, "u4", "r3")),
            Ev.Batch(stateB, Ev.Click(Ev.T0 + 100_000, "u2", "r3")),
        })
        {
            coreB.Process(batch);
            deltas.AddRange(batch.Deltas);
        }

        Assert.True(seqA > 0);
        Assert.Equal(seqA + 1, deltas.First(d => d.UserId == "u1").Seq);
        Assert.Contains(deltas.First(d => d.UserId == "u1").Top, room => room.RoomId == "r4");
    }

    private static void Process(StreamCore core, PipelineState state)
    {
        core.Process(Ev.Batch(state, Ev.Start(Ev.T0, "r1", "beauty", "s1"), Ev.Start(Ev.T0, "r2", "food", "s2"), Ev.Start(Ev.T0, "r3", "beauty", "s3")));
        core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 1_000, "u1", "r1"), Ev.Click(Ev.T0 + 1_100, "u2", "r2"), Ev.Purchase(Ev.T0 + 1_200, "u3", "r3")));
        core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 9_000, "u1", "r2"), Ev.Click(Ev.T0 + 9_500, "u4", "r1")));
        core.Process(Ev.Batch(state, Ev.Click(Ev.T0 + 15_000, "u2", "r3")));
    }

    private static long Seq(PipelineState state, string user)
    {
        var id = state.Ids.Users.Find(user);
        return state.Partitions[state.PartitionMap.Of(id)].Users.Peek(id)!.Seq;
    }

    /// <summary>The user's state on an instance, written in the portable layout (its pending re-rank included).</summary>
    private static byte[] Portable(PipelineState state, string user)
    {
        var id = state.Ids.Users.Find(user);
        var partition = state.Partitions[state.PartitionMap.Of(id)];
        var current = partition.Users.Peek(id) ?? throw new InvalidOperationException($"{user} is not on this instance.");
        return Encode(current, state.Ids, new PendingWork(partition.Reranks.TryGetDue(id, out var due) ? due : null, partition.Promotions.Contains(id)));
    }

    /// <summary>
    /// Two portable records hold the same state: every field equal, the vector within float rounding (a record
    /// read and written again may store its scale one unit in the last place off).
    /// </summary>
    private static bool Same(byte[] x, byte[] y)
    {
        // Byte 1 is the dimension count (a one-byte varint for any size used here).
        var ids = new IdTables();
        var a = new UserState(x[1], 8, 8);
        var b = new UserState(x[1], 8, 8);

        var pendingA = PortableUserStateCodec.Decode(x, a, ids);
        var pendingB = PortableUserStateCodec.Decode(y, b, ids);
        var scale = Math.Max(a.Interest.Max(Math.Abs), 1e-3f);
        return pendingA == pendingB && a.InterestTs == b.InterestTs && a.Activity == b.Activity && a.RankedAt == b.RankedAt && a.Seq == b.Seq
            && a.Interest.Zip(b.Interest).All(p => Math.Abs(p.First - p.Second) <= scale * 1e-5f)
            && a.ShortInterest.Zip(b.ShortInterest).All(p => Math.Abs(p.First - p.Second) <= Math.Max(a.ShortInterest.Max(Math.Abs), 1e-3f) * 1e-5f)
            && a.Affinities.ToArray().SequenceEqual(b.Affinities.ToArray())
            && a.Ranked.ToArray().SequenceEqual(b.Ranked.ToArray());
    }

    private static byte[] Encode(UserState user, IdTables ids, PendingWork pending)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PortableUserStateCodec.Encode(user, ids, pending, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static IdTables Tables(int names, bool reverse)
    {
        var ids = new IdTables();
        foreach (var i in reverse ? Enumerable.Range(0, names).Reverse() : Enumerable.Range(0, names))
        {
            ids.Rooms.Intern($"room-{i}");
            ids.Streamers.Intern($"streamer-{i}");
        }

        return ids;
    }
}
