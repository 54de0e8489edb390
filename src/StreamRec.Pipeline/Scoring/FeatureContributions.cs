using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Features;

namespace StreamRec.Pipeline.Scoring;

/// <summary>
/// Why a ranked room scored as it did, against the average of the user's scored candidates: for a linear scorer
/// exactly weight x (value - mean); for any other model by occlusion, the score minus the score of the same row with
/// that one feature set to the mean. Rows are <see cref="FeatureExtractor.FeatureNames"/> wide.
/// </summary>
public static class FeatureContributions
{
    /// <summary>Features reported per ranked room.</summary>
    public const int Reported = 3;

    /// <summary>Published rounded, as scores are, so output bytes do not hinge on the last float bits.</summary>
    private const int Digits = 6;

    /// <summary>Each feature's mean over the rows of <paramref name="matrix"/> whose score is finite (the ones the scorer ranked).</summary>
    public static void Means(ReadOnlySpan<float> matrix, ReadOnlySpan<float> scores, Span<float> means)
    {
        var width = means.Length;
        var sums = means;
        sums.Clear();
        var rows = 0;
        for (var r = 0; r < scores.Length; r++)
        {
            if (float.IsFinite(scores[r]))
            {
                var row = matrix.Slice(r * width, width);
                for (var f = 0; f < width; f++)
                {
                    sums[f] += row[f];
                }

                rows++;
            }
        }

        for (var f = 0; rows > 0 && f < width; f++)
        {
            sums[f] /= rows;
        }
    }

    /// <summary>Contribution of each feature to a linear score: weight x (value - mean).</summary>
    public static void Linear(ReadOnlySpan<float> row, ReadOnlySpan<float> means, IReadOnlyList<float> weights, Span<float> contributions)
    {
        ArgumentNullException.ThrowIfNull(weights);
        for (var f = 0; f < row.Length; f++)
        {
            contributions[f] = weights[f] * (row[f] - means[f]);
        }
    }

    /// <summary>Writes row-major, one row per feature, the row with that feature replaced by its mean.</summary>
    public static void WriteOccluded(ReadOnlySpan<float> row, ReadOnlySpan<float> means, Span<float> occluded)
    {
        var width = row.Length;
        for (var f = 0; f < width; f++)
        {
            var copy = occluded.Slice(f * width, width);
            row.CopyTo(copy);
            copy[f] = means[f];
        }
    }

    /// <summary>Contribution of each feature by occlusion: the score minus the score with that feature at its mean.</summary>
    public static void Occlusion(float score, ReadOnlySpan<float> occludedScores, Span<float> contributions)
    {
        for (var f = 0; f < occludedScores.Length; f++)
        {
            contributions[f] = score - occludedScores[f];
        }
    }

    /// <summary>The <see cref="Reported"/> largest contributions by magnitude (ties: earlier feature), with their values.</summary>
    public static FeatureContribution[] Top(ReadOnlySpan<float> row, ReadOnlySpan<float> contributions)
    {
        var names = FeatureExtractor.FeatureNames;
        var count = Math.Min(Reported, contributions.Length);
        Span<int> best = stackalloc int[count];
        var filled = 0;
        for (var f = 0; f < contributions.Length; f++)
        {
            var magnitude = Math.Abs(contributions[f]);
            if (filled == count && magnitude <= Math.Abs(contributions[best[count - 1]]))
            {
                continue;
            }

            var position = filled < count ? filled++ : count - 1;
            while (position > 0 && magnitude > Math.Abs(contributions[best[position - 1]]))
            {
                best[position] = best[position - 1];
                position--;
            }

            best[position] = f;
        }

        var top = new FeatureContribution[filled];
        for (var i = 0; i < filled; i++)
        {
            var f = best[i];
            top[i] = new FeatureContribution(names[f], Math.Round(row[f], Digits), Math.Round(contributions[f], Digits));
        }

        return top;
    }
}
