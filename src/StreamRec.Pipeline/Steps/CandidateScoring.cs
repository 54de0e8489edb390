using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Feature rows for one partition's re-ranked users (retrieval, then one row per candidate), and, once the
/// tick's single scorer call has filled the scores, each user's ranked list: the top K plus
/// <see cref="PipelineOptions.RankedRunnersUp"/>, ties broken by external room id so every run ranks the same.
/// With <see cref="PipelineOptions.Diversity"/> on, the top K is the <see cref="DiversityRerank"/> of the scored
/// order; with <see cref="PipelineOptions.Explain"/> on, each top-K room gets its top contributing features.
/// </summary>
public sealed class CandidateScoring
{
    private readonly PipelineOptions _options;
    private readonly PartitionState _partition;
    private readonly FeatureExtractor _features;
    private readonly RoomColumns _columns;
    private readonly CandidateRetrieval _retrieval;
    private readonly Ids.IdTable _rooms;
    private readonly UserContext _user;
    private readonly List<int> _candidates = [];
    private readonly List<(int Start, int Count)> _groups = [];
    private float[] _matrix = new float[1024 * FeatureExtractor.Count];
    private int[] _rowRooms = new int[1024];
    private readonly DiversityRerank? _rerank;
    private readonly PipelineState _state;
    private readonly List<(int Start, int Count)> _rankedGroups = [];
    private readonly Comparison<int> _byRow;
    private int[] _rowCategories = new int[1024];
    private bool[] _rowExposure = new bool[1024];
    private ScoredRoom[] _ranked = [];
    private int[] _rankedRows = [];
    private int[] _order = [];
    private float[] _orderScores = [];
    private int _orderStart;
    private float[] _means = [];
    private float[] _occluded = [];
    private float[] _contributions = new float[FeatureExtractor.Count];
    private FeatureContribution[]?[] _why = [];
    private long _preparedFor = long.MinValue;

