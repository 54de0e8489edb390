using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Candidate retrieval and scoring for the users released by the coalescer: candidates are the live
/// rooms (or, when more than <see cref="PipelineOptions.MaxCandidates"/> are live, the user's favourite
/// streamers' rooms plus the most popular); features of all users' candidates go to the scorer in one
/// matrix, then each user keeps the top K (ties broken by room id, for determinism).
/// </summary>
public sealed class CandidateScoring(PipelineOptions options, PipelineState state, IScorer scorer, PipelineMetrics metrics) : IPipelineStep
{
    private readonly FeatureExtractor _features = new(options, state);
    private readonly ShortlistScorer? _shortlist =
        scorer is BaselineScorer or ShortlistScorer || options.ModelShortlist == 0 ? null : new ShortlistScorer(scorer, options.ModelShortlist);
    private readonly List<RoomContext> _rooms = [];
    private readonly UserContext _user = new(options.VectorDimensions);
    private readonly Dictionary<int, int> _roomIndex = [];

    // Each re-ranked user's rows, in the order of the batch's Reranks.
    private readonly List<(int Start, int Count)> _groups = [];
    private readonly List<int> _candidateRooms = [];
    private float[] _matrix = new float[4096 * FeatureExtractor.Count];
    private float[] _scores = new float[4096];
    private int[] _rowRooms = new int[4096];

    public void Apply(EventBatch batch)
    {
        if (batch.Reranks.Count == 0)
        {
            return;
        }

        PrepareRooms(batch.Clock);
        var rows = BuildRows(batch);
        var matrix = _matrix.AsSpan(0, rows * FeatureExtractor.Count);
        if (_shortlist is null)
        {
            scorer.Score(matrix, rows, _scores.AsSpan(0, rows));
        }
        else
        {
            _shortlist.ScoreGroups(matrix, _groups, _scores.AsSpan(0, rows));
        }

        for (var i = 0; i < _groups.Count; i++)
        {
            batch.Rankings.Add(new UserRanking(batch.Reranks[i], TopK(_groups[i].Start, _groups[i].Count)));
        }

        metrics.AddReranks(batch.Reranks.Count, rows);
    }

    private void PrepareRooms(long now)
    {
        _roomIndex.Clear();
        var live = state.Rooms.LiveRooms;
        for (var i = 0; i < live.Count; i++)
        {
            if (i == _rooms.Count)
            {
                _rooms.Add(new RoomContext(options.VectorDimensions));
            }

            _features.PrepareRoom(state.Rooms.GetOrAddRoom(live[i]), now, _rooms[i]);
            _roomIndex[live[i]] = i;
        }
    }

    private int BuildRows(EventBatch batch)
    {
        _groups.Clear();
        var rows = 0;
        var width = FeatureExtractor.Count;
        foreach (var userId in batch.Reranks)
        {
            var user = state.Users.GetOrAdd(userId);
            _features.PrepareUser(user, batch.Clock, _user);
            Candidates(user);
            Ensure(rows + _candidateRooms.Count);
            foreach (var index in _candidateRooms)
            {
                FeatureExtractor.Extract(_user, _rooms[index], _matrix.AsSpan(rows * width, width));
                _rowRooms[rows] = _rooms[index].Room;
                rows++;
            }

            _groups.Add((rows - _candidateRooms.Count, _candidateRooms.Count));
        }

        return rows;
    }

    private void Candidates(UserState user)
    {
        _candidateRooms.Clear();
        var live = _roomIndex.Count;
        if (live <= options.MaxCandidates)
        {
            for (var i = 0; i < live; i++)
            {
                _candidateRooms.Add(i);
            }

            return;
        }

        // Too many live rooms to score them all: the user's streamers first, then the hottest rooms.
        var chosen = new HashSet<int>();
        for (var i = 0; i < live && chosen.Count < options.MaxCandidates / 2; i++)
        {
            if (user.Affinities.ContainsKey(_rooms[i].Streamer))
            {
                chosen.Add(i);
            }
        }

        foreach (var i in Enumerable.Range(0, live).OrderByDescending(i => _rooms[i].Popularity).ThenBy(i => _rooms[i].Room))
        {
            if (chosen.Count >= options.MaxCandidates)
            {
                break;
            }

            chosen.Add(i);
        }

        _candidateRooms.AddRange(chosen.Order());
    }

    private ScoredRoom[] TopK(int start, int count)
    {
        // Bounded insertion: K is small, so this beats sorting every candidate.
        var k = Math.Min(options.TopK, count);
        var top = new ScoredRoom[k];
        var filled = 0;
        for (var i = 0; i < count; i++)
        {
            var candidate = new ScoredRoom(_rowRooms[start + i], _scores[start + i]);
            if (filled == k && !Better(candidate, top[k - 1]))
            {
                continue;
            }

            var position = filled < k ? filled++ : k - 1;
            while (position > 0 && Better(candidate, top[position - 1]))
            {
                top[position] = top[position - 1];
                position--;
            }

            top[position] = candidate;
        }

        return top;
    }

    /// <summary>Higher score first; equal scores by room id, so ties rank the same on every run.</summary>
    private static bool Better(ScoredRoom a, ScoredRoom b) => a.Score > b.Score || (a.Score == b.Score && a.Room < b.Room);

    private void Ensure(int rows)
    {
        if (rows > _scores.Length)
        {
            var size = Math.Max(rows, _scores.Length * 2);
            Array.Resize(ref _matrix, size * FeatureExtractor.Count);
            Array.Resize(ref _scores, size);
            Array.Resize(ref _rowRooms, size);
        }
    }
}
