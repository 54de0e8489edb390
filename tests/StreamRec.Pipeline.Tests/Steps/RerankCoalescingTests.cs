using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class RerankCoalescingTests
{
    private readonly StepHarness _h = new(new PipelineOptions { CoalesceWindow = TimeSpan.FromSeconds(2), FavouriteFanoutLimit = 2 });

    [Fact]
    public void Apply_BurstOfOneUsersEvents_ReleasesOneRerankAfterTheWindow()
    {
        var burst = Ev.Batch(_h.State, Ev.Click(Ev.T0, "u1", "r1"), Ev.Click(Ev.T0 + 500, "u1", "r1"), Ev.Click(Ev.T0 + 1500, "u1", "r2"));
        _h.Coalescing.Apply(burst);
        Assert.Empty(burst.Reranks);

        var later = new EventBatch { Clock = Ev.T0 + 2000, ClosesTick = true };
        _h.Coalescing.Apply(later);
        var afterwards = new EventBatch { Clock = Ev.T0 + 9000, ClosesTick = true };
        _h.Coalescing.Apply(afterwards);

        Assert.Equal([_h.User("u1")], later.Reranks);
        Assert.Empty(afterwards.Reranks);
    }

    [Fact]
    public void Apply_BatchThatDoesNotCloseATick_ReleasesNothing()
    {
        _h.Coalescing.Apply(Ev.Batch(_h.State, Ev.Click(Ev.T0, "u1", "r1")));

        var open = new EventBatch { Clock = Ev.T0 + 60_000, ClosesTick = false };
        _h.Coalescing.Apply(open);

        Assert.Empty(open.Reranks);
    }

    [Fact]
    public void Apply_RoomStop_ReleasesEveryHolderAtOnceInIdOrder()
    {
        var room = Ev.Record(_h.State, Ev.Start(Ev.T0, "r1")).Room;
        foreach (var user in new[] { "u3", "u1", "u2" })
        {
            _h.State.Rankings.Put(Ev.Record(_h.State, Ev.Click(Ev.T0, user, "r1")).User, [room]);
        }

        var stop = new EventBatch { Clock = Ev.T0 + 100, ClosesTick = true };
        stop.StoppedRooms.Add(room);
        _h.Coalescing.Apply(stop);

        // Ids are numbered in first-seen order (u3, u1, u2); holders are released in id order.
        Assert.Equal([_h.User("u3"), _h.User("u1"), _h.User("u2")], stop.Reranks);
    }

    [Fact]
    public void Apply_FavouriteStreamerGoesLive_MostAttachedViewersReleasedUpToTheLimit()
    {
        // u1 visited s1 three times, u2 twice, u3 once: with a limit of 2, u1 and u2 are told.
        var visits = new[] { ("u1", 3), ("u2", 2), ("u3", 1) }
            .SelectMany(v => Enumerable.Range(0, v.Item2).Select(i => Ev.Click(Ev.T0 + i, v.Item1, "old-room", "s1")))
            .ToArray();
        _h.Affinity.Apply(Ev.Batch(_h.State, visits));

        var start = Ev.Batch(_h.State, Ev.Start(Ev.T0 + 200, "r2", streamer: "s1"));
        _h.Registry.Apply(start);
        _h.Coalescing.Apply(start);

        Assert.Equal([_h.User("u1"), _h.User("u2")], start.Reranks);
    }

    [Fact]
    public void Apply_FinalBatch_ReleasesEveryPendingUser()
    {
        _h.Coalescing.Apply(Ev.Batch(_h.State, Ev.Click(Ev.T0, "u1", "r1"), Ev.Click(Ev.T0 + 1, "u2", "r1")));

        var final = new EventBatch { Clock = Ev.T0 + 1, ClosesTick = true, IsFinal = true };
        _h.Coalescing.Apply(final);

        Assert.Equal([_h.User("u1"), _h.User("u2")], final.Reranks);
    }
}
