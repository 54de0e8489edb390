using System.Text.Json.Serialization;

namespace StreamRec.Pipeline.Replay;

/// <summary>The one-line JSON summary a replay prints last.</summary>
public sealed record ReplaySummary(
    [property: JsonPropertyName("events_in")] long EventsIn,
    [property: JsonPropertyName("valid")] long Valid,
    [property: JsonPropertyName("dead_lettered")] long DeadLettered,
    [property: JsonPropertyName("deltas_out")] long DeltasOut,
    [property: JsonPropertyName("users")] long Users,
    [property: JsonPropertyName("rooms")] long Rooms,
    [property: JsonPropertyName("elapsed_ms")] long ElapsedMs,
    [property: JsonPropertyName("events_per_sec")] long EventsPerSec);
