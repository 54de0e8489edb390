using System.Text.Json.Serialization;

namespace StreamRec.Cli.Commands.Demo;

/// <summary>The demo's closing line.</summary>
internal sealed record DemoSummary
{
    [JsonPropertyName("events_produced")]
    public required long EventsProduced { get; init; }

    [JsonPropertyName("events_in")]
    public required long EventsIn { get; init; }

    [JsonPropertyName("deltas_out")]
    public required long DeltasOut { get; init; }

    [JsonPropertyName("dead_lettered")]
    public required long DeadLettered { get; init; }

    [JsonPropertyName("freshness_p50_ms")]
    public double? FreshnessP50Ms { get; init; }

    [JsonPropertyName("freshness_p99_ms")]
    public double? FreshnessP99Ms { get; init; }

    [JsonPropertyName("room_stop_p99_ms")]
    public double? RoomStopP99Ms { get; init; }

    /// <summary>Room entries judged by the online evaluation, and its H@10 over all of them: held lists and popularity.</summary>
    [JsonPropertyName("online_cases")]
    public required long OnlineCases { get; init; }

    [JsonPropertyName("online_h10")]
    public required double OnlineH10 { get; init; }

    [JsonPropertyName("popularity_h10")]
    public required double PopularityH10 { get; init; }

    [JsonPropertyName("elapsed_ms")]
    public required long ElapsedMs { get; init; }
}
