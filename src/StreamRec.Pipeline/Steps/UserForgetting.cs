using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// A <c>user_forget</c>, or a user idle past the TTL: deletes everything the partition holds about the user
/// (state, affinities, the sent list, its place in the holder and favourite indexes, pending work) and
/// withdraws the user's list with a delta marked forgotten. The user's share of room and audience
/// aggregates is not identifiable and stays. A user who acts again afterwards starts afresh, at seq 1.
/// </summary>
public sealed class UserForgetting(PipelineOptions options, PipelineState state, PartitionState partition)
{
    public void Apply(in EventRecord e) => Forget(e.User, e.Ts);

    /// <summary>Forgets <paramref name="userId"/> at event time <paramref name="ts"/>.</summary>
    public void Forget(int userId, long ts)
    {
        var seq = 0L;
        var removed = new List<string>();
        if (partition.Users.Find(userId) is { } user)
        {
            seq = user.Seq;
            foreach (var room in user.Ranked[..Math.Min(options.TopK, user.RankedCount)])
            {
                partition.Holders.Remove(room.Room);
                removed.Add(state.Ids.Rooms.NameOf(room.Room));
            }

            partition.Users.Forget(userId);
        }

        partition.Favourites.Forget(userId);
        partition.Reranks.Cancel(userId);
        partition.Promotions.Remove(userId);
        partition.ErasedIds.Add(userId);
        partition.Forgotten.Add(new RecommendationDelta
        {
            UserId = state.Ids.Users.NameOf(userId),
            Seq = seq + 1,
            Ts = ts,
            Top = [],
            Added = [],
            Removed = removed,
            Forgotten = true,
        });
    }
}
