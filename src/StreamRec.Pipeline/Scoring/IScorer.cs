namespace StreamRec.Pipeline.Scoring;

/// <summary>
/// Scores feature rows (see <see cref="Features.FeatureExtractor"/>): higher is better. The scoring stage
/// calls it once per round with all rows of one or more users, so batch-oriented models pay their fixed
/// cost once, and one user's rows are never split across two calls (nor two models).
/// </summary>
public interface IScorer
{
    /// <summary>Short name, reported in metrics and summaries.</summary>
    string Name { get; }

    /// <summary>The feature columns this scorer expects, in order.</summary>
    IReadOnlyList<string> FeatureNames { get; }

    /// <param name="features">Row-major matrix of <paramref name="rows"/> x <see cref="FeatureNames"/>.Count.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="scores">One score per row.</param>
    void Score(ReadOnlySpan<float> features, int rows, Span<float> scores);
}
