using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Exchange;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Tests.Exchange;

public sealed class AggregateExchangeTests
{
    private static readonly TimeSpan HalfLife = TimeSpan.FromMinutes(30);
    private readonly PipelineState _state = PipelineState.InMemory(new PipelineOptions { Partitions = 2 }.Validate());

    private AggregateExchange Exchange => _state.Exchange;

    private int Clicks => _state.Ids.Sources.Intern("live.clicks");

    [Fact]
    public void Receive_OwnContributionComingBack_IsSuperseded()
    {
        Assert.True(Exchange.AdmitOwn(0, [(Clicks, 10)]));

        Exchange.Receive([Received(0, 1_000, (Clicks, 10))]);

        Assert.Equal((1L, 0L, 0), (Exchange.Superseded, Exchange.Merged, Exchange.Held));
    }

    [Fact]
    public void Receive_NewOwnerRepublishingWhatItsPredecessorPublished_CountsEachEventOnce()
    {
        Exchange.Receive([Received(0, 1_000, (Clicks, 100))]);

        // The new owner restored the partition at an older checkpoint and re-processed offsets up to 80 without
        // having seen the predecessor's record: superseded. What it adds past 100 counts.
        Exchange.Receive([Received(0, 9_000, (Clicks, 80)), Received(0, 9_500, (Clicks, 150))]);

        Assert.Equal((2L, 1L, 150L), (Exchange.Merged, Exchange.Superseded, _state.Partitions[0].Marks.Of(Clicks)));
    }

    [Fact]
    public void Receive_PartsOfOneTickPublishedAgainAfterACrash_CountsEachPartOnce()
    {
        // The first run's last part never reached the broker; its restart publishes the whole tick again.
        Exchange.Receive([Part(0, 3), Part(1, 3)]);
        Exchange.Receive([Part(0, 3), Part(1, 3), Part(2, 3)]);

        Assert.Equal((3L, 2L), (Exchange.Merged, Exchange.Superseded));
        Assert.Equal([0, 1, 2], Held(0).Select(c => c.Part));
    }

    [Fact]
    public void Receive_LaterPartOfAnotherTick_IsPassedOver()
    {
        Exchange.Receive([Part(0, 2), Part(1, 2, clock: 2_000), Part(1, 2, offset: 11)]);

        Assert.Equal((1L, 2L), (Exchange.Merged, Exchange.Superseded));
    }

    [Fact]
    public void Receive_OwnPartsComingBack_AreSuperseded()
    {
        Assert.True(Exchange.AdmitOwn(0, [(Clicks, 10)]));

        Exchange.Receive([Part(0, 2), Part(1, 2)]);

        Assert.Equal((2L, 0L), (Exchange.Superseded, Exchange.Merged));
    }

    [Fact]
    public void Load_SavedBetweenTwoPartsOfATick_CountsTheRestAfterTheRestart()
    {
        Exchange.Receive([Part(0, 2)]);
        var restored = Restarted();
        var clicks = restored.Ids.Sources.Intern("live.clicks");

        restored.Exchange.Receive([new(0, 1_000, [(clicks, 10)], new RoomContributions(4), new CoEngagementContributions(HalfLife)) { Part = 1, Parts = 2 }]);

        Assert.Equal((1L, 0L), (restored.Exchange.Merged, restored.Exchange.Superseded));
    }

    [Fact]
    public void Receive_ProvisionalRecord_IsKeptAsideNeitherMergedNorMarked()
    {
        Exchange.Receive([Provisional(0, 12)]);

        Assert.Equal((0L, 0L, 0), (Exchange.Merged, Exchange.Superseded, Exchange.Held));
        Assert.Equal(-1, _state.Partitions[0].Marks.Of(Clicks));
    }

