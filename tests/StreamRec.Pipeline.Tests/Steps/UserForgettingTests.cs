using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class UserForgettingTests
{
    private readonly CoreHarness _h = new(new Options.PipelineOptions { Partitions = 1, TopK = 2, FavouriteMinAffinity = 0 });

    [Fact]
    public void Forget_UserWithAList_WithdrawsItWithTheNextSeqAndKeepsNothing()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1", "beauty", "s1"), Ev.Start(Ev.T0, "r2", "food", "s2")));
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 1_000, "u1", "r1"), Ev.Click(Ev.T0 + 1_000, "u2", "r2")));
        var sent = Assert.Single(_h.Tick(Ev.T0 + 5_000).Deltas, d => d.UserId == "u1");

        var forgotten = _h.Run(Ev.Batch(_h.State, Ev.Forget(Ev.T0 + 6_000, "u1")));

        var withdrawal = Assert.Single(forgotten.Deltas);
        Assert.True(withdrawal.Forgotten);
        Assert.Equal("u1", withdrawal.UserId);
        Assert.Equal(sent.Seq + 1, withdrawal.Seq);
        Assert.Empty(withdrawal.Top);
        Assert.Equal(sent.Top.Select(r => r.RoomId), withdrawal.Removed);
        Assert.Null(_h.UserState("u1"));
        Assert.NotNull(_h.UserState("u2"));
    }

    [Fact]
    public void Forget_ThenFavouriteStreamerGoesLiveAndRoomStops_NothingIsSentToTheUser()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1", "beauty", "s1")));
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 1_000, "u1", "r1"), Ev.Purchase(Ev.T0 + 1_100, "u1", "r1")));
        _h.Run(Ev.Batch(_h.State, Ev.Forget(Ev.T0 + 2_000, "u1")));

        var stopped = _h.Run(Ev.Batch(_h.State, Ev.Stop(Ev.T0 + 3_000, "r1", "s1")));
        var restarted = _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0 + 4_000, "r9", "beauty", "s1")));
        var later = _h.Tick(Ev.T0 + 60_000, final: true);

        Assert.DoesNotContain(stopped.Deltas.Concat(restarted.Deltas).Concat(later.Deltas), d => d.UserId == "u1");
        Assert.Null(_h.UserState("u1"));
        Assert.Equal(0, _h.PartitionOf("u1").Reranks.Count);
    }

    [Fact]
    public void Forget_UserActsAgain_StartsAfreshAtSeqOne()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1", "beauty", "s1")));
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 1_000, "u1", "r1")));
        _h.Run(Ev.Batch(_h.State, Ev.Forget(Ev.T0 + 2_000, "u1")));

        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 10_000, "u1", "r1")));

        var delta = Assert.Single(_h.Tick(Ev.T0 + 15_000).Deltas, d => d.UserId == "u1");
        Assert.Equal(1, delta.Seq);
        Assert.False(delta.Forgotten);
    }

    [Fact]
    public void Forget_UnknownUser_StillConfirmsWithSeqOne()
    {
        var forgotten = _h.Run(Ev.Batch(_h.State, Ev.Forget(Ev.T0, "nobody")));

        var withdrawal = Assert.Single(forgotten.Deltas);
        Assert.True(withdrawal.Forgotten);
        Assert.Equal(1, withdrawal.Seq);
        Assert.Null(_h.UserState("nobody"));
    }
}
