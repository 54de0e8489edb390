using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// A <c>user_forget</c>: deletes everything the partition holds about the user (state, affinities, the
/// sent list, its place in the holder and favourite indexes, pending work) and withdraws the user's list
/// with a delta marked forgotten. The user's share of room and audience aggregates is not identifiable
/// and stays. A user who acts again afterwards starts afresh, at seq 1.
/// </summary>
public sealed class UserForgetting(PipelineOptions options, PipelineState state, PartitionState partition)
{
    public void Apply(in EventRecord e)
    {
        var seq = 0L;
        var removed = new List<string>();
        if (partition.Users.Find(e.User) is { } user)
        {
            seq = user.Seq;
            foreach (var room in user.Ranked[..Math.Min(options.TopK, user.RankedCount)])
            {
                partition.Holders.Remove(room.Room);
                removed.Add(state.Ids.Rooms.NameOf(room.Room));
            }

            partition.Users.Forget(e.User);
        }

        partition.Favourites.Forget(e.User);
        partition.Reranks.Cancel(e.User);
        partition.Promotions.Remove(e.User);
        partition.ErasedIds.Add(e.User);
        partition.Forgotten.Add(new RecommendationDelta
        {
            UserId = state.Ids.Users.NameOf(e.User),
            Seq = seq + 1,
            Ts = e.Ts,
            Top = [],
            Added = [],
            Removed = removed,
            Forgotten = true,
        });
    }
}
