using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>A room and its decayed statistics. Room state is global: every instance sees every room event.</summary>
public sealed class RoomState(int room)
{
    public int Room { get; } = room;

    public int Streamer { get; set; } = -1;

    /// <summary>Category id, -1 until known.</summary>
    public int Category { get; set; } = -1;

    public bool IsLive { get; set; }

    /// <summary>Event time of the latest room_start.</summary>
    public long StartTs { get; set; }

    /// <summary>Decayed weighted engagement: the "what is hot now" signal.</summary>
    public DecayedValue Popularity { get; set; }

    /// <summary>Decayed clicks and comments, the denominator of the conversion rate.</summary>
    public DecayedValue Visits { get; set; }

    /// <summary>Decayed purchases.</summary>
    public DecayedValue Purchases { get; set; }

    /// <summary>Decayed comments that ask about buying (<see cref="Decoding.CommentIntent"/>), against <see cref="Visits"/>.</summary>
    public DecayedValue Intents { get; set; }

    /// <summary>The popularity order key the live-room index holds the room under (see <see cref="Retrieval.LiveRoomIndex"/>).</summary>
    public double IndexedKey { get; set; } = double.NegativeInfinity;

    /// <summary>The category the live-room index holds the room under, -1 when not indexed.</summary>
    public int IndexedCategory { get; set; } = -1;
}
