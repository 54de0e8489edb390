using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// A user event's contribution to the global room aggregates: the room's popularity, visits, purchases and intent comments,
/// and the streamer's audience profile, which learns from the user's taste before this event (a user with
/// no history says nothing about the streamer). Collected per partition, merged at the tick's close.
/// </summary>
public sealed class RoomEngagement(PipelineOptions options, PartitionState partition) : IUserEventStep
{
    private readonly float[] _unit = new float[options.VectorDimensions];

    public void Apply(in EventRecord e, UserState user)
    {
        if (partition.Marks.Counts(e))
        {
            // Another instance processed this event before a handover and published what it added.
            return;
        }

        var weight = options.Weights.Of(e);
        partition.Contributions.Cover(e.Source, e.Offset);
        partition.Contributions.Engage(e.Room, e.Ts, options.PopularityHalfLife, weight, e.Kind == EventKind.Purchase, e.Intent);
        if (Vectors.TryUnit(user.Interest, _unit))
        {
            partition.Contributions.Audience(e.Streamer, e.Ts, options.AudienceHalfLife, _unit, weight);
        }
    }
}