    [Fact]
    public void Adopt_ProvisionalTheRestoredStateAccountsFor_CountsItAndPublishesItAsAClosedTick()
    {
        Exchange.Receive([Received(0, 500, (Clicks, 5)), Provisional(0, 12)]);
        var published = new List<PublishedContribution>();

        Assert.True(Exchange.Adopt(0, [(Clicks, 13)], published));

        Assert.Equal((1L, 1L, 12L), (Exchange.Adopted, Exchange.Merged, _state.Partitions[0].Marks.Of(Clicks)));
        var due = Held(0);
        Assert.Equal(2, due.Count);
        Assert.True(due[1].IsProvisional);
        var republished = ContributionCodec.Decode(Assert.Single(published).Value, 2, 4, HalfLife, _state.Ids);
        Assert.False(republished.IsProvisional);
        Assert.Equal(due[1].Rooms.Rooms.Keys, republished.Rooms.Rooms.Keys);
        Assert.False(Exchange.Adopt(0, [(Clicks, 13)], published));
    }

    [Fact]
    public void Adopt_ProvisionalPastTheRestoredState_IsRefused()
    {
        Exchange.Receive([Provisional(0, 12)]);

        // The restored checkpoint is older than the one that published it: the new owner re-processes those events itself.
        Assert.False(Exchange.Adopt(0, [(Clicks, 11)], []));
        Assert.False(Exchange.Adopt(1, [(Clicks, 20)], []));
        Assert.Equal(0, Exchange.Held);
    }

    [Fact]
    public void Adopt_ProvisionalWhoseTickWasClosedSince_IsRefused()
    {
        Exchange.Receive([Provisional(0, 12), Received(0, 1_000, (Clicks, 15))]);

        Assert.False(Exchange.Adopt(0, [(Clicks, 20)], []));
        Assert.Equal(1, Exchange.Held);
    }

    [Fact]
    public void Load_ProvisionalKeptAside_CanBeAdoptedAfterTheRestart()
    {
        Exchange.Receive([Provisional(0, 12)]);

        var restored = Restarted();

        Assert.True(restored.Exchange.Adopt(0, [(restored.Ids.Sources.Find("live.clicks"), 12)], null));
    }

    [Fact]
    public void Marks_ReceivedContributionCoveringAnOffset_CountEventsUpToItOnly()
    {
        Exchange.Receive([Received(1, 1_000, (Clicks, 41))]);
        var marks = _state.Partitions[1].Marks;

        Assert.True(marks.Counts(new EventRecord(EventKind.Click, 1, 0, 0, 0, -1, 0, Source: Clicks, Offset: 41)));
        Assert.False(marks.Counts(new EventRecord(EventKind.Click, 1, 0, 0, 0, -1, 0, Source: Clicks, Offset: 42)));
        Assert.False(marks.Counts(new EventRecord(EventKind.Click, 1, 0, 0, 0, -1, 0)));
        Assert.False(_state.Partitions[0].Marks.Counts(new EventRecord(EventKind.Click, 1, 0, 0, 0, -1, 0, Source: Clicks, Offset: 1)));
    }

    [Fact]
    public void TakeDue_ContributionAheadOfTheClock_WaitsForIt()
    {
        Exchange.Receive([Received(0, 2_000, (Clicks, 1)), Received(1, 3_000, (Clicks, 1)), Received(0, 5_000, (Clicks, 2))]);
        var due = new List<RemoteContribution>();

        Exchange.TakeDue(0, 4_000, due);
        Assert.Equal([2_000L], due.Select(c => c.Clock));
        Exchange.TakeDue(0, 5_000, due);
        Assert.Equal([5_000L], due.Select(c => c.Clock));
        Assert.Equal(1, Exchange.Held);
        Assert.Equal(0, Exchange.MergedEarly);
    }

    [Fact]
    public void TakeDue_MoreWaitingThanTheBound_TakesTheOldestEarly()
    {
        Exchange.Receive([.. Enumerable.Range(0, AggregateExchange.MaxHeld + 3).Select(i => Received(0, 10_000 + i, (Clicks, i)))]);
        var due = new List<RemoteContribution>();

        Exchange.TakeDue(0, 0, due);

        Assert.Equal([10_000L, 10_001, 10_002], due.Select(c => c.Clock));
        Assert.Equal((3L, AggregateExchange.MaxHeld), (Exchange.MergedEarly, Exchange.Held));
    }

