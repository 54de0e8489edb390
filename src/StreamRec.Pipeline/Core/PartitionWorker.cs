using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Queries;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;

namespace StreamRec.Pipeline.Core;

/// <summary>
/// The steps of one user partition, over its own <see cref="PartitionState"/>. <see cref="StreamCore"/> calls
/// its phases in order, for all partitions in parallel; a worker touches only its own partition's state and
/// reads the global room state, which no one changes while workers run.
/// </summary>
internal sealed class PartitionWorker
{
    private readonly PartitionState _partition;
    private readonly IUserEventStep[] _userSteps;
    private readonly IUserEventObserver? _observer;
    private readonly UserQueries? _queries;
    private readonly RoomStopPromotion _promotion;
    private readonly UserForgetting _forgetting;
    private readonly UserExpiry _expiry;
    private readonly Comparison<int> _byName;
    private readonly CandidateScoring _scoring;
    private readonly DeltaEmitter _emitter;
    private readonly List<int> _due = [];
    private readonly List<int> _ranked = [];
    private readonly List<ScoredRoom> _promoted = [];
    private readonly long _finalHorizon;
    private readonly bool _explain;
    private readonly IReadOnlyList<float>? _linearWeights;
    private bool _chunkRanked;
    private int _chunkStart;
    private int _next;

    /// <summary>A worker over <paramref name="partition"/>; <paramref name="linearWeights"/> are the scorer's weights when it is linear (explained exactly), else null (explained by occlusion).</summary>
    public PartitionWorker(
        PipelineOptions options, PipelineState state, PartitionState partition, IUserEventObserver? observer, UserQueries? queries = null,
        IReadOnlyList<float>? linearWeights = null)
    {
        _explain = options.Explain;
        _linearWeights = linearWeights;
        _partition = partition;
        _observer = observer;
        _queries = queries;
        _finalHorizon = (long)Math.Max(options.CoalesceWindow.TotalMilliseconds, options.MinRerankInterval.TotalMilliseconds);

        // The order in which each user event is applied (see StreamCore for the order of the phases).
        _userSteps =
        [
            new RoomEngagement(options, partition),
            new CoEngagementUpdate(options, partition),
            new InterestUpdate(options, state),
            new RepeatAffinityUpdate(options, partition),
            new RerankCoalescing(options, partition),
        ];
        _emitter = new DeltaEmitter(options, state, partition);
        _promotion = new RoomStopPromotion(options, state, partition, _emitter);
        _scoring = new CandidateScoring(options, state, partition);
        _forgetting = new UserForgetting(options, state, partition);
        _expiry = new UserExpiry(options, state, partition, _forgetting);
        _byName = state.Ids.Users.CompareNames;
    }

    public int Index => _partition.Index;

    /// <summary>This batch's events of the partition's users.</summary>
    public List<EventRecord> Events { get; } = [];

    /// <summary>Deltas of the current tick.</summary>
    public List<RecommendationDelta> Deltas { get; } = [];

    public CandidateScoring Scoring => _scoring;

    /// <summary>Users whose lists are re-scored this tick.</summary>
    public IReadOnlyList<int> Ranked => _ranked;

    /// <summary>True while some of this tick's users still wait for their chunk.</summary>
    public bool HasMore => _next < _ranked.Count;

    public int PromotedCount { get; private set; }

    /// <summary>Phase 2: the partition's user events through every user step; stopped rooms' holders await promotion.</summary>
    public void ApplyEvents(IReadOnlyList<int> stoppedRooms)
    {
        foreach (var e in Events)
        {
            if (e.Kind == Contracts.Events.EventKind.UserForget)
            {
                _forgetting.Apply(e);
                continue;
            }

            _observer?.BeforeUserEvent(e, _partition.Users.Find(e.User));
            var user = _partition.Users.Get(e.User);
            foreach (var step in _userSteps)
            {
                step.Apply(e, user);
            }
        }

        _promotion.Collect(stoppedRooms);
    }

    /// <summary>Phase 5, once per hour of event time: users idle past the TTL are forgotten (their withdrawals go out this tick).</summary>
    public void Expire(long clockMs) => ExpiredCount = _expiry.Apply(clockMs);

    public int ExpiredCount { get; private set; }

