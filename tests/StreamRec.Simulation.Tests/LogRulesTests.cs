using StreamRec.Contracts.Events;

namespace StreamRec.Simulation.Tests;

public sealed class LogRulesTests(SmallWorld world) : IClassFixture<SmallWorld>
{
    [Fact]
    public void Events_InEventTimeOrder_RoomEventsBeforeUserEventsAtTheSameInstant()
    {
        var misplaced = world.Events.Zip(world.Events.Skip(1))
            .Where(p => p.Second.Ts < p.First.Ts || (p.Second.Ts == p.First.Ts && p.First is UserEvent && p.Second is RoomEvent))
            .Take(3).ToList();

        Assert.Empty(misplaced);
    }

    [Fact]
    public void Events_Ids_CountUpFromOne()
    {
        Assert.Equal(Enumerable.Range(1, world.Events.Count).Select(i => $"evt-{i:D9}"), world.Events.Select(e => e.EventId));
    }

    [Fact]
    public void UserEvents_HappenOnlyInRoomsLiveAtTheirTime()
    {
        var live = new HashSet<string>();
        var offline = new List<UserEvent>();
        foreach (var e in world.Events)
        {
            switch (e)
            {
                case RoomStartEvent start:
                    live.Add(start.RoomId);
                    break;
                case RoomStopEvent stop:
                    live.Remove(stop.RoomId);
                    break;
                case UserEvent u when !live.Contains(u.RoomId):
                    offline.Add(u);
                    break;
                default:
                    break;
            }
        }

        Assert.Empty(offline.Take(3));
        Assert.Contains(world.Events, e => e is ClickEvent);
    }

    [Fact]
    public void RoomEvents_StartsAndStopsAlternatePerRoomAndUpdatesComeWhileLive()
    {
        var live = new HashSet<string>();
        var broken = new List<RoomEvent>();
        foreach (var e in world.Events.OfType<RoomEvent>())
        {
            var fine = e switch
            {
                RoomStartEvent => live.Add(e.RoomId),
                RoomStopEvent => live.Remove(e.RoomId),
                _ => live.Contains(e.RoomId),
            };
            if (!fine)
            {
                broken.Add(e);
            }
        }

        Assert.Empty(broken.Take(3));
        Assert.Contains(world.Events, e => e is RoomStopEvent);
        Assert.Contains(world.Events, e => e is RoomUpdateEvent);
    }

    [Fact]
    public void Events_RoomsAndStreamers_KeepTheirFixedPairing()
    {
        var streamers = world.Events.OfType<RoomEvent>().Select(e => (e.RoomId, e.StreamerId))
            .Concat(world.Events.OfType<UserEvent>().Select(e => (e.RoomId, e.StreamerId)))
            .Distinct().GroupBy(p => p.RoomId).Where(g => g.Count() > 1).ToList();

        Assert.Empty(streamers);
    }

    [Fact]
    public void Summary_PeakLiveRooms_IsTheMostRoomsLiveAtOnceInTheLog()
    {
        Assert.Equal(PeakLive(world.Events), world.Summary.PeakLiveRooms);
    }

    [Fact]
    public void ManyRooms_ThousandsLiveAtOnce()
    {
        var options = new SimulationOptions { Users = 2000, Rooms = 20_000, Duration = TimeSpan.FromHours(1), Seed = 5 };

        var events = new LiveCommerceSimulator(options).Generate();

        var peak = PeakLive(events);
        Assert.True(peak > 5000, $"at most {peak} of 20000 rooms live at once");
        Assert.True(events.OfType<ClickEvent>().Select(c => c.RoomId).Distinct().Count() > 1000, "visits spread over the live rooms");
    }

    private static int PeakLive(IEnumerable<LiveEvent> events)
    {
        int live = 0, peak = 0;
        foreach (var e in events)
        {
            live += e switch { RoomStartEvent => 1, RoomStopEvent => -1, _ => 0 };
            peak = Math.Max(peak, live);
        }

        return peak;
    }
}
