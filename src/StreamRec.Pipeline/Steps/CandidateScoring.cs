using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Feature rows for one partition's re-ranked users (retrieval, then one row per candidate), and, once the
/// tick's single scorer call has filled the scores, each user's ranked list: the top K plus
/// <see cref="PipelineOptions.RankedRunnersUp"/>, ties broken by external room id so every run ranks the same.
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
    private ScoredRoom[] _top = [];
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
    }

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
                FeatureExtractor.Extract(_user, _columns.Get(room), _matrix.AsSpan(rows * width, width));
                _rowRooms[rows++] = room;
            }

            _groups.Add((rows - _candidates.Count, _candidates.Count));
        }

        Rows = rows;
    }

    /// <summary>The ranked list of group <paramref name="group"/>, given the scores of all this partition's rows.</summary>
    public ReadOnlySpan<ScoredRoom> Ranked(int group, ReadOnlySpan<float> scores)
    {
        var (start, count) = _groups[group];
        var k = Math.Min(_options.TopK + _options.RankedRunnersUp, count);
        if (_top.Length < k)
        {
            _top = new ScoredRoom[k];
        }

        // Bounded insertion: K is small, so this beats sorting every candidate. Rooms the shortlist cut
        // (negative infinity) never enter the list.
        var filled = 0;
        for (var i = 0; i < count; i++)
        {
            var candidate = new ScoredRoom(_rowRooms[start + i], scores[start + i]);
            if (float.IsNegativeInfinity(candidate.Score) || (filled == k && !Better(candidate, _top[k - 1])))
            {
                continue;
            }

            var position = filled < k ? filled++ : k - 1;
            while (position > 0 && Better(candidate, _top[position - 1]))
            {
                _top[position] = _top[position - 1];
                position--;
            }

            _top[position] = candidate;
        }

        return _top.AsSpan(0, filled);
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
        }
    }
}