    [Fact]
    public void Load_SavedMarks_RestoreByTopicName()
    {
        _state.Ids.Sources.Intern("live.comments");
        Assert.True(Exchange.AdmitOwn(1, [(_state.Ids.Sources.Find("live.comments"), 7), (Clicks, 70)]));
        var w = new SnapshotWriter();
        Exchange.Save(w, StateCheckpointer.Version);

        // Another start meets the topics in another order.
        var restored = PipelineState.InMemory(new PipelineOptions { Partitions = 2 }.Validate());
        var comments = restored.Ids.Sources.Intern("live.comments");
        restored.Exchange.Load(new SnapshotReader(w.Written.ToArray()), _ => throw new InvalidOperationException("nothing waits"));

        Assert.Equal(7, restored.Partitions[1].Marks.Of(comments));
        Assert.Equal(70, restored.Partitions[1].Marks.Of(restored.Ids.Sources.Find("live.clicks")));
        Assert.Empty(restored.Partitions[0].Marks.All());
    }

    [Fact]
    public void Load_ContributionsStillWaiting_AreKeptWithTheirClaims()
    {
        var ids = _state.Ids;
        var rooms = new RoomContributions(4);
        rooms.Engage(ids.Rooms.Intern("r1"), 5_000, HalfLife, 2, purchase: false);
        rooms.Cover(Clicks, 9);
        var value = Assert.Single(ContributionCodec.Encode(1, 5_000, rooms, new CoEngagementContributions(HalfLife), ids));
        Exchange.Receive([ContributionCodec.Decode(value, 2, 4, HalfLife, ids)]);

        var restored = Restarted();
        var due = new List<RemoteContribution>();
        restored.Exchange.TakeDue(1, 5_000, due);

        Assert.Equal(9, restored.Partitions[1].Marks.Of(restored.Ids.Sources.Find("live.clicks")));
        var room = Assert.Single(Assert.Single(due).Rooms.Rooms);
        Assert.Equal(("r1", 2.0), (restored.Ids.Rooms.NameOf(room.Key), room.Value.Popularity.Value));
    }

    /// <summary>Part <paramref name="part"/> of a tick of partition 0 cut into <paramref name="parts"/> (a room each), as received.</summary>
    private RemoteContribution Part(int part, int parts, long clock = 1_000, long offset = 10)
    {
        var rooms = new RoomContributions(4);
        for (var r = 0; r < parts; r++)
        {
            rooms.Engage(_state.Ids.Rooms.Intern($"r{r}"), clock, HalfLife, 1, purchase: false);
        }

        rooms.Cover(Clicks, offset);
        var encoded = ContributionCodec.Encode(0, clock, rooms, new CoEngagementContributions(HalfLife), _state.Ids, maxBytes: 1);
        Assert.Equal(parts, encoded.Count);
        return ContributionCodec.Decode(encoded[part], 2, 4, HalfLife, _state.Ids);
    }

    private List<RemoteContribution> Held(int partition)
    {
        var due = new List<RemoteContribution>();
        Exchange.TakeDue(partition, long.MaxValue, due);
        return due;
    }

    /// <summary>This exchange saved and loaded into a fresh state, as a restart does (what waits decoded by the codec).</summary>
    private PipelineState Restarted()
    {
        var w = new SnapshotWriter();
        Exchange.Save(w, StateCheckpointer.Version);
        var restored = PipelineState.InMemory(new PipelineOptions { Partitions = 2 }.Validate());
        restored.Exchange.Load(new SnapshotReader(w.Written.ToArray()), bytes => ContributionCodec.Decode(bytes, 2, 4, HalfLife, restored.Ids));
        return restored;
    }

    /// <summary>A checkpoint's open tick of partition <paramref name="partition"/>, covering clicks up to <paramref name="offset"/>.</summary>
    private RemoteContribution Provisional(int partition, long offset)
    {
        var rooms = new RoomContributions(4);
        rooms.Engage(_state.Ids.Rooms.Intern("r1"), 2_000, HalfLife, 1, purchase: false);
        rooms.Cover(Clicks, offset);
        var value = Assert.Single(ContributionCodec.Encode(partition, 2_000, rooms, new CoEngagementContributions(HalfLife), _state.Ids, provisional: true));
        return ContributionCodec.Decode(value, 2, 4, HalfLife, _state.Ids);
    }

    private static RemoteContribution Received(int partition, long clock, params (int Source, long Offset)[] covered) =>
        new(partition, clock, covered, new RoomContributions(4), new CoEngagementContributions(HalfLife));
}
