using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class RoomRegistryUpdateTests
{
    private readonly StepHarness _h = new();

    [Fact]
    public void Apply_StartThenStop_RoomLiveOnlyInBetween()
    {
        var start = Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0 + 5, "r2"));
        _h.Registry.Apply(start);
        Assert.Equal([_h.Room("r1"), _h.Room("r2")], _h.State.Rooms.LiveRooms);
        Assert.Equal([_h.Room("r1"), _h.Room("r2")], start.StartedRooms);

        var stop = Ev.Batch(_h.State, Ev.Stop(Ev.T0 + 10, "r1"));
        _h.Registry.Apply(stop);

        Assert.Equal([_h.Room("r2")], _h.State.Rooms.LiveRooms);
        Assert.Equal([_h.Room("r1")], stop.StoppedRooms);
        Assert.False(_h.State.Rooms.FindRoom(_h.Room("r1"))!.IsLive);
    }

    [Fact]
    public void Apply_DuplicateStartAndStrayStop_ReportedOnlyWhenLivenessChanges()
    {
        _h.Registry.Apply(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1")));
        var again = Ev.Batch(_h.State, Ev.Start(Ev.T0 + 1, "r1"), Ev.Stop(Ev.T0 + 2, "never-started"));

        _h.Registry.Apply(again);

        Assert.Empty(again.StartedRooms);
        Assert.Empty(again.StoppedRooms);
        Assert.Single(_h.State.Rooms.LiveRooms);
    }

    [Fact]
    public void Apply_Engagement_RaisesPopularityAndConversion()
    {
        _h.Registry.Apply(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1")));
        _h.Registry.Apply(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 1, "u1", "r1"), Ev.Purchase(Ev.T0 + 2, "u1", "r1")));

        var room = _h.State.Rooms.FindRoom(_h.Room("r1"))!;
        Assert.Equal(1 + 5, room.Popularity.At(Ev.T0 + 2, _h.Options.PopularityHalfLife), 4);
        Assert.Equal(1, room.Purchases.At(Ev.T0 + 2, _h.Options.PopularityHalfLife), 6);
    }
}
