using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Steps;
using StreamRec.Ranking.Evaluation;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Tests.Evaluation;

public sealed class ExposureTests
{
    [Fact]
    public void Gini_OneStreamerTakesEveryImpression_IsNMinusOneOverN() => Assert.Equal(0.75, ExposureTally.Gini([0, 0, 4, 0]), 12);

    [Fact]
    public void Gini_EqualImpressions_IsZero() => Assert.Equal(0, ExposureTally.Gini([3, 3, 3]), 12);

    [Fact]
    public void Gini_OneTwoThree_IsTheMeanAbsoluteDifferenceOverTwiceTheMean()
    {
        // Sum over ordered pairs of |xi - xj| = 8; 2 n^2 mean = 36.
        Assert.Equal(8.0 / 36, ExposureTally.Gini([3, 1, 2]), 12);
    }

    [Fact]
    public void Summary_TwoOfFourLiveRoomsShown_CoversHalfAndCountsUnshownStreamersAsZero()
    {
        var tally = new ExposureTally();
        tally.Add([1, 2], [10, 10]);
        tally.Add([1], [10]);

        var s = tally.Summary(new HashSet<int> { 1, 2, 3, 4 }, new HashSet<int> { 10, 20 });

        Assert.Equal(0.5, s.Coverage, 12);
        Assert.Equal((2L, 4L), (s.RoomsShown, s.RoomsLive));
        Assert.Equal(0.5, s.Gini, 12);
    }

    [Fact]
    public void Evaluator_CategoryCap_ReRanksEveryMethodsTopTen()
    {
        // Twelve live rooms, the ten most popular of one category; the user chooses the least popular, of another.
        var interaction = Case(12, target: 11, category: i => i < 10 ? 0 : 1);

        var plain = new RankingEvaluator([]);
        var capped = new RankingEvaluator([], truth: null, new DiversityOptions { MaxPerCategory = 3 });
        plain.OnCase(interaction);
        capped.OnCase(interaction);

        Assert.Equal(0, plain.Result().Methods[RankingEvaluator.Popularity].H10);
        Assert.Equal(1, capped.Result().Methods[RankingEvaluator.Popularity].H10);
        Assert.Equal(1, capped.Result().Methods[RankingEvaluator.Recency].H10);
        Assert.Equal(10.0 / 12, plain.Result().Exposure[RankingEvaluator.Popularity].Coverage, 12);
        Assert.Equal(10.0 / 12, capped.Result().Exposure[RankingEvaluator.Popularity].Coverage, 12);
    }

    [Fact]
    public void Evaluator_ExposureShare_ShowsTheNewStreamersInTheLastSlots()
    {
        // The user knows the streamers of the ten most popular rooms; the two least popular are new to them.
        var interaction = Case(12, target: 11, category: _ => 0, known: i => i < 10);
        var list = new ShownList(new DiversityRerank(new DiversityOptions { MinExposureShare = 0.2 }));

        var rank = list.ByPopularity(interaction);

        Assert.Equal(10, rank);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 10, 11], list.Shown.ToArray());
        var plain = new RankingEvaluator([]);
        var shared = new RankingEvaluator([], truth: null, new DiversityOptions { MinExposureShare = 0.2 });
        plain.OnCase(interaction);
        shared.OnCase(interaction);
        Assert.Equal(0, plain.Result().Methods[RankingEvaluator.Popularity].H10);
        Assert.Equal(1, shared.Result().Methods[RankingEvaluator.Popularity].H10);
    }

    [Fact]
    public void Evaluator_NoDiversity_RanksExactlyAsCaseRanks()
    {
        var interaction = Case(9, target: 0, category: i => i % 2, known: i => i % 3 == 0);
        for (var target = 0; target < interaction.Count; target++)
        {
            interaction.TargetIndex = target;
            var evaluator = new RankingEvaluator([]);
            evaluator.OnCase(interaction);
            var result = evaluator.Result().Methods;

            Assert.Equal(CaseRanks.ByPopularity(interaction) == 1 ? 1 : 0, result[RankingEvaluator.Popularity].H1);
            Assert.Equal(CaseRanks.ByRecency(interaction) == 1 ? 1 : 0, result[RankingEvaluator.Recency].H1);
            Assert.Equal(1 / Math.Log2(CaseRanks.ByPopularity(interaction) + 1), result[RankingEvaluator.Popularity].Ndcg10, 12);
        }
    }

    /// <summary>Room i of streamer 100 + i has popularity count - i (ties for none); <paramref name="known"/> streamers were engaged before.</summary>
    private static InteractionCase Case(int count, int target, Func<int, int> category, Func<int, bool>? known = null)
    {
        var interaction = new InteractionCase();
        interaction.Reset(count);
        for (var i = 0; i < count; i++)
        {
            interaction.SetCandidate(i, room: i + 1, popularity: count - i, lastEngaged: known?.Invoke(i) == true ? 1_000 + (i % 4) : long.MinValue, retrieved: true);
            interaction.SetCandidateRoom(i, streamer: 100 + i, category: category(i));
        }

        interaction.TargetIndex = target;
        return interaction;
    }
}
