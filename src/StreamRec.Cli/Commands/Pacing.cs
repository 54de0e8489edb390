using System.Diagnostics;

namespace StreamRec.Cli.Commands;

/// <summary>Paces a producer that sends at a steady rate (the demo's traffic, the bench's live run).</summary>
internal static class Pacing
{
    /// <summary>Waits until <paramref name="clock"/> reaches <paramref name="due"/>; returns at once when it has.</summary>
    /// <remarks>
    /// The clock is read once. Read twice (once to compare, once for the delay), a pause between the reads could make
    /// the delay -1 ms, which <see cref="Task.Delay(TimeSpan, CancellationToken)"/> takes as "forever": the bench's
    /// live run hung so, its producer parked with 83,103 of 149,501 events sent.
    /// </remarks>
    public static Task UntilAsync(Stopwatch clock, TimeSpan due, CancellationToken cancellationToken) =>
        Remaining(clock.Elapsed, due) is { } wait ? Task.Delay(wait, cancellationToken) : Task.CompletedTask;

    /// <summary>The wait from <paramref name="elapsed"/> to <paramref name="due"/>, at least a millisecond; null when due.</summary>
    internal static TimeSpan? Remaining(TimeSpan elapsed, TimeSpan due)
    {
        var left = due - elapsed;
        return left <= TimeSpan.Zero ? null : left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left;
    }
}
