namespace StreamRec.Simulation.Tests;

/// <summary>One small seeded world run with its truth: every logged event, and each visit's first click with its truth.</summary>
public sealed class TruthWorld
{
    public static readonly SimulationOptions Options = new() { Users = 3000, Rooms = 200, Duration = TimeSpan.FromHours(4), Seed = 11 };

    public TruthWorld()
    {
        (Events, Visits, Rooms, Drifts) = Run(Options, truth: true, out var viewers);
        Viewers = viewers;
    }

    /// <summary>The viewers at the end of the span.</summary>
    internal Viewers Viewers { get; }

    internal IReadOnlyList<WorldEvent> Events { get; }

    /// <summary>Each visit's first click and its truth, in log order.</summary>
    internal IReadOnlyList<(WorldEvent Click, VisitTruth Truth)> Visits { get; }

    internal RoomTable Rooms { get; }

    public int Drifts { get; }

    internal static (List<WorldEvent> Events, List<(WorldEvent, VisitTruth)> Visits, RoomTable Rooms, int Drifts) Run(SimulationOptions options, bool truth = true) =>
        Run(options, truth, out _);

    internal static (List<WorldEvent> Events, List<(WorldEvent, VisitTruth)> Visits, RoomTable Rooms, int Drifts) Run(SimulationOptions options, bool truth, out Viewers viewers)
    {
        var sweep = new WorldSweep(options, truth);
        viewers = sweep.Viewers;
        var buffer = new WorldEvent[4096];
        var truths = new List<VisitTruth>();
        var events = new List<WorldEvent>();
        var visits = new List<(WorldEvent, VisitTruth)>();
        int count;
        while ((count = sweep.Fill(buffer, truths)) > 0)
        {
            var next = 0;
            foreach (var e in buffer.AsSpan(0, count))
            {
                events.Add(e);
                if (truth && e.Kind == WorldEventKind.Click && e.Data == 1)
                {
                    visits.Add((e, truths[next++]));
                }
            }

            Assert.Equal(truths.Count, next);
            truths.Clear();
        }

        return (events, visits, sweep.Rooms, sweep.Drifts);
    }
}
