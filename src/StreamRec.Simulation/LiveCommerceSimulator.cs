using StreamRec.Contracts.Events;

namespace StreamRec.Simulation;

/// <summary>
/// Generates a live-commerce event log: rooms going live and offline in sessions, Zipf-like room
/// popularity, users with latent tastes over categories, sub-genres and price levels that drift for some,
/// browsing sessions, strong repeat consumption of favourite streamers, and comments (intent questions or
/// chatter) and purchases at realistic lower rates. Seeded and deterministic: the same options
/// give the same events, in event-time order (room events before user events at the same instant), on any
/// machine and whatever the threads do.
/// </summary>
public sealed class LiveCommerceSimulator(SimulationOptions options)
{
    private const int Batch = 4096;

    private readonly SimulationOptions _options = options.Validate();

    /// <summary>Product categories of the simulated platform.</summary>
    public static IReadOnlyList<string> Categories { get; } = Array.AsReadOnly(Vocabulary.Categories);

    /// <summary>All events in one list: for small worlds (tests, fixtures). Large ones go through <see cref="WriteJsonLines(Stream, CancellationToken)"/>.</summary>
    public IReadOnlyList<LiveEvent> Generate() => [.. Events()];

    /// <summary>The events one at a time, in log order, holding only what the world has pending.</summary>
    public IEnumerable<LiveEvent> Events()
    {
        var sweep = new WorldSweep(_options);
        var buffer = new WorldEvent[Batch];
        long number = 0;
        int count;
        while ((count = sweep.Fill(buffer)) > 0)
        {
            for (var i = 0; i < count; i++)
            {
                yield return LiveEventMapping.ToLiveEvent(buffer[i], ++number, sweep.Rooms);
            }
        }
    }

    /// <summary>
    /// Writes the log as JSON lines (exactly the contract serializer's bytes) to <paramref name="destination"/>,
    /// generating on a second thread while this one formats and writes. The stream is not disposed.
    /// </summary>
    public SimulationSummary WriteJsonLines(Stream destination, CancellationToken cancellationToken) =>
        WriteJsonLines(destination, truth: null, cancellationToken);

    /// <summary>
    /// As <see cref="WriteJsonLines(Stream, CancellationToken)"/>, and when <paramref name="truth"/> is given, writes
    /// to it one JSON line per visit's first click (keyed by the click's <c>event_id</c>) with the world's true
    /// ranking of the live rooms at that moment: the rank of the chosen room, the ten most likely rooms, and whether
    /// the viewer's taste had drifted or a favourite going live brought it (then its room had chance 1). Ranking
    /// every live room costs a pass over the rooms per visit, so only ask for it when evaluating.
    /// </summary>
    public SimulationSummary WriteJsonLines(Stream destination, Stream? truth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var sweep = new WorldSweep(_options, truth is not null);
        var events = JsonLinesExport.Write(sweep, destination, truth, cancellationToken);
        return new SimulationSummary(events, sweep.PeakLiveRooms);
    }
}
