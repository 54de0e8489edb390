using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// Per-user interest vectors, updated incrementally: u(t) = 2^(-(t - t0)/h) * u(t0) + w_kind * v_room(t),
/// with h the interest half-life and v_room the room's unit vector; and the same for the short-term (session)
/// vector with its half-life of minutes. Event time drives the decay.
/// </summary>
public sealed class InterestUpdate(PipelineOptions options, PipelineState state) : IUserEventStep
{
    private readonly RoomVectors _vectors = new(options, state);
    private readonly float[] _room = new float[options.VectorDimensions];

    public void Apply(in EventRecord e, UserState user)
    {
        var weight = options.Weights.Of(e);
        if (state.Rooms.FindRoom(e.Room) is { } room)
        {
            _vectors.Compute(room, e.Ts, _room);
        }
        else
        {
            Array.Clear(_room);
        }

        var factor = (float)Decay.Factor(user.InterestTs, e.Ts, options.InterestHalfLife);
        Vectors.ScaleAdd(user.Interest, factor, _room, (float)weight);
        var shortFactor = (float)Decay.Factor(user.InterestTs, e.Ts, options.ShortInterestHalfLife);
        Vectors.ScaleAdd(user.ShortInterest, shortFactor, _room, (float)weight);
        user.InterestTs = Math.Max(user.InterestTs, e.Ts);
        user.Activity = user.Activity.Add(e.Ts, options.InterestHalfLife, weight);
    }
}
