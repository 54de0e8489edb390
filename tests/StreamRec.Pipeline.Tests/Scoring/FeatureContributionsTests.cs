using System.Text.Json;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.Steps;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Scoring;

public sealed class FeatureContributionsTests
{
    private static readonly int Width = FeatureExtractor.Count;
    private static readonly int Affinity = Index("streamer_affinity");

    [Fact]
    public void Occlusion_ToyProductScorer_ContributionIsScoreMinusScoreAtTheMean()
    {
        var row = new float[Width];
        var means = new float[Width];
        (row[0], row[1], means[0], means[1]) = (2f, 3f, 1f, 1f);
        var occluded = new float[Width * Width];
        var occludedScores = new float[Width];
        var contributions = new float[Width];

        FeatureContributions.WriteOccluded(row, means, occluded);
        new ProductScorer().Score(occluded, Width, occludedScores);
        FeatureContributions.Occlusion(6f, occludedScores, contributions);
        var top = FeatureContributions.Top(row, contributions);

        // x0 * x1 = 6; with x0 at its mean 1 * 3 = 3, with x1 at its mean 2 * 1 = 2; the other features do not matter.
        Assert.Equal(3f, contributions[0]);
        Assert.Equal(4f, contributions[1]);
        Assert.Equal(
            [new FeatureContribution(FeatureExtractor.FeatureNames[1], 3, 4), new FeatureContribution(FeatureExtractor.FeatureNames[0], 2, 3), new FeatureContribution(FeatureExtractor.FeatureNames[2], 0, 0)],
            top);
    }

    [Fact]
    public void Explanations_LinearBaseline_AreWeightTimesValueMinusTheUsersMean()
    {
        var h = new CoreHarness(new PipelineOptions { Partitions = 1, TopK = 3 });
        Setup(h);
        var scoring = new CandidateScoring(h.Options with { Explain = true }, h.State, h.PartitionOf("u1"));
        scoring.BuildRows([h.User("u1")], 0, 1, Ev.T0 + 10_000);
        var matrix = scoring.Matrix.ToArray();
        var scores = new float[scoring.Rows];
        var baseline = new BaselineScorer();
        baseline.Score(matrix, scoring.Rows, scores);

        scoring.RankGroups(scores);
        scoring.PrepareExplanations(scores, baseline.Weights);

        var means = Enumerable.Range(0, Width).Select(f => Enumerable.Range(0, scoring.Rows).Average(r => matrix[(r * Width) + f])).ToArray();
        var ranked = scoring.RankedOf(0).ToArray();
        var why = scoring.WhyOf(0).ToArray();
        Assert.Equal(3, why.Length);
        for (var i = 0; i < why.Length; i++)
        {
            // The row of this ranked room: one whose score it carries (rows that tie have the same features here).
            var row = Enumerable.Range(0, scoring.Rows).First(r => scores[r] == ranked[i].Score);
            var expected = Enumerable.Range(0, Width)
                .Select(f => (Feature: f, Contribution: baseline.Weights[f] * (matrix[(row * Width) + f] - (float)means[f])))
                .OrderByDescending(c => Math.Abs(c.Contribution)).ThenBy(c => c.Feature).Take(FeatureContributions.Reported)
                .Select(c => new FeatureContribution(FeatureExtractor.FeatureNames[c.Feature], Math.Round(matrix[(row * Width) + c.Feature], 6), Math.Round(c.Contribution, 6)));
            Assert.Equal(expected, why[i]!);
        }
    }

    [Fact]
    public void Core_ExplainWithAModel_ScoresTheOccludedRowsInOneExtraCallPerRound()
    {
        var scorer = new AffinitySquaredScorer();
        var h = new CoreHarness(new PipelineOptions { Partitions = 2, TopK = 3, ModelShortlist = 0, Explain = true }, scorer);
        Setup(h);
        var calls = scorer.Calls;

        var delta = Assert.Single(h.Tick(Ev.T0 + 10_000).Deltas);

        Assert.Equal(calls + 2, scorer.Calls);
        var top = delta.Top[0];
        Assert.Equal("r1", top.RoomId);
        var why = top.Why!;
        Assert.Equal("streamer_affinity", why[0].Feature);

        // Three live candidates, one of them the favourite: the mean affinity is a / 3, so a^2 - (a / 3)^2.
        var a = why[0].Value;
        Assert.Equal((a * a) - (a * a / 9), why[0].Contribution, 4);
        Assert.All(why.Skip(1), c => Assert.Equal(0, c.Contribution));
    }

    [Fact]
    public void Core_ExplainOff_WritesNoWhyAndTheSameListsAsWithIt()
    {
        var plain = new CoreHarness(new PipelineOptions { Partitions = 2, TopK = 3 });
        var explained = new CoreHarness(new PipelineOptions { Partitions = 2, TopK = 3, Explain = true });
        Setup(plain);
        Setup(explained);

        var off = Assert.Single(plain.Tick(Ev.T0 + 10_000).Deltas);
        var on = Assert.Single(explained.Tick(Ev.T0 + 10_000).Deltas);

        var offJson = JsonSerializer.Serialize(off, ContractJson.Default.RecommendationDelta);
        Assert.DoesNotContain("why", offJson, StringComparison.Ordinal);
        Assert.All(on.Top, t => Assert.Equal(FeatureContributions.Reported, t.Why!.Count));
        var stripped = on with { Top = [.. on.Top.Select(t => t with { Why = null })] };
        Assert.Equal(offJson, JsonSerializer.Serialize(stripped, ContractJson.Default.RecommendationDelta));
    }

    private static void Setup(CoreHarness h)
    {
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "r1"), Ev.Start(Ev.T0, "r2", "food"), Ev.Start(Ev.T0, "r3", "games")));
        h.Run(Ev.Batch(h.State, Ev.Purchase(Ev.T0 + 10, "u1", "r1")));
    }

    private static int Index(string feature) => FeatureExtractor.FeatureNames.ToList().IndexOf(feature);

    /// <summary>A toy non-linear model: the product of the first two features.</summary>
    private sealed class ProductScorer : IScorer
    {
        public string Name => "product";

        public IReadOnlyList<string> FeatureNames => FeatureExtractor.FeatureNames;

        public void Score(ReadOnlySpan<float> features, int rows, Span<float> scores)
        {
            for (var r = 0; r < rows; r++)
            {
                scores[r] = features[r * Width] * features[(r * Width) + 1];
            }
        }
    }

    /// <summary>A toy non-linear model: the square of the streamer affinity, so only that feature contributes.</summary>
    private sealed class AffinitySquaredScorer : IScorer
    {
        public int Calls { get; private set; }

        public string Name => "affinity-squared";

        public IReadOnlyList<string> FeatureNames => FeatureExtractor.FeatureNames;

        public void Score(ReadOnlySpan<float> features, int rows, Span<float> scores)
        {
            Calls++;
            for (var r = 0; r < rows; r++)
            {
                var x = features[(r * Width) + Affinity];
                scores[r] = x * x;
            }
        }
    }
}
