using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Evaluation;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Training;

/// <summary>Validation visits kept whole (every live room), to rank them as serving would and measure H@K and AUC.</summary>
internal sealed class ValidationSet
{
    private readonly List<float> _features = [];
    private readonly List<int> _rooms = [];
    private readonly List<(int Start, int Count, int Target, bool Repeat)> _cases = [];

    public int Cases => _cases.Count;

    public void Add(InteractionCase interaction)
    {
        _cases.Add((_rooms.Count, interaction.Count, interaction.TargetIndex, interaction.IsRepeat));
        foreach (var value in interaction.Features)
        {
            _features.Add(value);
        }

        foreach (var room in interaction.Rooms)
        {
            _rooms.Add(room);
        }
    }

    /// <summary>Ranks every case with <paramref name="scorer"/>; AUC is over all (clicked, not clicked) row pairs.</summary>
    public (RankingScores Scores, double Auc) Evaluate(IScorer scorer)
    {
        var metrics = new RankingMetrics();
        var features = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_features);
        var rooms = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_rooms);
        var all = new float[_rooms.Count];
        var labels = new bool[_rooms.Count];
        var width = FeatureExtractor.Count;
        foreach (var (start, count, target, repeat) in _cases)
        {
            var scores = all.AsSpan(start, count);
            scorer.Score(features.Slice(start * width, count * width), count, scores);
            metrics.Add(CaseRanks.ByScore(scores, rooms.Slice(start, count), target), repeat);
            labels[start + target] = true;
        }

        return (metrics.Summary(), Auc(all, labels));
    }

    /// <summary>Mann-Whitney AUC with ties counted half.</summary>
    private static double Auc(float[] scores, bool[] labels)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        double positives = labels.Count(l => l);
        var negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return 0.5;
        }

        double rankSum = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j < order.Length && scores[order[j]] == scores[order[i]])
            {
                j++;
            }

            var averageRank = (i + j + 1) / 2.0;
            for (var k = i; k < j; k++)
            {
                if (labels[order[k]])
                {
                    rankSum += averageRank;
                }
            }

            i = j;
        }

        return (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }
}
