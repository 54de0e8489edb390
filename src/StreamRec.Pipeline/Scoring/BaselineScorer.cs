using StreamRec.Pipeline.Features;

namespace StreamRec.Pipeline.Scoring;

/// <summary>
/// A transparent linear scorer: interest similarity (long- and short-term) + repeat affinity and recency + room
/// popularity, conversion and buying questions + category match (long- and short-term) + co-engagement with the
/// user's streamers. Needs no training; the ranking model must beat it to be worth shipping.
/// </summary>
public sealed class BaselineScorer : IScorer
{
    /// <summary>Weights per feature, in <see cref="FeatureExtractor.FeatureNames"/> order.</summary>
    public static IReadOnlyList<float> DefaultWeights { get; } = [1.0f, 1.2f, 0.8f, 0.35f, 0.5f, 0f, 0.3f, 0f, 0.6f, 0.2f, 1.0f, 0.5f, 0f];

    private readonly float[] _weights;

    public BaselineScorer(IReadOnlyList<float>? weights = null)
    {
        _weights = [.. weights ?? DefaultWeights];
        if (_weights.Length != FeatureExtractor.Count)
        {
            throw new ArgumentException($"Expected {FeatureExtractor.Count} weights, got {_weights.Length}.", nameof(weights));
        }
    }

    /// <summary>This scorer's weights, in feature order (explanations of a linear score read them).</summary>
    public IReadOnlyList<float> Weights => _weights;

    public string Name => "baseline";

    public IReadOnlyList<string> FeatureNames => FeatureExtractor.FeatureNames;

    public void Score(ReadOnlySpan<float> features, int rows, Span<float> scores)
    {
        var width = _weights.Length;
        for (var r = 0; r < rows; r++)
        {
            var row = features.Slice(r * width, width);
            var score = 0f;
            for (var f = 0; f < row.Length; f++)
            {
                score += row[f] * _weights[f];
            }

            scores[r] = score;
        }
    }
}
