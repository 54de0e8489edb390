namespace StreamRec.Simulation;

/// <summary>Size, span and seed of a simulated log. Same options, same bytes.</summary>
public sealed record SimulationOptions
{
    public int Users { get; init; } = 5000;

    public int Rooms { get; init; } = 300;

    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(2);

    public ulong Seed { get; init; } = 42;

    /// <summary>Event time of the first event (a fixed past evening by default, so logs are reproducible).</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 1, 5, 18, 0, 0, TimeSpan.Zero);

    /// <summary>Mean visits per user per hour; individual users vary around it.</summary>
    public double VisitsPerUserHour { get; init; } = 1.5;

    /// <summary>Sub-genres per category; each streamer has one, each viewer prefers one per favourite category. 1 turns them off.</summary>
    public int SubGenres { get; init; } = 4;

    /// <summary>Price levels; each streamer has one, each viewer prefers one. 1 turns them off.</summary>
    public int PriceLevels { get; init; } = 3;

    /// <summary>How much more an exploring viewer is drawn to its preferred sub-genre of a favourite category.</summary>
    public double SubGenreAffinity { get; init; } = 10.0;

    /// <summary>How much more an exploring viewer is drawn to rooms at its preferred price level.</summary>
    public double PriceAffinity { get; init; } = 2.5;

    /// <summary>Share of viewers whose favourite categories are redrawn once, at a moment in the middle 60% of the span.</summary>
    public double DriftShare { get; init; } = 0.25;

    /// <summary>Factor on a drifted viewer's visit counts of the streamers it saw before the drift.</summary>
    public double DriftHistoryScale { get; init; } = 0.2;

    /// <summary>Chance that a visit is followed a few minutes later by another visit of the same browsing session.</summary>
    public double SessionContinue { get; init; } = 0.35;

    /// <summary>Mean gap between the visits of a browsing session.</summary>
    public TimeSpan SessionGap { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Chance that a session's follow-up visit explores the category and sub-genre of the visit before.</summary>
    public double SessionStay { get; init; } = 0.8;

    /// <summary>Factor on the purchase chance of a watch once the viewer has asked an intent question in it.</summary>
    public double IntentPurchaseBoost { get; init; } = 5.0;

    public SimulationOptions Validate()
    {
        if (Users < 1 || Rooms < 1)
        {
            throw new ArgumentException($"Users and rooms must be at least 1 (got {Users} users, {Rooms} rooms).");
        }

        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromDays(31))
        {
            throw new ArgumentException($"Duration must be positive and at most 31 days, got {Duration}.");
        }

        if (VisitsPerUserHour <= 0)
        {
            throw new ArgumentException($"VisitsPerUserHour must be positive, got {VisitsPerUserHour}.");
        }

        if (SubGenres is < 1 or > 8 || PriceLevels is < 1 or > 4)
        {
            throw new ArgumentException($"SubGenres must be in [1, 8] and PriceLevels in [1, 4] (got {SubGenres}, {PriceLevels}).");
        }

        if (SubGenreAffinity < 1 || PriceAffinity < 1 || IntentPurchaseBoost < 1)
        {
            throw new ArgumentException(
                $"SubGenreAffinity, PriceAffinity and IntentPurchaseBoost must be at least 1 (got {SubGenreAffinity}, {PriceAffinity}, {IntentPurchaseBoost}).");
        }

        if (!IsShare(DriftShare) || !IsShare(DriftHistoryScale) || !IsShare(SessionStay) || !IsShare(SessionContinue) || SessionContinue >= 1)
        {
            throw new ArgumentException(
                $"DriftShare, DriftHistoryScale and SessionStay must be in [0, 1], SessionContinue in [0, 1) (got {DriftShare}, {DriftHistoryScale}, {SessionStay}, {SessionContinue}).");
        }

        if (SessionGap <= TimeSpan.Zero)
        {
            throw new ArgumentException($"SessionGap must be positive, got {SessionGap}.");
        }

        return this;
    }

    private static bool IsShare(double value) => value is >= 0 and <= 1;
}
