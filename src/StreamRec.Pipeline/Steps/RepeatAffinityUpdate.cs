using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Repeat consumption: users come back to the same streamers. Keeps a decayed engagement per
/// user x streamer (and, per streamer, who its returning viewers are, for go-live fan-out).
/// </summary>
public sealed class RepeatAffinityUpdate(PipelineOptions options, PipelineState state) : IPipelineStep
{
    public void Apply(EventBatch batch)
    {
        foreach (var e in batch.Events)
        {
            if (!e.IsUserEvent)
            {
                continue;
            }

            var user = state.Users.GetOrAdd(e.User);
            if (!user.Affinities.TryGetValue(e.Streamer, out var affinity))
            {
                user.Affinities[e.Streamer] = affinity = new StreamerAffinity();
                state.Rooms.GetOrAddStreamer(e.Streamer).Viewers.Add(e.User);
            }

            affinity.Engagement = affinity.Engagement.Add(e.Ts, options.AffinityHalfLife, options.Weights.Of(e.Kind));
            affinity.Count++;
        }
    }
}
