using StreamRec.Model.Scoring;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Ranking.Training;

/// <summary>Presents a candidate model's <see cref="OnnxBatchScorer"/> as a pipeline scorer, to validate it through ONNX Runtime.</summary>
internal sealed class BatchScorerAdapter(OnnxBatchScorer scorer) : IScorer
{
    public string Name => "candidate";

    public IReadOnlyList<string> FeatureNames => FeatureExtractor.FeatureNames;

    public void Score(ReadOnlySpan<float> features, int rows, Span<float> scores) => scorer.Score(features, rows, scores);
}
