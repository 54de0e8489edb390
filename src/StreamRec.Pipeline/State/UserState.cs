using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>Everything the pipeline knows about one user. Owned by the partition that owns the user key.</summary>
public sealed class UserState
{
    public UserState(int dimensions) => Interest = new float[dimensions];

    /// <summary>Decayed sum of the vectors of rooms engaged with; direction is taste, length is recency-weighted volume.</summary>
    public float[] Interest { get; }

    /// <summary>Event time <see cref="Interest"/> was last decayed to.</summary>
    public long InterestTs { get; set; }

    /// <summary>Decayed weighted event count.</summary>
    public DecayedValue Activity { get; set; }

    /// <summary>Affinity per streamer id.</summary>
    public Dictionary<int, StreamerAffinity> Affinities { get; } = [];
}
