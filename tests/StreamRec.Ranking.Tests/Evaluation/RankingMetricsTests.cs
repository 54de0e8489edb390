using StreamRec.Ranking.Evaluation;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Tests.Evaluation;

public sealed class RankingMetricsTests
{
    [Fact]
    public void Summary_RanksOneThreeAndTwelve_GivesHitRatesAndNdcg()
    {
        var metrics = new RankingMetrics();
        metrics.Add(1, isRepeat: true);
        metrics.Add(3, isRepeat: false);
        metrics.Add(12, isRepeat: false);

        var s = metrics.Summary();

        Assert.Equal(1.0 / 3, s.H1, 12);
        Assert.Equal(2.0 / 3, s.H10, 12);
        Assert.Equal((1.0 + 0.5) / 3, s.Ndcg10, 12);
        Assert.Equal(0.5, s.H10NewStreamer, 12);
        Assert.Equal(1.0, s.H10RepeatStreamer, 12);
        Assert.Equal((3, 2, 1), (metrics.Cases, metrics.NewCases, metrics.RepeatCases));
    }

    [Fact]
    public void ByScore_TiedScores_BreakTiesByRoomIdLikeThePipeline()
    {
        float[] scores = [0.5f, 0.9f, 0.5f, 0.5f];
        int[] rooms = [7, 1, 3, 9];

        Assert.Equal(3, CaseRanks.ByScore(scores, rooms, target: 0));
        Assert.Equal(2, CaseRanks.ByScore(scores, rooms, target: 2));
        Assert.Equal(4, CaseRanks.ByScore(scores, rooms, target: 3));
        Assert.Equal(1, CaseRanks.ByScore(scores, rooms, target: 1));
    }

    [Fact]
    public void ByRecency_EngagedStreamersByRecencyThenTheRestByPopularity()
    {
        var interaction = new InteractionCase();
        interaction.Reset(4);
        interaction.SetCandidate(0, room: 1, popularity: 5f, lastEngaged: long.MinValue, retrieved: true);
        interaction.SetCandidate(1, room: 2, popularity: 0.1f, lastEngaged: 100, retrieved: true);
        interaction.SetCandidate(2, room: 3, popularity: 0.2f, lastEngaged: 200, retrieved: true);
        interaction.SetCandidate(3, room: 4, popularity: 9f, lastEngaged: long.MinValue, retrieved: true);

        int[] ranks = [.. Enumerable.Range(0, 4).Select(i =>
        {
            interaction.TargetIndex = i;
            return CaseRanks.ByRecency(interaction);
        })];

        Assert.Equal([4, 2, 1, 3], ranks);
    }
}
