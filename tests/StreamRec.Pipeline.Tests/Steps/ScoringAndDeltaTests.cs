using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class ScoringAndDeltaTests
{
    private readonly StepHarness _h = new(new PipelineOptions { TopK = 2 });

    [Fact]
    public void Run_UserEngagesWithStreamer_TopHoldsOnlyLiveRoomsWithTheFavouriteFirst()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2"), Ev.Start(Ev.T0, "r3"), Ev.Stop(Ev.T0 + 1, "r3")));

        var batch = _h.Run(Ev.Batch(_h.State, Ev.Purchase(Ev.T0 + 10, "u1", "r2")));
        var final = _h.Run(new EventBatch { Clock = Ev.T0 + 10, ClosesTick = true, IsFinal = true });

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
    public void Run_RoomInTopStops_HolderGetsDeltaRemovingItAtTheStop()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2"), Ev.Start(Ev.T0, "r3")));
        _h.Run(Ev.Batch(_h.State, Ev.Purchase(Ev.T0 + 10, "u1", "r2")));
        _h.Run(new EventBatch { Clock = Ev.T0 + 5_000, ClosesTick = true });

        var stop = _h.Run(Ev.Batch(_h.State, Ev.Stop(Ev.T0 + 6_000, "r2")));

        var delta = Assert.Single(stop.Deltas);
        Assert.Equal(2, delta.Seq);
        Assert.Equal(Ev.T0 + 6_000, delta.Ts);
        Assert.DoesNotContain("r2", delta.Top.Select(t => t.RoomId));
        Assert.Equal(["r2"], delta.Removed);
        Assert.Equal(["r3"], delta.Added);
    }

    [Fact]
    public void Run_RerankWithUnchangedList_EmitsNoDelta()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2")));
        _h.Run(Ev.Batch(_h.State, Ev.Purchase(Ev.T0 + 10, "u1", "r2")));
        var first = _h.Run(new EventBatch { Clock = Ev.T0 + 5_000, ClosesTick = true });

        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 6_000, "u1", "r2")));
        var second = _h.Run(new EventBatch { Clock = Ev.T0 + 10_000, ClosesTick = true });

        Assert.Single(first.Deltas);
        Assert.Equal([_h.User("u1")], second.Reranks);
        Assert.Empty(second.Deltas);
    }

    [Fact]
    public void Run_EqualScores_RankedByRoomIdDeterministically()
    {
        // Two identical cold rooms: same category, no audience, no engagement: identical features.
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "twin-a", "toys"), Ev.Start(Ev.T0, "twin-b", "toys"), Ev.Start(Ev.T0, "r9", "books")));
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 10, "u1", "r9")));
        var final = _h.Run(new EventBatch { Clock = Ev.T0 + 10, ClosesTick = true, IsFinal = true });

        var top = Assert.Single(final.Deltas).Top;
        Assert.Equal("r9", top[0].RoomId);
        Assert.Equal("twin-a", top[1].RoomId);
    }
}
