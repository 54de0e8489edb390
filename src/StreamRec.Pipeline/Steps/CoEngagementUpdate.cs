using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// A user's visit to streamer Y is evidence that Y's audience overlaps that of every other streamer X the user
/// returns to: each X adds w x a(X) / max(1, Σ a) to X→Y and to Y→X, where w is the event's weight and a the
/// user's decayed affinities before this event (so a heavy viewer spreads one visit's weight instead of
/// multiplying it). Only a visit's first event and purchases count. Runs before the affinity update, whose
/// previous time tells a new visit from a continuing one. Collected per partition, merged at the tick's close.
/// </summary>
public sealed class CoEngagementUpdate(PipelineOptions options, PartitionState partition) : IUserEventStep
{
    private readonly long _visitGapMs = (long)options.CoEngagement.VisitGap.TotalMilliseconds;

    public void Apply(in EventRecord e, UserState user)
    {
        var weight = options.Weights.Of(e.Kind);
        // An event another instance already counted (see RoomEngagement) adds no pairs either; the offsets it covers
        // are noted there.
        if (weight <= 0 || e.Streamer < 0 || options.CoEngagement.Neighbours == 0 || user.AffinityCount == 0 || partition.Marks.Counts(e))
        {
            return;
        }

        var previous = user.AffinityOf(e.Streamer);
        if (e.Ts - previous.Ts < _visitGapMs && e.Kind != EventKind.Purchase)
        {
            return;
        }

        var total = 0.0;
        foreach (var affinity in user.Affinities)
        {
            if (affinity.Streamer != e.Streamer)
            {
                total += affinity.Engagement.At(e.Ts, options.AffinityHalfLife);
            }
        }

        var scale = weight / Math.Max(1.0, total);
        foreach (var affinity in user.Affinities)
        {
            if (affinity.Streamer != e.Streamer)
            {
                var amount = scale * affinity.Engagement.At(e.Ts, options.AffinityHalfLife);
                partition.CoEngagement.Engage(affinity.Streamer, e.Streamer, e.Ts, amount);
            }
        }
    }
}
