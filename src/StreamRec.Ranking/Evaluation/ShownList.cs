using StreamRec.Pipeline.Steps;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Evaluation;

/// <summary>
/// The top 10 one ranking rule shows for a case, re-ranked by the pipeline's <see cref="DiversityRerank"/> when one is
/// given, and the rank of the relevant room in that order. Order: key desc, then second key desc, then room id asc,
/// as <see cref="CaseRanks"/>; rooms scored negative infinity (cut before the scorer) are never shown.
/// </summary>
internal sealed class ShownList
{
    /// <summary>The list length the metrics and the exposure figures are taken at.</summary>
    public const int Size = 10;

    private readonly DiversityRerank? _rerank;
    private readonly Comparison<int> _compare;
    private double[] _primary = new double[256];
    private double[] _secondary = new double[256];
    private int[] _rooms = new int[256];
    private int[] _order = new int[256];
    private bool[] _exposure = new bool[256];
    private int _shown;

    public ShownList(DiversityRerank? rerank)
    {
        _rerank = rerank;
        _compare = Compare;
    }

    /// <summary>Candidate indices of the list of the last call, best first.</summary>
    public ReadOnlySpan<int> Shown => _order.AsSpan(0, _shown);

    public int ByScore(InteractionCase interaction, ReadOnlySpan<float> scores)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        Reset(interaction);
        for (var i = 0; i < interaction.Count; i++)
        {
            (_primary[i], _secondary[i]) = (scores[i], 0);
        }

        return Order(interaction);
    }

    public int ByPopularity(InteractionCase interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        Reset(interaction);
        for (var i = 0; i < interaction.Count; i++)
        {
            (_primary[i], _secondary[i]) = (interaction.Popularity[i], 0);
        }

        return Order(interaction);
    }

    public int ByRecency(InteractionCase interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        Reset(interaction);
        for (var i = 0; i < interaction.Count; i++)
        {
            (_primary[i], _secondary[i]) = (interaction.LastEngaged[i], interaction.Popularity[i]);
        }

        return Order(interaction);
    }

    private void Reset(InteractionCase interaction)
    {
        var n = interaction.Count;
        if (_rooms.Length < n)
        {
            var size = Math.Max(n, _rooms.Length * 2);
            (_primary, _secondary, _rooms, _order, _exposure) = (new double[size], new double[size], new int[size], new int[size], new bool[size]);
        }

        interaction.Rooms.CopyTo(_rooms);
    }

    private int Order(InteractionCase interaction)
    {
        var n = interaction.Count;
        var target = interaction.TargetIndex;
        if (_rerank is null)
        {
            _shown = 0;
            var rank = 1;
            for (var i = 0; i < n; i++)
            {
                rank += Compare(i, target) < 0 ? 1 : 0;
                if (!double.IsNegativeInfinity(_primary[i]))
                {
                    Insert(i);
                }
            }

            return rank;
        }

        var order = _order.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            _exposure[i] = _rerank.IsExposure(interaction.LastEngaged[i] == long.MinValue, interaction.Popularity[i]);
        }

        order.Sort(_compare);
        var ranked = 0;
        while (ranked < n && !double.IsNegativeInfinity(_primary[order[ranked]]))
        {
            ranked++;
        }

        _rerank.Apply(order[..ranked], interaction.Categories, _exposure.AsSpan(0, n), Size);
        _shown = Math.Min(Size, ranked);
        return order.IndexOf(target) + 1;
    }

    /// <summary>Bounded insertion into the first <see cref="Size"/> slots of the order.</summary>
    private void Insert(int candidate)
    {
        if (_shown == Size && Compare(candidate, _order[Size - 1]) > 0)
        {
            return;
        }

        var position = _shown < Size ? _shown++ : Size - 1;
        while (position > 0 && Compare(candidate, _order[position - 1]) < 0)
        {
            _order[position] = _order[position - 1];
            position--;
        }

        _order[position] = candidate;
    }

    private int Compare(int a, int b)
    {
        if (a == b)
        {
            return 0;
        }

        if (_primary[a] != _primary[b])
        {
            return _primary[a] > _primary[b] ? -1 : 1;
        }

        if (_secondary[a] != _secondary[b])
        {
            return _secondary[a] > _secondary[b] ? -1 : 1;
        }

        return _rooms[a] < _rooms[b] ? -1 : 1;
    }
}
