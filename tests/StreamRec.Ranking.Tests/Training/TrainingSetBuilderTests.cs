using StreamRec.Pipeline.Options;
using StreamRec.Ranking.Offline;
using StreamRec.Ranking.Training;

namespace StreamRec.Ranking.Tests.Training;

public sealed class TrainingSetBuilderTests(SimulatedLogsFixture logs) : IClassFixture<SimulatedLogsFixture>
{
    [Fact]
    public void Replay_SimulatedLog_GroupsEachVisitWithOneGradedPositive()
    {
        var options = new RankerTrainingOptions { NegativesPerPositive = 20, EngagedRelevance = 3 };
        var builder = new TrainingSetBuilder(long.MaxValue, options);

        new InteractionReplayer(new PipelineOptions(), TimeProvider.System).Replay(logs.TrainingLog, long.MinValue, builder, CancellationToken.None);

        var groups = builder.Examples.GroupBy(e => e.GroupId).ToList();
        Assert.True(builder.TrainingCases >= 100, $"only {builder.TrainingCases} visits");
        Assert.Equal(Enumerable.Range(1, builder.TrainingCases).Select(g => (uint)g), groups.Select(g => g.Key));
        var engaged = 0;
        foreach (var group in groups)
        {
            // Groups are runs of consecutive rows (LightGBM's ranker requires it), the clicked room first.
            var rows = group.ToList();
            Assert.Equal(builder.Examples.IndexOf(rows[0]) + rows.Count - 1, builder.Examples.IndexOf(rows[^1]));
            Assert.True(rows[0].Label);
            Assert.All(rows.Skip(1), r => Assert.Equal((false, 0f), (r.Label, r.Relevance)));

            // An engaged visit is graded up for the ranker exactly when it is weighted up for the classifier.
            Assert.Equal(rows[0].Weight > 1 ? 3f : 1f, rows[0].Relevance);
            engaged += rows[0].Relevance > 1 ? 1 : 0;
        }

        Assert.InRange(engaged, 1, builder.TrainingCases - 1);
    }
}
