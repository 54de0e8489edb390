using StreamRec.Pipeline.Features;

namespace StreamRec.Pipeline.Scoring;

/// <summary>
/// Two-stage ranking: the cheap baseline shortlists each user's best <c>size</c> candidates and only
/// those, with every repeat candidate (a room of a streamer the user has an affinity to, which the baseline
/// may rank low but the ranker knows how to weigh), reach the (expensive) ranker; the rest score negative
/// infinity, below every shortlisted room. Repeats are few (at most the user's bounded streamers' live rooms).
/// A ranking model costs hundreds of times the baseline per row, so this is what keeps a model-scored
/// pipeline fast; with <c>size</c> at least K the top-K comes from the ranker alone.
/// </summary>
/// <remarks>The ranker is called once per <see cref="ScoreGroups"/> call, so a model swap never splits a round.</remarks>
public sealed class ShortlistScorer : IScorer
{
    /// <summary>The column that tells a repeat candidate: streamer_affinity, positive for the user's streamers.</summary>
    private static readonly int RepeatColumn = FeatureExtractor.FeatureNames.ToList().IndexOf("streamer_affinity");

    private readonly IScorer _ranker;
    private readonly int _size;
    private readonly BaselineScorer _baseline = new();
    private float[] _rows = [];
    private float[] _rankerScores = [];
    private int[] _selected = [];
    private float[] _sorted = [];

    public ShortlistScorer(IScorer ranker, int size)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _ranker = ranker;
        _size = size;
    }

    /// <summary>The model that ranks the shortlist.</summary>
    public IScorer Ranker => _ranker;

    public string Name => $"{_ranker.Name} (baseline shortlist {_size})";

    public IReadOnlyList<string> FeatureNames => _ranker.FeatureNames;

    /// <summary>Rows the ranker scored in the last call (the shortlisted ones).</summary>
    public int LastRankerRows { get; private set; }

    /// <summary>All rows are one user's candidates.</summary>
    public void Score(ReadOnlySpan<float> features, int rows, Span<float> scores) => ScoreGroups(features, [(0, rows)], scores);

    /// <summary>Scores several users' candidates: each group is one user's consecutive rows.</summary>
    public void ScoreGroups(ReadOnlySpan<float> features, IReadOnlyList<(int Start, int Count)> groups, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var width = FeatureExtractor.Count;
        var total = groups.Count == 0 ? 0 : groups[^1].Start + groups[^1].Count;
        _baseline.Score(features, total, scores);
        var chosen = 0;
        foreach (var (start, count) in groups)
        {
            Grow(ref _selected, chosen + count);
            chosen = Select(features, scores.Slice(start, count), start, chosen);
        }

        Grow(ref _rows, chosen * width);
        Grow(ref _rankerScores, chosen);
        for (var i = 0; i < chosen; i++)
        {
            features.Slice(_selected[i] * width, width).CopyTo(_rows.AsSpan(i * width, width));
        }

        LastRankerRows = chosen;
        scores[..total].Fill(float.NegativeInfinity);
        _ranker.Score(_rows.AsSpan(0, chosen * width), chosen, _rankerScores.AsSpan(0, chosen));
        for (var i = 0; i < chosen; i++)
        {
            scores[_selected[i]] = _rankerScores[i];
        }
    }

    /// <summary>
    /// Appends the rows of the group's best <c>size</c> baseline scores (ties: earlier row) and its repeat rows to
    /// the selection, in row order.
    /// </summary>
    private int Select(ReadOnlySpan<float> features, ReadOnlySpan<float> baseline, int start, int chosen)
    {
        if (baseline.Length <= _size)
        {
            for (var i = 0; i < baseline.Length; i++)
            {
                _selected[chosen++] = start + i;
            }

            return chosen;
        }

        Grow(ref _sorted, baseline.Length);
        var sorted = _sorted.AsSpan(0, baseline.Length);
        baseline.CopyTo(sorted);
        sorted.Sort();
        var threshold = sorted[^_size];
        var above = 0;
        foreach (var score in baseline)
        {
            above += score > threshold ? 1 : 0;
        }

        var atThreshold = _size - above;
        var width = FeatureExtractor.Count;
        for (var i = 0; i < baseline.Length; i++)
        {
            var shortlisted = baseline[i] > threshold || (baseline[i] == threshold && atThreshold-- > 0);
            if (shortlisted || features[((start + i) * width) + RepeatColumn] > 0)
            {
                _selected[chosen++] = start + i;
            }
        }

        return chosen;
    }

    private static void Grow<T>(ref T[] array, int size)
    {
        if (array.Length < size)
        {
            Array.Resize(ref array, Math.Max(size, array.Length * 2));
        }
    }
}
