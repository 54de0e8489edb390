using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>A streamer's audience profile: what the users who engage with the streamer are interested in. Global.</summary>
public sealed class StreamerState(int dimensions)
{
    /// <summary>Decayed sum of the (unit) interest vectors of engaging users, as of <see cref="AudienceMass"/>'s time.</summary>
    public float[] Audience { get; } = new float[dimensions];

    /// <summary>Decayed weight behind <see cref="Audience"/>.</summary>
    public DecayedValue AudienceMass { get; set; }
}
