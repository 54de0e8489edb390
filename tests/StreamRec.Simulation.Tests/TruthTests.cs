using System.Text.Json.Nodes;

namespace StreamRec.Simulation.Tests;

/// <summary>The truth of each visit: consistent with the log, with itself, and with where the viewers went.</summary>
public sealed class TruthTests(TruthWorld world) : IClassFixture<TruthWorld>
{
    [Fact]
    public void ChosenRoomsChance_OnAverage_IsTheExpectedChanceSumOfSquares()
    {
        // If the world draws from the truth's chances, E[p(chosen)] = E[sum of p^2] over the visits.
        var chosen = world.Visits.Where(v => !v.Truth.Notified).Select(v => v.Truth).ToList();

        var meanChance = chosen.Average(t => t.Probability);
        var meanSquares = chosen.Average(t => t.SumSquares);

        Assert.True(chosen.Count > 5000, $"{chosen.Count} chosen visits");
        Assert.True(Math.Abs(meanChance - meanSquares) < 0.01, $"mean chance {meanChance:F4}, mean sum of squares {meanSquares:F4}");
    }

    [Fact]
    public void Ranks_AreSensible()
    {
        var truths = world.Visits.Select(v => v.Truth).ToList();

        Assert.All(truths, t => Assert.InRange(t.Rank, 1, t.LiveRooms));
        Assert.All(truths, t => Assert.Equal(t.Rank == 1, t.Top[0] == t.Room));
        Assert.All(truths.Where(t => t.Notified), t => Assert.Equal((1, 1.0), (t.Rank, t.Probability)));
        var hit1 = truths.Count(t => t.Rank == 1) / (double)truths.Count;
        var hit10 = truths.Count(t => t.Rank <= 10) / (double)truths.Count;
        Assert.InRange(hit1, 0.2, 0.8);
        Assert.True(hit10 > hit1 + 0.2 && hit10 < 1, $"H@1 {hit1:P1}, H@10 {hit10:P1}");
    }

    [Fact]
    public void Truth_DoesNotChangeTheWorld()
    {
        var (without, _, _, _) = TruthWorld.Run(TruthWorld.Options, truth: false);

        Assert.Equal(without, world.Events);
    }

    [Fact]
    public void WriteJsonLines_WithTruth_SameLogAndEveryTruthLineNamesAVisitsFirstClick()
    {
        var options = TruthWorld.Options with { Users = 400, Rooms = 60, Duration = TimeSpan.FromHours(1) };
        var (plain, _) = Simulation.Write(options);
        using var log = new MemoryStream();
        using var truth = new MemoryStream();

        new LiveCommerceSimulator(options).WriteJsonLines(log, truth, CancellationToken.None);

        Assert.Equal(plain, log.ToArray());
        var clicks = Simulation.Lines(log.ToArray()).Select(l => JsonNode.Parse(l)!).Where(n => (string?)n["type"] == "click")
            .ToDictionary(n => (string)n["event_id"]!, n => ((string)n["user_id"]!, (string)n["room_id"]!));
        var lines = Simulation.Lines(truth.ToArray()).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, n => Assert.Equal(clicks[(string)n["event_id"]!], ((string)n["user_id"]!, (string)n["room_id"]!)));
        Assert.All(lines, n => Assert.InRange(n["top10"]!.AsArray().Count, 1, 10));
    }

    [Fact]
    public void Truth_SameOptionsTwice_SameTruths()
    {
        var options = TruthWorld.Options with { Users = 500, Rooms = 50, Duration = TimeSpan.FromHours(1) };

        var first = TruthWorld.Run(options).Visits.Select(v => (v.Item2.Room, v.Item2.Rank, v.Item2.Probability)).ToList();
        var second = TruthWorld.Run(options).Visits.Select(v => (v.Item2.Room, v.Item2.Rank, v.Item2.Probability)).ToList();

        Assert.Equal(first, second);
    }
}
