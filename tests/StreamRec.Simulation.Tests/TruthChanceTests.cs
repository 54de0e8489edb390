namespace StreamRec.Simulation.Tests;

/// <summary>
/// The truth's chances are the chooser's own: over many draws, where <see cref="RoomChooser.Choose(int, int)"/>
/// goes matches <see cref="RoomChooser.Probabilities"/>, with sub-genres, price levels, a history and a session.
/// </summary>
public sealed class TruthChanceTests
{
    private const int Draws = 200_000;
    private static readonly SimulationOptions Options = new();

    private readonly RoomTable _rooms = RoomTable.Create(300, new DeterministicRandom(17), new RoomBuckets(Options.SubGenres, Options.PriceLevels), 17);
    private readonly LiveRooms _live;
    private readonly Viewers _viewers = new(2, seed: 4, visitsPerHour: 1.5, Options);
    private readonly ViewerHistory _history;
    private readonly RoomChooser _chooser;

    public TruthChanceTests()
    {
        _live = new LiveRooms(_rooms);
        _history = new ViewerHistory(2, _rooms.Streamers);
        _chooser = new RoomChooser(_rooms, _live, _viewers, _history, Options.SessionStay);
        for (var r = 0; r < _rooms.Count; r += 2)
        {
            _live.Start(r, long.MaxValue);
        }

        int[] seen = [0, 4, 6, 9, 12];
        for (var i = 0; i < seen.Length; i++)
        {
            for (var v = 0; v <= i; v++)
            {
                _history.Record(0, seen[i]);
            }
        }
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(0, 5)]
    [InlineData(1, -1)]
    [InlineData(1, 40)]
    public void Choose_ManyDraws_FollowsTheTruthsChances(int viewer, int sessionBucket)
    {
        var expected = new double[_rooms.Count];
        _chooser.Probabilities(viewer, sessionBucket, expected);
        var observed = new double[_rooms.Count];
        for (var i = 0; i < Draws; i++)
        {
            observed[_chooser.Choose(viewer, sessionBucket)] += 1.0 / Draws;
        }

        var variation = 0.5 * expected.Zip(observed, (p, q) => Math.Abs(p - q)).Sum();
        Assert.Equal(1.0, expected.Sum(), 9);
        Assert.True(variation < 0.01, $"total variation {variation:F4}");
    }

    [Fact]
    public void Probabilities_RoomsNotLive_HaveChanceZero()
    {
        var p = new double[_rooms.Count];

        _chooser.Probabilities(0, 5, p);

        Assert.All(Enumerable.Range(0, _rooms.Count).Where(r => !_live.IsLive(r)), r => Assert.Equal(0, p[r]));
        Assert.All(Enumerable.Range(0, _rooms.Count).Where(_live.IsLive), r => Assert.True(p[r] > 0));
    }

    [Fact]
    public void Rank_TiedChances_LowerRoomFirst()
    {
        double[] chances = [0.1, 0.3, 0, 0.3, 0.2, 0.1];
        var truth = default(VisitTruth);

        TruthRanking.Rank(chances, room: 3, ref truth);

        Assert.Equal(2, truth.Rank);
        Assert.Equal(5, truth.LiveRooms);
        Assert.Equal([1, 3, 4, 0, 5], Enumerable.Range(0, truth.Listed).Select(i => truth.Top[i]));
        Assert.Equal((0.01 * 2) + (0.09 * 2) + 0.04, truth.SumSquares, 12);
    }
}
