using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Options;
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
    private readonly RoomStopPromotion _promotion;
    private readonly CandidateScoring _scoring;
    private readonly DeltaEmitter _emitter;
    private readonly List<int> _due = [];
    private readonly List<int> _ranked = [];
    private readonly List<ScoredRoom> _promoted = [];

    public PartitionWorker(PipelineOptions options, PipelineState state, PartitionState partition, IUserEventObserver? observer)
    {
        _partition = partition;
        _observer = observer;

        // The order in which each user event is applied (see StreamCore for the order of the phases).
        _userSteps =
        [
            new RoomEngagement(options, partition),
            new InterestUpdate(options, state),
            new RepeatAffinityUpdate(options, partition),
            new RerankCoalescing(options, partition),
        ];
        _emitter = new DeltaEmitter(options, state, partition);
        _promotion = new RoomStopPromotion(options, state, partition, _emitter);
        _scoring = new CandidateScoring(options, state, partition);
    }

    public int Index => _partition.Index;

    /// <summary>This batch's events of the partition's users.</summary>
    public List<EventRecord> Events { get; } = [];

    /// <summary>Deltas of the current tick.</summary>
    public List<RecommendationDelta> Deltas { get; } = [];

    public CandidateScoring Scoring => _scoring;

    /// <summary>Users whose lists are re-scored this tick, in the order of <see cref="CandidateScoring.Groups"/>.</summary>
    public IReadOnlyList<int> Ranked => _ranked;

    public int PromotedCount { get; private set; }

    /// <summary>Phase 2: the partition's user events through every user step; stopped rooms' holders await promotion.</summary>
    public void ApplyEvents(IReadOnlyList<int> stoppedRooms)
    {
        foreach (var e in Events)
        {
            _observer?.BeforeUserEvent(e, _partition.Users.Find(e.User));
            var user = _partition.Users.Get(e.User);
            foreach (var step in _userSteps)
            {
                step.Apply(e, user);
            }
        }

        _promotion.Collect(stoppedRooms);
    }

    /// <summary>Phase 5: due users and failed promotions are retrieved and turned into feature rows.</summary>
    public void PrepareRound(long clockMs, bool final)
    {
        _due.Clear();
        _ranked.Clear();
        Deltas.Clear();
        PromotedCount = 0;
        _partition.Reranks.Release(clockMs, final, _due);
        var rescored = new HashSet<int>(_due);
        _ranked.AddRange(_due);
        foreach (var userId in _partition.Promotions.Order())
        {
            if (rescored.Contains(userId))
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

        _partition.Promotions.Clear();
        _scoring.BuildRows(_ranked, clockMs);
    }

    /// <summary>Phase 5 without ranking (offline replays): due users and promotions are dropped.</summary>
    public void DiscardRound(long clockMs, bool final)
    {
        _due.Clear();
        _partition.Reranks.Release(clockMs, final, _due);
        _partition.Promotions.Clear();
    }

    /// <summary>Phase 7: each re-scored user's new ranked list, given this partition's slice of the tick's scores.</summary>
    public void FinishRound(ReadOnlySpan<float> scores, long clockMs)
    {
        for (var i = 0; i < _ranked.Count; i++)
        {
            var user = _partition.Users.Get(_ranked[i]);
            user.RankedAt = clockMs;
            if (_emitter.Apply(_ranked[i], user, _scoring.Ranked(i, scores), clockMs) is { } delta)
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
            _partition.Users.Commit();
        }
    }
}
