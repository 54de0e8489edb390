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

        return this;
    }
}
