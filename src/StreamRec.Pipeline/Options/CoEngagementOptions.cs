namespace StreamRec.Pipeline.Options;

/// <summary>How the streamer-to-streamer co-engagement table (<see cref="State.CoEngagementTable"/>) learns.</summary>
public sealed record CoEngagementOptions
{
    /// <summary>Most neighbours kept per streamer (the strongest); bounds the table at this many entries per streamer.</summary>
    public int Neighbours { get; init; } = 16;

    /// <summary>Half-life of a co-engagement weight: audiences move on, so old overlaps fade.</summary>
    public TimeSpan HalfLife { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// A user's event with a streamer counts as a new visit (and so as co-engagement) when the user's previous one
    /// with that streamer is at least this old; purchases always count. Keeps a chatty viewer from outweighing many.
    /// </summary>
    public TimeSpan VisitGap { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Weight λ of the co-engagement neighbours' audiences in a room vector's prior (see
    /// <see cref="Features.RoomVectors"/>); 0 leaves the prior to the category alone.
    /// </summary>
    public double ColdStartWeight { get; init; }

    /// <summary>Every problem with these settings.</summary>
    public IEnumerable<string> Problems()
    {
        if (Neighbours is < 0 or > 1024)
        {
            yield return $"CoEngagement.Neighbours must be in [0, 1024], got {Neighbours}.";
        }

        if (HalfLife <= TimeSpan.Zero)
        {
            yield return $"CoEngagement.HalfLife must be positive, got {HalfLife}.";
        }

        if (ColdStartWeight is < 0 or double.NaN)
        {
            yield return $"CoEngagement.ColdStartWeight must not be negative, got {ColdStartWeight}.";
        }

        if (VisitGap < TimeSpan.Zero)
        {
            yield return $"CoEngagement.VisitGap must not be negative, got {VisitGap}.";
        }
    }
}
