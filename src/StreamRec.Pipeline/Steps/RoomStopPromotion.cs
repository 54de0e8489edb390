using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Incremental top-K on room_stop: the users whose sent top K held a stopped room (found through the holder
/// index) get, at the tick's close, their ranked list without the rooms no longer live, so the next runner-up
/// moves up with no re-scoring: one delta per affected user. The list is re-scored within
/// <see cref="PipelineOptions.PromotionStaleness"/>, or at once when too few ranked rooms are left.
/// With <see cref="PipelineOptions.Diversity"/> on, the rooms left are re-ranked by the same <see cref="DiversityRerank"/>,
/// so the promoted top K keeps the limits as far as the ranked runners-up allow; the re-score restores them in full.
/// </summary>
public sealed class RoomStopPromotion(PipelineOptions options, PipelineState state, PartitionState partition, DeltaEmitter emitter)
{
    private readonly long _staleness = (long)options.PromotionStaleness.TotalMilliseconds;
    private readonly DiversityRerank? _rerank = options.Diversity.Enabled ? new DiversityRerank(options.Diversity) : null;
    private readonly List<ScoredRoom> _live = [];
    private int[] _order = [];
    private int[] _categories = [];
    private bool[] _exposure = [];

    /// <summary>Marks the real holders of the stopped rooms for promotion.</summary>
    public void Collect(IReadOnlyList<int> stoppedRooms)
    {
        ArgumentNullException.ThrowIfNull(stoppedRooms);
        foreach (var room in stoppedRooms)
        {
            foreach (var user in partition.Holders.Candidates(room))
            {
                if (!partition.Promotions.Contains(user) && emitter.HoldsInTopK(user, room))
                {
                    partition.Promotions.Add(user);

                    // The pending promotion travels in the user's changelog record, so a partition moved before the tick closes keeps it.
                    partition.Users.Changed?.Add(user);
                }
            }
        }
    }

    /// <summary>
    /// Writes the user's list without stopped rooms into <paramref name="into"/> and asks for a re-score after the
    /// staleness bound; false when fewer than K live ranked rooms remain (while more rooms are live), so the
    /// caller re-ranks the user now instead.
    /// </summary>
    public bool TryPromote(int userId, UserState user, long clockMs, List<ScoredRoom> into)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        foreach (var ranked in user.Ranked)
        {
            if (state.Rooms.FindRoom(ranked.Room) is { IsLive: true })
            {
                into.Add(ranked);
            }
        }

        if (into.Count < Math.Min(options.TopK, state.Rooms.LiveRooms.Count))
        {
            return false;
        }

        if (_rerank is not null)
        {
            Rerank(user, clockMs, into);
        }

        partition.Reranks.Mark(userId, clockMs + _staleness);
        return true;
    }

    /// <summary>The stored list is in re-ranked order: back to score order (ties by room id), then re-ranked again.</summary>
    private void Rerank(UserState user, long clockMs, List<ScoredRoom> into)
    {
        var names = state.Ids.Rooms;
        into.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(names.NameOf(a.Room), names.NameOf(b.Room)));
        var count = into.Count;
        if (_order.Length < count)
        {
            _order = new int[count];
            _categories = new int[count];
            _exposure = new bool[count];
        }

        for (var i = 0; i < count; i++)
        {
            var room = state.Rooms.FindRoom(into[i].Room)!;
            _order[i] = i;
            _categories[i] = room.Category;
            _exposure[i] = _rerank!.IsExposure(user, room, clockMs, options.PopularityHalfLife);
        }

        _rerank!.Apply(_order.AsSpan(0, count), _categories.AsSpan(0, count), _exposure.AsSpan(0, count), options.TopK);
        _live.Clear();
        _live.AddRange(into);
        for (var i = 0; i < count; i++)
        {
            into[i] = _live[_order[i]];
        }
    }
}
