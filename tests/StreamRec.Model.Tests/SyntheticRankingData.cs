using Microsoft.ML.Data;

namespace StreamRec.Model.Tests;

/// <summary>A deterministic, nonlinear click-like dataset: 8 features, a noisy label.</summary>
internal static class SyntheticRankingData
{
    public const int FeatureCount = 8;

    public static readonly IReadOnlyList<string> FeatureNames =
    [
        "user_ctr_7d", "item_ctr_7d", "affinity", "recency_hours",
        "price_z", "position", "session_depth", "is_weekend",
    ];

    public static LabelledRow[] Generate(int rows, int seed)
    {
        var random = new Random(seed);
        var result = new LabelledRow[rows];
        for (int r = 0; r < rows; r++)
        {
            var x = new float[FeatureCount];
            for (int f = 0; f < FeatureCount - 1; f++)
            {
                x[f] = (float)((random.NextDouble() * 4) - 2);
            }

            // A categorical-like 0/1 feature and a coarse one with many ties, so splits land on repeated values.
            x[7] = random.Next(2);
            x[5] = MathF.Round(x[5] * 2);

            double logit = (2.5 * Math.Sin(3 * x[0])) + (1.5 * x[1] * x[2]) - (0.8 * x[3] * x[3]) + (x[4] > 0.3 ? 1.2 : -0.7)
                - (0.6 * x[5]) + (0.9 * x[7] * x[6]) + 0.5;
            double p = 1 / (1 + Math.Exp(-logit));
            bool label = random.NextDouble() < p;
            result[r] = new LabelledRow { Features = x, Label = label };
        }

        return result;
    }

    public static float[] Flatten(IReadOnlyList<float[]> rows)
    {
        var flat = new float[rows.Count * FeatureCount];
        for (int r = 0; r < rows.Count; r++)
        {
            rows[r].CopyTo(flat, r * FeatureCount);
        }

        return flat;
    }

    public sealed class LabelledRow
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    public sealed class FeaturesOnly
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }
}
