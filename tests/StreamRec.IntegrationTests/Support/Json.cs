using System.Text.Json;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Serialization;

namespace StreamRec.IntegrationTests.Support;

/// <summary>Events as log lines.</summary>
internal static class Json
{
    public static string Line(LiveEvent e) => JsonSerializer.Serialize(e, ContractJson.Default.LiveEvent);
}
