using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Features;

/// <summary>
/// Per-user inputs of feature extraction, computed once per user per scoring round so that the per-row
/// work is a few dot products and a lookup.
/// </summary>
public sealed class UserContext(int dimensions)
{
    public UserState User { get; set; } = null!;

    /// <summary>The user's interest direction (unit, or zero without history).</summary>
    public float[] Unit { get; } = new float[dimensions];

    public float Activity { get; set; }

    /// <summary>Affinity and recency features per streamer the user engaged with.</summary>
    public Dictionary<int, (float Affinity, float Recency)> Streamers { get; } = [];
}
