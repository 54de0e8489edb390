using System.Runtime.InteropServices;
using StreamRec.Contracts.Events;

namespace StreamRec.Simulation.Tests;

/// <summary>
/// The world model's headline rates on a small world, with bounds wide enough for any seed but tight enough
/// to catch a changed model (the pre-rewrite simulator measured the same quantities inside them).
/// </summary>
public sealed class DistributionTests(SmallWorld world) : IClassFixture<SmallWorld>
{
    private const long Minute = 60_000;

    [Fact]
    public void Comments_AboutTwelvePercentOfClicks()
    {
        var share = (double)world.Events.Count(e => e is CommentEvent) / world.Events.Count(e => e is ClickEvent);

        Assert.InRange(share, 0.105, 0.135);
    }

    [Fact]
    public void Purchases_AFewPercentOfClicks_MostOfOneItem()
    {
        var purchases = world.Events.OfType<PurchaseEvent>().ToList();
        var share = (double)purchases.Count / world.Events.Count(e => e is ClickEvent);

        Assert.InRange(share, 0.04, 0.09);
        Assert.InRange((double)purchases.Count(p => p.Quantity == 1) / purchases.Count, 0.75, 0.85);
    }

    [Fact]
    public void Visits_OftenGoBackToAStreamerSeenBefore()
    {
        var visits = Visits(world.Events);

        var share = (double)visits.Count(v => v.Repeat) / visits.Count;

        Assert.InRange(share, 0.25, 0.45);
    }

    [Fact]
    public void Clicks_ConcentrateOnTheMostPopularRooms()
    {
        var rooms = new WorldSweep(SmallWorld.Options).Rooms;
        var topDecile = Enumerable.Range(0, rooms.Count).OrderByDescending(rooms.WeightOf).Take(rooms.Count / 10).Select(WorldNames.Room).ToHashSet();
        var clicks = world.Events.OfType<ClickEvent>().ToList();

        var share = (double)clicks.Count(c => topDecile.Contains(c.RoomId)) / clicks.Count;

        Assert.True(share > 0.3, $"the 10% most popular rooms got {share:P1} of clicks");
    }

    [Fact]
    public void FavouriteGoingLive_PullsFollowersInWithinMinutes()
    {
        // Followers (two or more visits to the streamer) of a room that goes live: how many click it in its first
        // five minutes, against a later five minutes of the same session.
        var (early, late) = FollowerVisits(world.Events, firstWindow: 5 * Minute, laterWindow: 20 * Minute);

        Assert.True(early > 0.15, $"only {early:P1} of followers came in the first five minutes");
        Assert.True(early > 2 * late, $"{early:P1} of followers came in the first five minutes, {late:P1} twenty minutes later");
    }

    private static List<(string User, bool Repeat)> Visits(IEnumerable<LiveEvent> events)
    {
        var seen = new HashSet<(string, string)>();
        var last = new Dictionary<string, string>();
        var visits = new List<(string, bool)>();
        foreach (var click in events.OfType<ClickEvent>())
        {
            if (last.GetValueOrDefault(click.UserId) != click.RoomId)
            {
                visits.Add((click.UserId, !seen.Add((click.UserId, click.StreamerId))));
            }

            last[click.UserId] = click.RoomId;
        }

        return visits;
    }

    private static (double Early, double Late) FollowerVisits(IReadOnlyList<LiveEvent> events, long firstWindow, long laterWindow)
    {
        var stops = events.OfType<RoomStopEvent>().ToLookup(e => e.RoomId, e => e.Ts);
        var clicks = events.OfType<ClickEvent>().ToLookup(e => e.RoomId);
        var visits = new Dictionary<(string User, string Streamer), int>();
        var followers = new Dictionary<string, List<string>>();
        var last = new Dictionary<string, string>();
        long cases = 0, early = 0, late = 0;
        foreach (var e in events)
        {
            if (e is RoomStartEvent start && start.Ts > events[0].Ts && Stop(start) > start.Ts + laterWindow + firstWindow)
            {
                var those = followers.GetValueOrDefault(start.StreamerId, []).ToHashSet();
                cases += those.Count;
                early += Came(start, those, start.Ts);
                late += Came(start, those, start.Ts + laterWindow);
            }
            else if (e is ClickEvent click)
            {
                if (last.GetValueOrDefault(click.UserId) != click.RoomId
                    && ++CollectionsMarshal.GetValueRefOrAddDefault(visits, (click.UserId, click.StreamerId), out _) == 2)
                {
                    (CollectionsMarshal.GetValueRefOrAddDefault(followers, click.StreamerId, out _) ??= []).Add(click.UserId);
                }

                last[click.UserId] = click.RoomId;
            }
        }

        Assert.True(cases > 100, $"only {cases} follower cases");
        return ((double)early / cases, (double)late / cases);

        long Stop(RoomStartEvent start) => stops[start.RoomId].Where(t => t > start.Ts).DefaultIfEmpty(long.MaxValue).Min();

        int Came(RoomStartEvent start, HashSet<string> users, long from) =>
            clicks[start.RoomId].Where(c => c.Ts > from && c.Ts <= from + firstWindow && users.Contains(c.UserId)).Select(c => c.UserId).Distinct().Count();
    }
}
