namespace StreamRec.Pipeline.Features;

/// <summary>Per-room inputs of feature extraction, computed once per room per tick.</summary>
public sealed class RoomContext(int dimensions)
{
    public int Room { get; set; }

    public int Streamer { get; set; }

    public int Category { get; set; } = -1;

    /// <summary>Unit room vector (category prior blended with the streamer's audience).</summary>
    public float[] Vector { get; } = new float[dimensions];

    public float Popularity { get; set; }

    public float Conversion { get; set; }

    public float AgeMinutes { get; set; }

    /// <summary>Decayed comments asking about buying, per decayed visit.</summary>
    public float IntentRate { get; set; }
}
