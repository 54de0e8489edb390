using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>A streamer's audience: who returns to them, and what that audience is interested in.</summary>
public sealed class StreamerState(int dimensions)
{
    /// <summary>Decayed sum of the (unit) interest vectors of engaging users, as of <see cref="AudienceMass"/>'s time.</summary>
    public float[] Audience { get; } = new float[dimensions];

    /// <summary>Decayed weight behind <see cref="Audience"/>.</summary>
    public DecayedValue AudienceMass { get; set; }

    /// <summary>Users of this partition who engaged with the streamer: the candidates of a go-live fan-out.</summary>
    public HashSet<int> Viewers { get; } = [];
}
