namespace StreamRec.Simulation.Tests;

/// <summary>
/// The sublinear pickers draw from exactly the distributions the linear scan over every room did; checked
/// against weights computed room by room, the way the old simulator computed them.
/// </summary>
public sealed class RoomChooserTests
{
    private const int Draws = 200_000;

    private readonly RoomTable _rooms = RoomTable.Create(300, new DeterministicRandom(17));
    private readonly LiveRooms _live;
    private readonly Viewers _viewers = new(1, seed: 4, visitsPerHour: 1.5);
    private readonly ViewerHistory _history;
    private readonly RoomChooser _chooser;

    public RoomChooserTests()
    {
        _live = new LiveRooms(_rooms);
        _history = new ViewerHistory(1, _rooms.Streamers);
        _chooser = new RoomChooser(_rooms, _live, _viewers, _history);
        // Churn first, so the trees have seen starts and stops, then leave every third room live.
        for (var r = 0; r < _rooms.Count; r++)
        {
            _live.Start(r, long.MaxValue);
        }

        for (var r = 0; r < _rooms.Count; r++)
        {
            if (r % 3 != 0)
            {
                _live.Stop(r);
            }
        }
    }

    [Fact]
    public void Explore_ManyDraws_FollowPopularityTimesTasteToTheOnePointFiveAmongLiveRooms()
    {
        var expected = Normalise(Enumerable.Range(0, _rooms.Count).Select(r =>
            _live.IsLive(r) ? _rooms.WeightOf(r) * Math.Pow(_viewers.Taste(0, _rooms.CategoryOf(r)), 1.5) : 0));
        var random = 99UL;

        var observed = Frequencies(() => _chooser.Explore(0, ref random));

        Assert.True(TotalVariation(expected, observed) < 0.01, $"total variation {TotalVariation(expected, observed):F4}");
    }

    [Fact]
    public void PickFavourite_ManyDraws_FollowVisitsToTheOnePointFiveAmongLiveRoomsOfSeenStreamers()
    {
        int[] seen = [0, 3, 6, 7, 9, 12];
        for (var i = 0; i < seen.Length; i++)
        {
            for (var v = 0; v <= i; v++)
            {
                _history.Record(0, seen[i]);
            }
        }

        var visits = seen.Select((s, i) => (Streamer: s, Visits: i + 1)).ToDictionary(p => p.Streamer, p => p.Visits);
        var expected = Normalise(Enumerable.Range(0, _rooms.Count).Select(r =>
            _live.IsLive(r) && visits.TryGetValue(_rooms.StreamerOf(r), out var n) ? Math.Pow(n, 1.5) : 0));
        var random = 5UL;

        var observed = Frequencies(() => _chooser.PickFavourite(0, ref random));

        Assert.True(TotalVariation(expected, observed) < 0.01, $"total variation {TotalVariation(expected, observed):F4}");
    }

    [Fact]
    public void PickFavourite_NoSeenStreamerLive_ReturnsMinusOne()
    {
        _history.Record(0, 1);
        _history.Record(0, 2);
        var random = 1UL;

        Assert.Equal(-1, _chooser.PickFavourite(0, ref random));
    }

    [Fact]
    public void Choose_NothingLive_ReturnsMinusOne()
    {
        for (var r = 0; r < _rooms.Count; r += 3)
        {
            _live.Stop(r);
        }

        Assert.Equal(-1, _chooser.Choose(0));
    }

    private double[] Frequencies(Func<int> pick)
    {
        var counts = new double[_rooms.Count];
        for (var i = 0; i < Draws; i++)
        {
            counts[pick()]++;
        }

        return Normalise(counts);
    }

    private static double[] Normalise(IEnumerable<double> weights)
    {
        var array = weights.ToArray();
        var total = array.Sum();
        return [.. array.Select(w => w / total)];
    }

    private static double TotalVariation(double[] p, double[] q) => 0.5 * p.Zip(q, (a, b) => Math.Abs(a - b)).Sum();
}
