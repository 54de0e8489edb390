using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>A user's decayed engagement with one streamer: the repeat-consumption signal.</summary>
/// <param name="Streamer">Interned streamer id.</param>
/// <param name="Engagement">Decayed weighted engagement; its <see cref="DecayedValue.Ts"/> is the latest engagement.</param>
public readonly record struct StreamerAffinity(int Streamer, DecayedValue Engagement);
