using System.Text.Json.Serialization;

namespace StreamRec.Cli.Commands.Demo;

/// <summary>The closing line of <c>streamrec traffic</c>.</summary>
internal sealed record TrafficSummary
{
    [JsonPropertyName("events_sent")]
    public required long EventsSent { get; init; }

    [JsonPropertyName("elapsed_ms")]
    public required long ElapsedMs { get; init; }
}
