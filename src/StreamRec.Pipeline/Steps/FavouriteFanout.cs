using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// A room_start re-ranks the streamer's most attached returning viewers at once: each partition's favourite
/// index offers its candidates, and the global top <see cref="PipelineOptions.FavouriteFanoutLimit"/> (ties by
/// user id) are marked, so the bound is the same for any partition count. Runs on the coordinating thread.
/// </summary>
public sealed class FavouriteFanout(PipelineOptions options, PipelineState state)
{
    private readonly List<(double Affinity, int User)> _candidates = [];
    private readonly Comparison<(double Affinity, int User)> _byAffinity =
        (a, b) => a.Affinity != b.Affinity ? b.Affinity.CompareTo(a.Affinity) : state.Ids.Users.CompareNames(a.User, b.User);

    /// <summary>Marks the favourites of each started room's streamer; returns how many users were marked.</summary>
    public int Apply(IReadOnlyList<int> startedRooms, long clockMs)
    {
        ArgumentNullException.ThrowIfNull(startedRooms);
        if (options.FavouriteFanoutLimit == 0)
        {
            return 0;
        }

        var marked = 0;
        foreach (var roomId in startedRooms)
        {
            var streamer = state.Rooms.FindRoom(roomId)?.Streamer ?? -1;
            if (streamer < 0)
            {
                continue;
            }

            _candidates.Clear();
            foreach (var partition in state.Partitions)
            {
                partition.Favourites.Top(streamer, clockMs, options.FavouriteMinAffinity, _candidates);
            }

            _candidates.Sort(_byAffinity);
            foreach (var (_, user) in _candidates.Take(options.FavouriteFanoutLimit))
            {
                state.Partitions[state.PartitionMap.Of(user)].Reranks.Mark(user, clockMs);
                marked++;
            }
        }

        return marked;
    }
}
