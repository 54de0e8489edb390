using Microsoft.ML.Data;

namespace StreamRec.Model.Tests;

/// <summary>A deterministic, nonlinear click-like dataset: 8 features, a noisy label.</summary>
internal static class SyntheticRankingData
{
    public const int FeatureCount = 8;

    /// <summary>Groups (visits) of <see cref="GenerateGroups"/>, of <see cref="RowsPerGroup"/> rows each.</summary>
    public const int Groups = 250;

    public const int RowsPerGroup = 20;

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

    /// <summary>
    /// The same rows cut into <see cref="Groups"/> groups of consecutive rows, as one visit's rooms each, graded for a
    /// ranker: 0 not clicked, 1 clicked, 2 clicked where the click was likely.
    /// </summary>
    public static GroupedRow[] GenerateGroups(int seed, double missingFraction = 0)
    {
        var rows = Generate(Groups * RowsPerGroup, seed);
        var features = ParityRows.WithMissing([.. rows.Select(r => r.Features)], rows.Length, missingFraction, seed + 1);
        return [.. rows.Select((r, i) => new GroupedRow
        {
            Features = features[i],
            Relevance = r.Label ? (r.Features[0] > 0 ? 2 : 1) : 0,
            GroupId = (uint)(i / RowsPerGroup) + 1,
        })];
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

    public sealed class GroupedRow
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];

        public float Relevance { get; set; }

        /// <summary>1-based: key value 0 means missing.</summary>
        [KeyType(Groups)]
        public uint GroupId { get; set; }
    }

    public sealed class FeaturesOnly
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }
}