    public CandidateScoring(PipelineOptions options, PipelineState state, PartitionState partition)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        _options = options;
        _partition = partition;
        _features = new FeatureExtractor(options, state);
        _columns = new RoomColumns(_features, state.Rooms, options.VectorDimensions);
        _retrieval = new CandidateRetrieval(options, state);
        _rooms = state.Ids.Rooms;
        _user = new UserContext(options.VectorDimensions);
        _state = state;
        _rerank = options.Diversity.Enabled ? new DiversityRerank(options.Diversity) : null;
        _byRow = (a, b) => a == b ? 0 : Better(new ScoredRoom(_rowRooms[_orderStart + a], _orderScores[a]), new ScoredRoom(_rowRooms[_orderStart + b], _orderScores[b])) ? -1 : 1;
    }

    /// <summary>Rows of <see cref="Occluded"/>, built by the last <see cref="PrepareExplanations"/> for a model scorer.</summary>
    public int OccludedRows { get; private set; }

    /// <summary>Each top-K row with one feature at a time set to the user's mean: to be scored once for the whole round.</summary>
    public ReadOnlySpan<float> Occluded => _occluded.AsSpan(0, OccludedRows * FeatureExtractor.Count);

    /// <summary>Rows built by the last <see cref="BuildRows"/>.</summary>
    public int Rows { get; private set; }

    /// <summary>Each user's rows (start, count), in the order of the users given to <see cref="BuildRows"/>.</summary>
    public IReadOnlyList<(int Start, int Count)> Groups => _groups;

    /// <summary>The row-major feature matrix of the last <see cref="BuildRows"/>.</summary>
    public ReadOnlySpan<float> Matrix => _matrix.AsSpan(0, Rows * FeatureExtractor.Count);

    /// <summary>Retrieves candidates and extracts features for users [start, start + count), at event time <paramref name="nowMs"/>.</summary>
    public void BuildRows(IReadOnlyList<int> users, int start, int count, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(users);
        if (nowMs != _preparedFor)
        {
            _columns.StartTick(nowMs);
            _preparedFor = nowMs;
        }

        _groups.Clear();
        var rows = 0;
        var width = FeatureExtractor.Count;
        for (var u = start; u < start + count; u++)
        {
            var userId = users[u];
            var user = _partition.Users.Get(userId);
            _features.PrepareUser(user, nowMs, _user);
            _retrieval.Collect(user, _user, nowMs, _candidates);
            Ensure(rows + _candidates.Count);
            foreach (var room in _candidates)
            {
                var context = _columns.Get(room);
                FeatureExtractor.Extract(_user, context, _matrix.AsSpan(rows * width, width));
                if (_rerank is not null)
                {
                    _rowCategories[rows] = context.Category;
                    _rowExposure[rows] = _rerank.IsExposure(user, _state.Rooms.FindRoom(room)!, nowMs, _options.PopularityHalfLife);
                }

                _rowRooms[rows++] = room;
            }

            _groups.Add((rows - _candidates.Count, _candidates.Count));
        }

        Rows = rows;
    }

    /// <summary>Ranks every group of the last <see cref="BuildRows"/>, given the scores of all this partition's rows.</summary>
    public void RankGroups(ReadOnlySpan<float> scores)
    {
        var limit = _options.TopK + _options.RankedRunnersUp;
        var total = 0;
        foreach (var (_, count) in _groups)
        {
            total += Math.Min(limit, count);
        }

        Grow(ref _ranked, total);
        Grow(ref _rankedRows, total);
        _rankedGroups.Clear();
        var at = 0;
        foreach (var (start, count) in _groups)
        {
            var filled = _rerank is null ? RankByScore(start, count, scores, at, Math.Min(limit, count)) : RankDiverse(start, count, scores, at, limit);
            _rankedGroups.Add((at, filled));
            at += filled;
        }

        OccludedRows = 0;
    }

    /// <summary>The ranked list of group <paramref name="group"/>, as <see cref="RankGroups"/> left it.</summary>
    public ReadOnlySpan<ScoredRoom> RankedOf(int group)
    {
        var (start, count) = _rankedGroups[group];
        return _ranked.AsSpan(start, count);
    }

    /// <summary>The top contributing features of each of the group's top-K rooms; empty unless explanations are on.</summary>
    public ReadOnlySpan<FeatureContribution[]?> WhyOf(int group)
    {
        if (!_options.Explain)
        {
            return [];
        }

        var (start, count) = _rankedGroups[group];
        return _why.AsSpan(start, Math.Min(_options.TopK, count));
    }

    /// <summary>
    /// After <see cref="RankGroups"/>, with explanations on: the means of each user's scored candidates, and then
    /// either the contributions at once (<paramref name="linearWeights"/> given) or the occluded rows to score.
    /// </summary>
    public void PrepareExplanations(ReadOnlySpan<float> scores, IReadOnlyList<float>? linearWeights)
    {
        var width = FeatureExtractor.Count;
        Grow(ref _means, _groups.Count * width);
        Grow(ref _why, _ranked.Length);
        var occluded = 0;
        for (var g = 0; g < _groups.Count; g++)
        {
            var (start, count) = _groups[g];
            var means = _means.AsSpan(g * width, width);
            FeatureContributions.Means(_matrix.AsSpan(start * width, count * width), scores.Slice(start, count), means);
            var (at, ranked) = _rankedGroups[g];
            for (var i = 0; i < Math.Min(_options.TopK, ranked); i++)
            {
                var row = _matrix.AsSpan(_rankedRows[at + i] * width, width);
                if (linearWeights is not null)
                {
                    FeatureContributions.Linear(row, means, linearWeights, _contributions);
                    _why[at + i] = FeatureContributions.Top(row, _contributions);
                }
                else
                {
                    Grow(ref _occluded, (occluded + width) * width);
                    FeatureContributions.WriteOccluded(row, means, _occluded.AsSpan(occluded * width, width * width));
                    occluded += width;
                }
            }
        }

        OccludedRows = occluded;
    }

    /// <summary>Contributions by occlusion, given the scores of <see cref="Occluded"/> in its row order.</summary>
    public void ExplainOccluded(ReadOnlySpan<float> occludedScores)
    {
        var width = FeatureExtractor.Count;
        var next = 0;
        foreach (var (at, ranked) in _rankedGroups)
        {
            for (var i = 0; i < Math.Min(_options.TopK, ranked); i++)
            {
                var row = _matrix.AsSpan(_rankedRows[at + i] * width, width);
                FeatureContributions.Occlusion(_ranked[at + i].Score, occludedScores.Slice(next * width, width), _contributions);
                _why[at + i] = FeatureContributions.Top(row, _contributions);
                next++;
            }
        }
    }

    /// <summary>
    /// Bounded insertion: K is small, so this beats sorting every candidate. Rooms the shortlist cut
    /// (negative infinity) never enter the list.
    /// </summary>
    private int RankByScore(int start, int count, ReadOnlySpan<float> scores, int at, int k)
    {
        var top = _ranked.AsSpan(at, k);
        var rows = _rankedRows.AsSpan(at, k);
        var filled = 0;
        for (var i = 0; i < count; i++)
        {
            var candidate = new ScoredRoom(_rowRooms[start + i], scores[start + i]);
            if (float.IsNegativeInfinity(candidate.Score) || (filled == k && !Better(candidate, top[k - 1])))
            {
                continue;
            }

            var position = filled < k ? filled++ : k - 1;
            while (position > 0 && Better(candidate, top[position - 1]))
            {
                top[position] = top[position - 1];
                rows[position] = rows[position - 1];
                position--;
            }

            top[position] = candidate;
            rows[position] = start + i;
        }

        return filled;
    }

    /// <summary>Every scored candidate in score order, then the greedy re-rank of its top K; runners-up follow by score.</summary>
    private int RankDiverse(int start, int count, ReadOnlySpan<float> scores, int at, int limit)
    {
        Grow(ref _order, count);
        Grow(ref _orderScores, count);
        var scored = 0;
        for (var i = 0; i < count; i++)
        {
            _orderScores[i] = scores[start + i];
            if (!float.IsNegativeInfinity(scores[start + i]))
            {
                _order[scored++] = i;
            }
        }

        _orderStart = start;
        var order = _order.AsSpan(0, scored);
        order.Sort(_byRow);
        _rerank!.Apply(order, _rowCategories.AsSpan(start, count), _rowExposure.AsSpan(start, count), _options.TopK);
        var filled = Math.Min(limit, scored);
        for (var i = 0; i < filled; i++)
        {
            _ranked[at + i] = new ScoredRoom(_rowRooms[start + order[i]], scores[start + order[i]]);
            _rankedRows[at + i] = start + order[i];
        }

        return filled;
    }

    /// <summary>
    /// Higher score first; equal scores by external room id, so ties rank the same on every run and every
    /// instance, whatever order the ids were first seen in (interned ids are not portable).
    /// </summary>
    private bool Better(ScoredRoom a, ScoredRoom b) =>
        a.Score > b.Score || (a.Score == b.Score && a.Room != b.Room && string.CompareOrdinal(_rooms.NameOf(a.Room), _rooms.NameOf(b.Room)) < 0);

    private void Ensure(int rows)
    {
        if (rows > _rowRooms.Length)
        {
            var size = Math.Max(rows, _rowRooms.Length * 2);
            Array.Resize(ref _matrix, size * FeatureExtractor.Count);
            Array.Resize(ref _rowRooms, size);
            Array.Resize(ref _rowCategories, size);
            Array.Resize(ref _rowExposure, size);
        }
    }

    private static void Grow<T>(ref T[] array, int size)
    {
        if (array.Length < size)
        {
            Array.Resize(ref array, Math.Max(size, array.Length * 2));
        }
    }
}
