using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class RerankPolicyTests
{
    private readonly CoreHarness _h = new(new PipelineOptions { Partitions = 1, CoalesceWindow = TimeSpan.FromSeconds(2), FavouriteFanoutLimit = 2 });

    [Fact]
    public void Core_BurstOfOneUsersEvents_OneRerankAfterTheWindow()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2")));
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0, "u1", "r1"), Ev.Click(Ev.T0 + 500, "u1", "r1"), Ev.Click(Ev.T0 + 1500, "u1", "r2")));
        Assert.Equal(0, _h.Metrics.Reranks);

        var due = _h.Tick(Ev.T0 + 2000);
        _h.Tick(Ev.T0 + 9000);

        Assert.Equal(1, _h.Metrics.Reranks);
        Assert.Equal(["u1"], due.Deltas.Select(d => d.UserId));
    }

    [Fact]
    public void Core_UserActiveAgainSoonAfterARerank_NextRerankWaitsForTheMinimumInterval()
    {
        var h = new CoreHarness(new PipelineOptions { Partitions = 1, MinRerankInterval = TimeSpan.FromSeconds(60) });
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + 1_000, "u1", "r1")));
        h.Tick(Ev.T0 + 3_000);
        var reranks = h.Metrics.Reranks;

        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + 10_000, "u1", "r2")));
        h.Tick(Ev.T0 + 62_000);
        Assert.Equal(reranks, h.Metrics.Reranks);
        h.Tick(Ev.T0 + 63_000);

        Assert.Equal(reranks + 1, h.Metrics.Reranks);
    }

    [Fact]
    public void Core_BatchThatDoesNotCloseATick_RanksNothing()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1")));
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 1, "u1", "r1")));

        var open = _h.Run(new EventBatch { Clock = Ev.T0 + 60_000, ClosesTick = false });

        Assert.Empty(open.Deltas);
        Assert.Equal(0, _h.Metrics.Reranks);
    }

    [Fact]
    public void Core_FavouriteStreamerGoesLive_MostAttachedViewersRerankedUpToTheLimit()
    {
        // u1 visited s1 three times, u2 twice, u3 once: with a limit of 2, u1 and u2 are told.
        var visits = new[] { ("u1", 3), ("u2", 2), ("u3", 1) }
            .SelectMany(v => Enumerable.Range(0, v.Item2).Select(i => Ev.Click(Ev.T0 + i, v.Item1, "old-room", "s1")))
            .ToArray();
        _h.Run(Ev.Batch(_h.State, visits));
        _h.Tick(Ev.T0 + 100, final: true);

        var start = _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0 + 200, "r2", streamer: "s1")));

        Assert.Equal(["u1", "u2"], start.Deltas.Select(d => d.UserId));
        Assert.All(start.Deltas, d => Assert.Equal("r2", d.Top[0].RoomId));
    }

    [Fact]
    public void Core_FinalBatch_RanksEveryPendingUser()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1")));
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 1, "u1", "r1"), Ev.Click(Ev.T0 + 1, "u2", "r1")));

        var final = _h.Tick(Ev.T0 + 2, final: true);

        Assert.Equal(["u1", "u2"], final.Deltas.Select(d => d.UserId));
    }
}
