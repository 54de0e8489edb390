using StreamRec.Contracts.Events;

namespace StreamRec.Simulation.Tests;

/// <summary>One small seeded world, simulated once for a test class: its events and its JSON-lines bytes.</summary>
public sealed class SmallWorld
{
    public static readonly SimulationOptions Options = new() { Users = 3000, Rooms = 200, Duration = TimeSpan.FromHours(2), Seed = 11 };

    public SmallWorld()
    {
        Events = new LiveCommerceSimulator(Options).Generate();
        (Bytes, Summary) = Simulation.Write(Options);
    }

    public IReadOnlyList<LiveEvent> Events { get; }

    public byte[] Bytes { get; }

    public SimulationSummary Summary { get; }
}
