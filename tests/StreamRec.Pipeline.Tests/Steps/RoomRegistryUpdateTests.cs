using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class RoomRegistryUpdateTests
{
    private readonly CoreHarness _h = new();

    [Fact]
    public void Core_StartThenStop_RoomLiveOnlyInBetween()
    {
        var start = _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0 + 5, "r2")));
        Assert.Equal([_h.Room("r1"), _h.Room("r2")], _h.State.Rooms.LiveRooms);
        Assert.Equal([_h.Room("r1"), _h.Room("r2")], start.StartedRooms);

        var stop = _h.Run(Ev.Batch(_h.State, Ev.Stop(Ev.T0 + 10, "r1")));

        Assert.Equal([_h.Room("r2")], _h.State.Rooms.LiveRooms);
        Assert.Equal([_h.Room("r1")], stop.StoppedRooms);
        Assert.False(_h.State.Rooms.FindRoom(_h.Room("r1"))!.IsLive);
        Assert.Equal([_h.Room("r2")], _h.State.LiveIndex.Trending.ToArray());
    }

    [Fact]
    public void Core_DuplicateStartAndStrayStop_ReportedOnlyWhenLivenessChanges()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1")));

        var again = _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0 + 1, "r1"), Ev.Stop(Ev.T0 + 2, "never-started")));

        Assert.Empty(again.StartedRooms);
        Assert.Empty(again.StoppedRooms);
        Assert.Single(_h.State.Rooms.LiveRooms);
    }

    [Fact]
    public void Core_Engagement_RaisesPopularityAndConversionAtTheTicksClose()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1")));
        var open = new Batches.EventBatch { Clock = Ev.T0 + 2 };
        open.Events.Add(Ev.Record(_h.State, Ev.Click(Ev.T0 + 1, "u1", "r1")));
        open.Events.Add(Ev.Record(_h.State, Ev.Purchase(Ev.T0 + 2, "u1", "r1")));
        _h.Run(open);
        var room = _h.State.Rooms.FindRoom(_h.Room("r1"))!;
        Assert.Equal(0, room.Popularity.Value);

        _h.Tick(Ev.T0 + 2);

        Assert.Equal(1 + 5, room.Popularity.At(Ev.T0 + 2, _h.Options.PopularityHalfLife), 4);
        Assert.Equal(1, room.Purchases.At(Ev.T0 + 2, _h.Options.PopularityHalfLife), 6);
    }

    [Fact]
    public void Core_SameEngagementOverTwoOrFourPartitions_SameRoomAggregates()
    {
        int[] counts = [1, 2, 4];
        var aggregates = counts.Select(partitions =>
        {
            var h = new CoreHarness(new PipelineOptions { Partitions = partitions });
            h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "r1")));
            h.Run(Ev.Batch(h.State, [.. Enumerable.Range(0, 40).Select(i => Ev.Click(Ev.T0 + 10 + i, $"u{i}", "r1"))]));
            h.Run(Ev.Batch(h.State, [.. Enumerable.Range(0, 40).Select(i => Ev.Purchase(Ev.T0 + 1_000 + i, $"u{i}", "r1"))]));
            var room = h.State.Rooms.FindRoom(h.Room("r1"))!;
            var streamer = h.State.Rooms.FindStreamer(room.Streamer)!;
            return (Popularity: room.Popularity.At(Ev.T0 + 2_000, h.Options.PopularityHalfLife), Audience: streamer.AudienceMass.At(Ev.T0 + 2_000, h.Options.AudienceHalfLife));
        }).ToList();

        Assert.All(aggregates, a => Assert.Equal(aggregates[0].Popularity, a.Popularity, 6));
        Assert.All(aggregates, a => Assert.Equal(aggregates[0].Audience, a.Audience, 6));
    }
}
