using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>A user's decayed engagement with one streamer: the repeat-consumption signal.</summary>
public sealed class StreamerAffinity
{
    /// <summary>Decayed weighted engagement; its <see cref="DecayedValue.Ts"/> is the latest engagement.</summary>
    public DecayedValue Engagement { get; set; }

    /// <summary>Engagements ever counted.</summary>
    public int Count { get; set; }
}
