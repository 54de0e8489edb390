using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Pipeline.Tests.Scoring;

public sealed class ShortlistScorerTests
{
    private static readonly int Width = FeatureExtractor.Count;

    // A column the baseline gives no weight (user activity), so it can carry the row's number.
    private static readonly int NumberColumn = FeatureExtractor.FeatureNames.ToList().IndexOf("user_activity");

    [Fact]
    public void ScoreGroups_EachUsersBestBaselineRows_AreScoredByTheRankerAndTheRestRankLast()
    {
        // Baseline score grows with feature 0 (interest similarity); the ranker prefers low row numbers.
        var ranker = new RecordingRanker();
        var scorer = new ShortlistScorer(ranker, size: 2);
        var features = Rows([0.1f, 0.9f, 0.5f, 0.3f], [0.7f, 0.2f]);
        var scores = new float[6];

        scorer.ScoreGroups(features, [(0, 4), (4, 2)], scores);

        Assert.Equal(1, ranker.Calls);
        Assert.Equal(4, ranker.Rows);
        Assert.Equal([float.NegativeInfinity, -1, -2, float.NegativeInfinity, -4, -5], scores);
    }

    [Fact]
    public void Score_AsOneGroupWithTiesAtTheCut_KeepsTheEarlierRows()
    {
        var scorer = new ShortlistScorer(new RecordingRanker(), size: 2);
        var scores = new float[4];

        scorer.Score(Rows([0.5f, 0.5f, 0.5f, 0.1f]), 4, scores);

        Assert.Equal([0, -1, float.NegativeInfinity, float.NegativeInfinity], scores);
    }

    [Fact]
    public void ScoreGroups_RepeatRowTheBaselineRanksBelowTheCut_IsStillScoredByTheRanker()
    {
        var ranker = new RecordingRanker();
        var scorer = new ShortlistScorer(ranker, size: 2);
        var features = Rows([0.9f, 0.8f, 0.1f, 0.5f], [0.7f, 0.2f]);
        var affinity = FeatureExtractor.FeatureNames.ToList().IndexOf("streamer_affinity");
        features[(2 * Width) + affinity] = 0.01f;
        features[(5 * Width) + affinity] = 0.01f;
        var scores = new float[6];

        scorer.ScoreGroups(features, [(0, 4), (4, 2)], scores);

        Assert.Equal(5, ranker.Rows);
        Assert.Equal(5, scorer.LastRankerRows);
        Assert.Equal([0, -1, -2, float.NegativeInfinity, -4, -5], scores);
    }

    private static float[] Rows(params float[][] groups)
    {
        var values = groups.SelectMany(g => g).ToArray();
        var rows = new float[values.Length * Width];
        for (var r = 0; r < values.Length; r++)
        {
            rows[r * Width] = values[r];
            rows[(r * Width) + NumberColumn] = r; // the row's original number, so the ranker can report which rows it saw
        }

        return rows;
    }

    /// <summary>Scores a row as minus its original row number (kept in <see cref="NumberColumn"/>).</summary>
    private sealed class RecordingRanker : IScorer
    {
        public int Calls { get; private set; }

        public int Rows { get; private set; }

        public string Name => "recording";

        public IReadOnlyList<string> FeatureNames => FeatureExtractor.FeatureNames;

        public void Score(ReadOnlySpan<float> features, int rows, Span<float> scores)
        {
            Calls++;
            Rows += rows;
            for (var r = 0; r < rows; r++)
            {
                scores[r] = -features[(r * Width) + NumberColumn];
            }
        }
    }
}
