using System.Text.Json;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Steps;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class DiversityRerankTests
{
    [Fact]
    public void Apply_CategoryCap_TakesTheBestCandidatesUnderTheCap()
    {
        var rerank = new DiversityRerank(new DiversityOptions { MaxPerCategory = 2 });
        int[] order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

        rerank.Apply(order, [0, 0, 0, 0, 1, 1, 1, 2, 2, 3], new bool[10], k: 5);

        Assert.Equal([0, 1, 4, 5, 7, 2, 3, 6, 8, 9], order);
    }

    [Fact]
    public void Apply_ExposureShare_ReservesTheLastSlotsForTheBestExposureRooms()
    {
        var rerank = new DiversityRerank(new DiversityOptions { MinExposureShare = 0.4 });
        int[] order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        var exposure = new bool[10];
        exposure[8] = exposure[9] = true;

        rerank.Apply(order, new int[10], exposure, k: 5);

        Assert.Equal([0, 1, 2, 8, 9], order[..5]);
        Assert.Equal([3, 4, 5, 6, 7], order[5..]);
    }

    [Fact]
    public void Apply_TooFewCategoriesForTheCap_FillsTheListWithTheBestRemaining()
    {
        var rerank = new DiversityRerank(new DiversityOptions { MaxPerCategory = 1, MinExposureShare = 0.5 });
        int[] order = [3, 1, 2, 0];

        rerank.Apply(order, [5, 5, 5, 5], [true, false, false, false], k: 4);

        // The cap binds at once; the exposure room still gets the slot it is owed, the score order fills the rest.
        Assert.Equal([3, 1, 0, 2], order);
    }

    [Fact]
    public void Core_CategoryCap_EveryDeltaHoldsAtMostTheCapPerCategory()
    {
        var h = new CoreHarness(new PipelineOptions { Partitions = 1, TopK = 4, RankedRunnersUp = 2, Diversity = new DiversityOptions { MaxPerCategory = 2 } });
        var deltas = RunWorld(h);

        Assert.NotEmpty(deltas);
        foreach (var delta in deltas)
        {
            Assert.All(delta.Top.GroupBy(t => CategoryOf(t.RoomId)), group => Assert.True(group.Count() <= 2, string.Join(",", delta.Top.Select(t => t.RoomId))));
        }

        // Without the cap the favourite category fills the list, so the cap did bind.
        var plain = RunWorld(new CoreHarness(new PipelineOptions { Partitions = 1, TopK = 4, RankedRunnersUp = 2 }));
        Assert.Contains(plain, d => d.Top.GroupBy(t => CategoryOf(t.RoomId)).Any(g => g.Count() > 2));
    }

    [Fact]
    public void Core_CategoryCapAfterRoomStop_PromotedListIsReRankedToKeepTheCap()
    {
        var h = new CoreHarness(new PipelineOptions { Partitions = 1, TopK = 4, RankedRunnersUp = 4, Diversity = new DiversityOptions { MaxPerCategory = 2 } });
        RunWorld(h, beauty: 3, food: 3, games: 3);
        var ranked = h.UserState("u1")!.Ranked.ToArray().Select(r => h.State.Ids.Rooms.NameOf(r.Room)).ToList();
        var other = ranked.Take(4).First(room => CategoryOf(room) != "beauty");

        // Dropping the stopped room alone would move the best beauty runner-up into the top 4: three of one category.
        Assert.Equal(3, ranked.Where(room => room != other).Take(4).Count(room => CategoryOf(room) == "beauty"));
        var stop = h.Run(Ev.Batch(h.State, Ev.Stop(Ev.T0 + 20_000, other)));

        var delta = Assert.Single(stop.Deltas, d => d.UserId == "u1");
        Assert.Equal(stop.Deltas.Count, h.Metrics.Promotions);
        Assert.Equal(4, delta.Top.Count);
        Assert.All(delta.Top.GroupBy(t => CategoryOf(t.RoomId)), group => Assert.True(group.Count() <= 2, string.Join(",", delta.Top.Select(t => t.RoomId))));
    }

    [Fact]
    public void Core_NonBindingLimits_GiveTheBytesOfTheScoreOrder()
    {
        // A cap of K per category never binds: the re-rank path must then reproduce the plain ranking exactly.
        var plain = Bytes(RunWorld(new CoreHarness(new PipelineOptions { Partitions = 2, TopK = 4, RankedRunnersUp = 2 })));
        var capped = Bytes(RunWorld(new CoreHarness(new PipelineOptions { Partitions = 2, TopK = 4, RankedRunnersUp = 2, Diversity = new DiversityOptions { MaxPerCategory = 4 } })));

        Assert.Equal(plain, capped);
    }

    [Fact]
    public void Core_SameLogAndLimitsTwice_GiveTheSameBytes()
    {
        var options = new PipelineOptions
        {
            Partitions = 2, TopK = 4, RankedRunnersUp = 2, Diversity = new DiversityOptions { MaxPerCategory = 1, MinExposureShare = 0.5, LowPopularity = 0.5 },
        };

        Assert.Equal(Bytes(RunWorld(new CoreHarness(options))), Bytes(RunWorld(new CoreHarness(options))));
    }

    [Fact]
    public void Validate_NegativeCapOrShareAboveOne_Throws()
    {
        var options = new PipelineOptions { Diversity = new DiversityOptions { MaxPerCategory = -1, MinExposureShare = 1.5 } };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains("MaxPerCategory", error.Message);
        Assert.Contains("MinExposureShare", error.Message);
    }

    private static string CategoryOf(string room) => room[..room.IndexOf('-', StringComparison.Ordinal)];

    private static string Bytes(IEnumerable<Contracts.Outputs.RecommendationDelta> deltas) =>
        string.Join("\n", deltas.Select(d => JsonSerializer.Serialize(d, ContractJson.Default.RecommendationDelta)));

    /// <summary>Rooms of three categories (by default six beauty, two food, two games); two users who love beauty.</summary>
    private static List<Contracts.Outputs.RecommendationDelta> RunWorld(CoreHarness h, int beauty = 6, int food = 2, int games = 2)
    {
        var starts = new List<Contracts.Events.LiveEvent>();
        foreach (var (category, count) in new[] { ("beauty", beauty), ("food", food), ("games", games) })
        {
            for (var i = 0; i < count; i++)
            {
                starts.Add(Ev.Start(Ev.T0, $"{category}-{i}", category));
            }
        }

        var deltas = new List<Contracts.Outputs.RecommendationDelta>();
        deltas.AddRange(h.Run(Ev.Batch(h.State, [.. starts])).Deltas);
        deltas.AddRange(h.Run(Ev.Batch(h.State,
            Ev.Purchase(Ev.T0 + 10, "u1", "beauty-0"), Ev.Click(Ev.T0 + 20, "u1", "beauty-1"), Ev.Click(Ev.T0 + 30, "u1", "beauty-2"),
            Ev.Purchase(Ev.T0 + 40, "u2", "beauty-3"), Ev.Click(Ev.T0 + 50, "u2", "food-0"))).Deltas);
        deltas.AddRange(h.Tick(Ev.T0 + 10_000).Deltas);
        return deltas;
    }
}
