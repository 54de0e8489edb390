using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class ScoringAndDeltaTests
{
    private readonly CoreHarness _h = new(new PipelineOptions { Partitions = 1, TopK = 2, RankedRunnersUp = 1, MinRerankInterval = TimeSpan.Zero });

    [Fact]
    public void Core_UserEngagesWithStreamer_TopHoldsOnlyLiveRoomsWithTheFavouriteFirst()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2"), Ev.Start(Ev.T0, "r3"), Ev.Stop(Ev.T0 + 1, "r3")));

        var batch = _h.Run(Ev.Batch(_h.State, Ev.Purchase(Ev.T0 + 10, "u1", "r2")));
        var final = _h.Tick(Ev.T0 + 10, final: true);

        Assert.Empty(batch.Deltas);
        var delta = Assert.Single(final.Deltas);
        Assert.Equal("u1", delta.UserId);
        Assert.Equal(1, delta.Seq);
        Assert.Equal(Ev.T0 + 10, delta.Ts);
        Assert.Equal(["r2", "r1"], delta.Top.Select(t => t.RoomId));
        Assert.Equal([1, 2], delta.Top.Select(t => t.Rank));
        Assert.True(delta.Top[0].Score >= delta.Top[1].Score);
        Assert.Equal(["r2", "r1"], delta.Added);
        Assert.Empty(delta.Removed);
    }

    [Fact]
    public void Core_RoomInTopStops_HolderGetsTheRunnerUpPromotedWithoutRescoring()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2"), Ev.Start(Ev.T0, "r3")));
        _h.Run(Ev.Batch(_h.State, Ev.Purchase(Ev.T0 + 10, "u1", "r2")));
        var ranked = _h.Tick(Ev.T0 + 5_000);
        var runnerUp = _h.UserState("u1")!.Ranked[2];
        var reranks = _h.Metrics.Reranks;

        var stop = _h.Run(Ev.Batch(_h.State, Ev.Stop(Ev.T0 + 6_000, "r2")));

        var delta = Assert.Single(stop.Deltas);
        Assert.Equal(2, delta.Seq);
        Assert.Equal(Ev.T0 + 6_000, delta.Ts);
        Assert.Equal(["r2"], delta.Removed);
        Assert.Equal([_h.State.Ids.Rooms.NameOf(runnerUp.Room)], delta.Added);
        Assert.Equal(Math.Round(runnerUp.Score, 6), delta.Top[^1].Score);
        Assert.Equal(reranks, _h.Metrics.Reranks);
        Assert.Equal(1, _h.Metrics.Promotions);
        Assert.Single(ranked.Deltas);
    }

    [Fact]
    public void Core_PromotedList_IsRescoredAfterTheStalenessBound()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2"), Ev.Start(Ev.T0, "r3")));
        _h.Run(Ev.Batch(_h.State, Ev.Purchase(Ev.T0 + 10, "u1", "r2")));
        _h.Tick(Ev.T0 + 5_000);
        _h.Run(Ev.Batch(_h.State, Ev.Stop(Ev.T0 + 6_000, "r2")));
        var reranks = _h.Metrics.Reranks;

        _h.Tick(Ev.T0 + 6_000 + (long)_h.Options.PromotionStaleness.TotalMilliseconds - 1_000);
        Assert.Equal(reranks, _h.Metrics.Reranks);
        _h.Tick(Ev.T0 + 6_000 + (long)_h.Options.PromotionStaleness.TotalMilliseconds);

        Assert.Equal(reranks + 1, _h.Metrics.Reranks);
    }

    [Fact]
    public void Core_StopLeavesTooFewRankedRooms_HolderIsRescoredAtOnce()
    {
        var h = new CoreHarness(new PipelineOptions { Partitions = 1, TopK = 2, RankedRunnersUp = 0 });
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2"), Ev.Start(Ev.T0, "r3")));
        h.Run(Ev.Batch(h.State, Ev.Purchase(Ev.T0 + 10, "u1", "r2")));
        h.Tick(Ev.T0 + 5_000);
        var held = h.UserState("u1")!.Ranked.ToArray().Select(r => h.State.Ids.Rooms.NameOf(r.Room)).ToArray();
        var reranks = h.Metrics.Reranks;

        var stop = h.Run(Ev.Batch(h.State, Ev.Stop(Ev.T0 + 6_000, held[0])));

        var delta = Assert.Single(stop.Deltas);
        Assert.Equal(reranks + 1, h.Metrics.Reranks);
        Assert.Equal(2, delta.Top.Count);
        Assert.DoesNotContain(held[0], delta.Top.Select(t => t.RoomId));
    }

    [Fact]
    public void Core_RerankWithUnchangedList_EmitsNoDelta()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2")));
        _h.Run(Ev.Batch(_h.State, Ev.Purchase(Ev.T0 + 10, "u1", "r2")));
        var first = _h.Tick(Ev.T0 + 5_000);
        var reranks = _h.Metrics.Reranks;

        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 6_000, "u1", "r2")));
        var second = _h.Tick(Ev.T0 + 10_000);

        Assert.Single(first.Deltas);
        Assert.Equal(reranks + 1, _h.Metrics.Reranks);
        Assert.Empty(second.Deltas);
    }

    [Fact]
    public void Core_EqualScores_RankedByRoomIdDeterministically()
    {
        // Two identical cold rooms: same category, no audience, no engagement: identical features.
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "twin-a", "toys"), Ev.Start(Ev.T0, "twin-b", "toys"), Ev.Start(Ev.T0, "r9", "books")));
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 10, "u1", "r9")));
        var final = _h.Tick(Ev.T0 + 10, final: true);

        var top = Assert.Single(final.Deltas).Top;
        Assert.Equal("r9", top[0].RoomId);
        Assert.Equal("twin-a", top[1].RoomId);
    }
}
