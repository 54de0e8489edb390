using System.Text.Json;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Serialization;
using StreamRec.Simulation;

namespace StreamRec.Ranking.Tests;

/// <summary>Writes event logs as the CLI's simulate command does: one JSON event per line.</summary>
internal static class EventLog
{
    public static string Simulate(string path, int users, int rooms, TimeSpan duration, ulong seed)
    {
        var options = new SimulationOptions { Users = users, Rooms = rooms, Duration = duration, Seed = seed };
        return Write(path, new LiveCommerceSimulator(options).Generate());
    }

    public static string Write(string path, IEnumerable<LiveEvent> events)
    {
        using var file = File.Create(path);
        using var writer = new Utf8JsonWriter(file);
        foreach (var e in events)
        {
            JsonSerializer.Serialize(writer, e, ContractJson.Default.LiveEvent);
            writer.Flush();
            file.WriteByte((byte)'\n');
            writer.Reset();
        }

        return path;
    }
}
