using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Incremental top-K on room_stop: the users whose sent top K held a stopped room (found through the holder
/// index) get, at the tick's close, their ranked list without the rooms no longer live, so the next runner-up
/// moves up with no re-scoring: one delta per affected user. The list is re-scored within
/// <see cref="PipelineOptions.PromotionStaleness"/>, or at once when too few ranked rooms are left.
/// </summary>
public sealed class RoomStopPromotion(PipelineOptions options, PipelineState state, PartitionState partition, DeltaEmitter emitter)
{
    private readonly long _staleness = (long)options.PromotionStaleness.TotalMilliseconds;

    /// <summary>Marks the real holders of the stopped rooms for promotion.</summary>
    public void Collect(IReadOnlyList<int> stoppedRooms)
    {
        ArgumentNullException.ThrowIfNull(stoppedRooms);
        foreach (var room in stoppedRooms)
        {
            foreach (var user in partition.Holders.Candidates(room))
            {
                if (!partition.Promotions.Contains(user) && partition.Users.Peek(user) is { } state && emitter.HoldsInTopK(state, room))
                {
                    partition.Promotions.Add(user);
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

        partition.Reranks.Mark(userId, clockMs + _staleness);
        return true;
    }
}
