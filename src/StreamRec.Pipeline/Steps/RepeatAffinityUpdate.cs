using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Repeat consumption: users come back to the same streamers. Keeps a decayed engagement per user x streamer
/// (the strongest <see cref="PipelineOptions.MaxAffinities"/> per user) and offers each new value to the
/// partition's index of each streamer's most attached viewers, the targets of a go-live fan-out.
/// </summary>
public sealed class RepeatAffinityUpdate(PipelineOptions options, PartitionState partition) : IUserEventStep
{
    public void Apply(in EventRecord e, UserState user)
    {
        var engagement = user.Engage(e.Streamer, e.Ts, options.AffinityHalfLife, options.Weights.Of(e));
        if (engagement.Value >= options.FavouriteMinAffinity)
        {
            partition.Favourites.Offer(e.Streamer, e.User, engagement);
        }
    }
}
