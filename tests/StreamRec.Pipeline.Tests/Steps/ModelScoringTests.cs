using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class ModelScoringTests
{
    [Fact]
    public void Apply_RankingModel_TopComesFromTheModelWithinEachUsersBaselineShortlist()
    {
        // Six live rooms; the "model" prefers rooms with low popularity, the opposite of the baseline,
        // so the top shows the model decided, within the baseline's shortlist of three.
        var options = new PipelineOptions { TopK = 2, ModelShortlist = 3 }.Validate();
        var state = PipelineState.InMemory(options.VectorDimensions);
        var registry = new RoomRegistryUpdate(options, state);
        var rooms = Enumerable.Range(1, 6).Select(i => $"r{i}").ToArray();
        registry.Apply(Ev.Batch(state, [.. rooms.Select(r => Ev.Start(Ev.T0, r))]));
        var clicks = rooms.SelectMany((r, i) => Enumerable.Range(0, 10 * (i + 1)).Select(n => Ev.Click(Ev.T0 + 1 + n, $"fan-{r}-{n}", r))).ToArray();
        registry.Apply(Ev.Batch(state, clicks));
        var model = new CountingModel();
        var scoring = new CandidateScoring(options, state, model, new PipelineMetrics());
        var batch = new EventBatch { Clock = Ev.T0 + 100, ClosesTick = true };
        batch.Reranks.AddRange([Ev.Record(state, Ev.Click(Ev.T0, "u1", "r1")).User, Ev.Record(state, Ev.Click(Ev.T0, "u2", "r1")).User]);

        scoring.Apply(batch);

        Assert.Equal(1, model.Calls);
        Assert.Equal(2 * 3, model.Rows);
        Assert.All(batch.Rankings, ranking => Assert.Equal(["r4", "r5"], ranking.Top.Select(t => state.Ids.Rooms.NameOf(t.Room))));
    }

    /// <summary>Scores by minus popularity, and counts what it was asked to score.</summary>
    private sealed class CountingModel : IScorer
    {
        public int Calls { get; private set; }

        public int Rows { get; private set; }

        public string Name => "counting";

        public IReadOnlyList<string> FeatureNames => FeatureExtractor.FeatureNames;

        public void Score(ReadOnlySpan<float> features, int rows, Span<float> scores)
        {
            Calls++;
            Rows += rows;
            for (var r = 0; r < rows; r++)
            {
                scores[r] = -features[(r * FeatureExtractor.Count) + 3];
            }
        }
    }
}
