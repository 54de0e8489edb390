using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class ModelScoringTests
{
    [Fact]
    public void Core_RankingModel_OneCallPerTickAndTheTopComesFromTheModelWithinTheBaselineShortlist()
    {
        // Six live rooms; the "model" prefers rooms with low popularity, the opposite of the baseline,
        // so the top shows the model decided, within the baseline's shortlist of three.
        var model = new CountingModel();
        var h = new CoreHarness(new PipelineOptions { Partitions = 2, TopK = 2, RankedRunnersUp = 0, ModelShortlist = 3 }, model);
        var rooms = Enumerable.Range(1, 6).Select(i => $"r{i}").ToArray();
        h.Run(Ev.Batch(h.State, [.. rooms.Select(r => Ev.Start(Ev.T0, r))]));
        var clicks = rooms.SelectMany((r, i) => Enumerable.Range(0, 10 * (i + 1)).Select(n => Ev.Click(Ev.T0 + 1 + n, $"fan-{r}-{n}", r))).ToArray();
        h.Run(Ev.Batch(h.State, clicks));
        h.Tick(Ev.T0 + 3_000);
        model.Reset();

        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + 4_000, "u1", "elsewhere"), Ev.Click(Ev.T0 + 4_000, "u2", "elsewhere")));
        var tick = h.Tick(Ev.T0 + 7_000);

        Assert.Equal(1, model.Calls);
        Assert.Equal(2 * 3, model.Rows);
        var lists = tick.Deltas.Where(d => d.UserId is "u1" or "u2").ToList();
        Assert.Equal(2, lists.Count);
        Assert.All(lists, d => Assert.Equal(["r4", "r5"], d.Top.Select(t => t.RoomId)));
    }

    /// <summary>Scores by minus popularity, and counts what it was asked to score.</summary>
    private sealed class CountingModel : IScorer
    {
        public int Calls { get; private set; }

        public int Rows { get; private set; }

        public string Name => "counting";

        public IReadOnlyList<string> FeatureNames => FeatureExtractor.FeatureNames;

        public void Reset() => (Calls, Rows) = (0, 0);

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
