using System.Diagnostics;
using StreamRec.Model.Scoring;
using StreamRec.Pipeline.Features;

namespace StreamRec.Cli.Commands.Bench;

/// <summary>
/// ONNX Runtime alone: the shipped model scoring pre-built feature batches of the size the pipeline's calls
/// had, on one intra-op thread as the pipeline uses it. The reference the pipeline's scoring rate is divided by.
/// </summary>
internal static class OnnxRawMeasurement
{
    public static double RowsPerSecond(string modelPath, int batchRows, TimeSpan duration)
    {
        batchRows = Math.Max(1, batchRows);
        using var scorer = new OnnxBatchScorer(modelPath, FeatureExtractor.FeatureNames);
        var width = FeatureExtractor.Count;

        // Rows spread over the features' ranges, so trees take their usual paths.
        var random = new Random(7);
        const int Batches = 16;
        var features = new float[Batches][];
        for (var b = 0; b < Batches; b++)
        {
            features[b] = new float[batchRows * width];
            for (var i = 0; i < features[b].Length; i++)
            {
                features[b][i] = (i % width) switch
                {
                    0 or 6 or 8 or 9 => (float)((random.NextDouble() * 2) - 1),
                    2 or 4 or 10 or 12 => (float)random.NextDouble(),
                    _ => (float)(random.NextDouble() * 4),
                };
            }
        }

        var scores = new float[batchRows];
        scorer.Score(features[0], batchRows, scores);
        var stopwatch = Stopwatch.StartNew();
        long rows = 0;
        for (var call = 0; stopwatch.Elapsed < duration; call++)
        {
            scorer.Score(features[call % Batches], batchRows, scores);
            rows += batchRows;
        }

        return rows / stopwatch.Elapsed.TotalSeconds;
    }
}