    /// <summary>
    /// Phase 5: the users due now, and promotions. The end of a finite input also runs the re-ranks its last
    /// events asked for (due within the coalescing window or the re-rank interval), not those scheduled further
    /// ahead, which only the passing of event time would have run.
    /// </summary>
    public void PrepareRound(long clockMs, bool final)
    {
        _due.Clear();
        _ranked.Clear();
        Deltas.Clear();
        Deltas.AddRange(_partition.Forgotten);
        _partition.Forgotten.Clear();
        PromotedCount = 0;
        _next = 0;
        _partition.Reranks.Release(final ? clockMs + _finalHorizon : clockMs, all: false, _due);

        // A list ranked later than this event time is newer than anything this round could make: a user restored from
        // the changelog while this instance still catches up on the rooms topic meets room events its list already saw.
        _due.RemoveAll(user => RankedAfter(user, clockMs));
        var rescored = new HashSet<int>(_due);
        _ranked.AddRange(_due);
        // By user id, not interned number: the order of a tick's deltas must not depend on the order ids were first seen.
        var promotions = _partition.Promotions.ToList();
        promotions.Sort(_byName);
        foreach (var userId in promotions)
        {
            if (rescored.Contains(userId) || RankedAfter(userId, clockMs))
            {
                continue;
            }

            var user = _partition.Users.Get(userId);
            if (_promotion.TryPromote(userId, user, clockMs, _promoted))
            {
                PromotedCount++;
                if (_emitter.Apply(userId, user, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_promoted), clockMs) is { } delta)
                {
                    Deltas.Add(delta);
                }
            }
            else
            {
                _ranked.Add(userId);
            }
        }

        // Their changelog records said a promotion was pending; the next ones must say it is done.
        _partition.Users.Changed?.UnionWith(_partition.Promotions);
        _partition.Promotions.Clear();
    }

    private bool RankedAfter(int userId, long clockMs) => _partition.Users.PeekRanking(userId, [], out var rankedAt) >= 0 && rankedAt > clockMs;

    /// <summary>Retrieval and feature rows for the next at most <paramref name="users"/> users of the round.</summary>
    public void BuildChunk(long clockMs, int users)
    {
        _chunkStart = _next;
        var count = Math.Min(users, _ranked.Count - _next);
        _next += count;
        _scoring.BuildRows(_ranked, _chunkStart, count, clockMs);
    }

    /// <summary>Phase 5 without ranking (offline replays): due users and promotions are dropped.</summary>
    public void DiscardRound(long clockMs, bool final)
    {
        _due.Clear();
        _partition.Reranks.Release(clockMs, final, _due);
        _partition.Promotions.Clear();
        _partition.Forgotten.Clear();
    }

    /// <summary>
    /// Phase 7a, only when a model's explanations need the occluded rows scored: the chunk's ranked lists and those rows
    /// (see <see cref="CandidateScoring.Occluded"/>); otherwise <see cref="FinishChunk"/> does this itself.
    /// </summary>
    public void RankChunk(ReadOnlySpan<float> scores)
    {
        _scoring.RankGroups(scores);
        if (_explain)
        {
            _scoring.PrepareExplanations(scores, _linearWeights);
        }

        _chunkRanked = true;
    }

    /// <summary>
    /// Phase 7: each re-scored user's new ranked list, given this partition's slice of the chunk's scores (and, when
    /// explaining by occlusion, of the occluded rows' scores).
    /// </summary>
    public void FinishChunk(ReadOnlySpan<float> scores, ReadOnlySpan<float> occludedScores, long clockMs)
    {
        if (!_chunkRanked)
        {
            RankChunk(scores);
        }

        if (_explain && _linearWeights is null)
        {
            _scoring.ExplainOccluded(occludedScores);
        }

        _chunkRanked = false;
        for (var i = 0; i < _next - _chunkStart; i++)
        {
            var userId = _ranked[_chunkStart + i];
            var user = _partition.Users.Get(userId);
            user.RankedAt = clockMs;
            if (_emitter.Apply(userId, user, _scoring.RankedOf(i), clockMs, _scoring.WhyOf(i)) is { } delta)
            {
                Deltas.Add(delta);
            }
        }
    }

    /// <summary>Phase 8: the batch is done; at a tick's close, so is the unit of work.</summary>
    public void EndBatch(bool closesTick)
    {
        Events.Clear();
        if (closesTick)
        {
            _partition.Users.WriteBack();
            _queries?.AnswerPending(_partition);
        }
    }
}
