using Microsoft.ML.Trainers.FastTree;

namespace StreamRec.Model.Tests;

/// <summary>Rows that probe a tree ensemble's edges, and the parity assertion shared by the exporter tests.</summary>
internal static class ParityRows
{
    /// <summary>
    /// Fresh rows, rows that sit exactly on every split threshold (and one ulp either side), and extreme values:
    /// infinities, the largest finite floats, signed zeros and, unless excluded, NaN.
    /// </summary>
    public static List<float[]> Build(RegressionTreeEnsemble ensemble, bool includeNaN = true)
    {
        var rows = SyntheticRankingData.Generate(3_000, seed: 99).Select(r => r.Features).ToList();
        float[][] bases = rows.Take(64).ToArray();

        int b = 0;
        foreach (var tree in ensemble.Trees)
        {
            for (int n = 0; n < tree.NumberOfNodes; n++)
            {
                int feature = tree.NumericalSplitFeatureIndexes[n];
                float threshold = tree.NumericalSplitThresholds[n];
                foreach (float value in new[] { threshold, MathF.BitIncrement(threshold), MathF.BitDecrement(threshold) })
                {
                    var row = (float[])bases[b++ % bases.Length].Clone();
                    row[feature] = value;
                    rows.Add(row);
                }
            }
        }

        List<float> extremes =
        [
            float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue,
            float.Epsilon, -float.Epsilon, 0f, -0f, 1e30f, -1e30f,
        ];
        if (includeNaN)
        {
            extremes.Add(float.NaN);
        }

        foreach (float value in extremes)
        {
            rows.Add(Enumerable.Repeat(value, SyntheticRankingData.FeatureCount).ToArray());
            for (int f = 0; f < SyntheticRankingData.FeatureCount; f++)
            {
                var row = (float[])bases[b++ % bases.Length].Clone();
                row[f] = value;
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>
    /// Copies of the first <paramref name="count"/> rows with each feature missing (NaN) with probability
    /// <paramref name="fraction"/>, as a log with gaps would give.
    /// </summary>
    public static List<float[]> WithMissing(IReadOnlyList<float[]> rows, int count, double fraction, int seed)
    {
        var random = new Random(seed);
        var result = new List<float[]>(count);
        for (int i = 0; i < count; i++)
        {
            var row = (float[])rows[i % rows.Count].Clone();
            for (int f = 0; f < row.Length; f++)
            {
                if (random.NextDouble() < fraction)
                {
                    row[f] = float.NaN;
                }
            }

            result.Add(row);
        }

        return result;
    }

    /// <summary>Asserts every pair agrees within <paramref name="tolerance"/>; returns the largest difference.</summary>
    public static double AssertAgree(IReadOnlyList<float[]> rows, float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(rows.Count, expected.Length);
        Assert.Equal(rows.Count, actual.Length);
        double maxError = 0;
        int worst = -1;
        for (int i = 0; i < rows.Count; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (double.IsNaN(error) || error > maxError)
            {
                maxError = double.IsNaN(error) ? double.PositiveInfinity : error;
                worst = i;
            }
        }

        Assert.True(
            maxError <= tolerance,
            $"Row {worst} [{string.Join(", ", rows[Math.Max(worst, 0)])}]: ML.NET {expected[Math.Max(worst, 0)]}, " +
            $"ONNX {actual[Math.Max(worst, 0)]} (max error {maxError}).");
        return maxError;
    }
}
