namespace StreamRec.Ranking.Offline;

/// <summary>The event-time span of a log, to place a time split before replaying it.</summary>
/// <param name="FirstTs">Earliest valid event time, ms since the Unix epoch.</param>
/// <param name="LastTs">Latest valid event time.</param>
public readonly record struct LogTimeRange(long FirstTs, long LastTs)
{
    /// <summary>The time at which the last <paramref name="fraction"/> of the span begins.</summary>
    public long SplitAt(double fraction)
    {
        if (fraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The held-out fraction must be in (0, 1).");
        }

        return LastTs - (long)((LastTs - FirstTs) * fraction);
    }
}
