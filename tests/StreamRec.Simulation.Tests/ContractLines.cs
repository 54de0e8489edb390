using System.Text.Json;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Serialization;

namespace StreamRec.Simulation.Tests;

/// <summary>What the contract serializer makes of events, the reference for the simulator's own writer.</summary>
internal static class ContractLines
{
    public static string Serialize(LiveEvent e) => JsonSerializer.Serialize(e, ContractJson.Default.LiveEvent);

    public static LiveEvent Deserialize(string line) =>
        JsonSerializer.Deserialize(line, ContractJson.Default.LiveEvent) ?? throw new InvalidDataException($"null event: {line}");
}
