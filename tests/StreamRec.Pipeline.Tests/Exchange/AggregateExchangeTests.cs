using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Exchange;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Tests.Exchange;

public sealed class AggregateExchangeTests
{
    private static readonly TimeSpan HalfLife = TimeSpan.FromMinutes(30);

    [Fact]
    public void AdmitReceived_OwnContributionComingBack_IsSuperseded()
    {
        var exchange = new AggregateExchange(2);
        Assert.True(exchange.AdmitOwn(0, 1_000));

        Assert.False(exchange.AdmitReceived(Received(0, 1_000)));
        Assert.Equal((1L, 0L), (exchange.Superseded, exchange.Merged));
    }

    [Fact]
    public void AdmitReceived_NewOwnerRepublishingTicksItsPredecessorPublished_CountsEachStretchOnce()
    {
        var exchange = new AggregateExchange(1);
        Assert.True(exchange.AdmitReceived(Received(0, 1_000)));
        Assert.True(exchange.AdmitReceived(Received(0, 2_000)));

        // The new owner restored the partition at an older checkpoint and processes 1_000..2_000 again.
        Assert.False(exchange.AdmitReceived(Received(0, 1_500)));
        Assert.False(exchange.AdmitReceived(Received(0, 2_000)));
        Assert.True(exchange.AdmitReceived(Received(0, 2_500)));

        Assert.Equal((3L, 2L, 2_500L), (exchange.Merged, exchange.Superseded, exchange.AppliedMark(0)));
    }

    [Fact]
    public void AdmitOwn_PartitionAnotherInstanceCountedFurther_SkipsThatStretchThenCountsAgain()
    {
        var exchange = new AggregateExchange(1);
        Assert.True(exchange.AdmitReceived(Received(0, 2_000)));

        Assert.False(exchange.AdmitOwn(0, 1_800));
        Assert.False(exchange.AdmitOwn(0, 2_000));
        Assert.True(exchange.AdmitOwn(0, 2_100));

        // Another close at the same clock (a room_stop's, then the tick's) is still this instance's own.
        Assert.True(exchange.AdmitOwn(0, 2_100));
    }

    [Fact]
    public void TakeDue_ContributionAheadOfTheClock_WaitsForIt()
    {
        var exchange = new AggregateExchange(2);
        exchange.Hold([Received(0, 2_000), Received(1, 3_000), Received(0, 5_000)]);
        var due = new List<RemoteContribution>();

        exchange.TakeDue(0, 4_000, due);
        Assert.Equal([2_000L], due.Select(c => c.Clock));
        exchange.TakeDue(0, 5_000, due);
        Assert.Equal([5_000L], due.Select(c => c.Clock));
        Assert.Equal(1, exchange.Held);
        Assert.Equal(0, exchange.MergedEarly);
    }

    [Fact]
    public void TakeDue_EarlierClockArrivingAfterOneStillWaiting_WaitsBehindItAndIsThenSuperseded()
    {
        // The old owner's tick, then its successor's re-processing of an earlier stretch: the first to arrive wins.
        var exchange = new AggregateExchange(1);
        exchange.Hold([Received(0, 5_000), Received(0, 4_500)]);
        var due = new List<RemoteContribution>();

        exchange.TakeDue(0, 4_800, due);
        Assert.Empty(due);
        exchange.TakeDue(0, 5_000, due);

        Assert.Equal([true, false], due.Select(exchange.AdmitReceived));
    }

    [Fact]
    public void TakeDue_MoreWaitingThanTheBound_TakesTheOldestEarly()
    {
        var exchange = new AggregateExchange(1);
        exchange.Hold([.. Enumerable.Range(0, AggregateExchange.MaxHeld + 3).Select(i => Received(0, 10_000 + i))]);
        var due = new List<RemoteContribution>();

        exchange.TakeDue(0, 0, due);

        Assert.Equal([10_000L, 10_001, 10_002], due.Select(c => c.Clock));
        Assert.Equal((3L, AggregateExchange.MaxHeld), (exchange.MergedEarly, exchange.Held));
    }

    [Fact]
    public void Load_SavedMarks_RestoresTheGate()
    {
        var exchange = new AggregateExchange(3);
        exchange.AdmitOwn(0, 1_000);
        exchange.AdmitReceived(Received(2, 7_000));
        var w = new SnapshotWriter();
        exchange.Save(w);

        var restored = new AggregateExchange(3);
        restored.Load(new SnapshotReader(w.Written.ToArray()));

        Assert.Equal([1_000L, long.MinValue, 7_000L], Enumerable.Range(0, 3).Select(restored.AppliedMark));
        Assert.True(restored.AdmitOwn(0, 1_000));
        Assert.False(restored.AdmitOwn(2, 7_000));
    }

    private static RemoteContribution Received(int partition, long clock) =>
        new(partition, clock, new RoomContributions(4), new CoEngagementContributions(HalfLife));
}
