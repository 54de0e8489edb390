using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// At a tick's close, merges every partition's contributions (in partition order) into the global room
/// popularity, conversion counts, streamer audience profiles and co-engagement, moves the rooms that gained popularity in
/// the live-room index, and prepares the index's top lists for the tick's re-ranks. Coordinating thread only.
/// </summary>
public sealed class RoomAggregateMerge(PipelineOptions options, PipelineState state)
{
    private readonly List<RoomState> _touched = [];
    private readonly CoEngagementMerge _coEngagement = new(options.CoEngagement.HalfLife);

    public void Apply(long clockMs)
    {
        _touched.Clear();
        foreach (var partition in state.Partitions)
        {
            foreach (var (roomId, sums) in partition.Contributions.Rooms)
            {
                var room = state.Rooms.GetOrAddRoom(roomId);
                var h = options.PopularityHalfLife;
                room.Popularity = room.Popularity.Merge(sums.Popularity, h);
                room.Visits = room.Visits.Merge(sums.Visits, h);
                room.Purchases = room.Purchases.Merge(sums.Purchases, h);
                room.Intents = room.Intents.Merge(sums.Intents, h);
                _touched.Add(room);
            }

            foreach (var (streamerId, sum) in partition.Contributions.Audiences)
            {
                var streamer = state.Rooms.GetOrAddStreamer(streamerId);
                var ts = Math.Max(streamer.AudienceMass.Ts, sum.Mass.Ts);
                var own = (float)Decay.Factor(streamer.AudienceMass.Ts, ts, options.AudienceHalfLife);
                var added = (float)Decay.Factor(sum.Mass.Ts, ts, options.AudienceHalfLife);
                Vectors.ScaleAdd(streamer.Audience, own, sum.Vector, added);
                streamer.AudienceMass = streamer.AudienceMass.Merge(sum.Mass, options.AudienceHalfLife);
            }

            partition.Contributions.Clear();
        }

        _coEngagement.Apply(state.Partitions, state.CoEngagement, clockMs);
        foreach (var room in _touched)
        {
            if (room.IsLive)
            {
                state.LiveIndex.Reindex(room);
            }
        }

        state.LiveIndex.PrepareTick(clockMs);
    }
}
