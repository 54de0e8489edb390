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
    [property: JsonPropertyName("events_per_sec")] long EventsPerSec,
    [property: JsonPropertyName("partitions")] int Partitions,
    [property: JsonPropertyName("reranks")] long Reranks,
    [property: JsonPropertyName("scored_rows")] long ScoredRows,
    [property: JsonPropertyName("promotions")] long Promotions,
    [property: JsonPropertyName("peak_rss_bytes")] long PeakRssBytes,
    [property: JsonPropertyName("allocated_bytes")] long AllocatedBytes,
    [property: JsonPropertyName("model_rows")] long ModelRows,
    [property: JsonPropertyName("model_calls")] long ModelCalls,
    [property: JsonPropertyName("scoring_ms")] long ScoringMs)
{
    [JsonPropertyName("deltas_per_event")]
    public double DeltasPerEvent => Ratio(DeltasOut);

    [JsonPropertyName("reranks_per_event")]
    public double ReranksPerEvent => Ratio(Reranks);

    [JsonPropertyName("rows_per_event")]
    public double RowsPerEvent => Ratio(ScoredRows);

    /// <summary>Managed heap held by the whole state at the end (after a full GC), when measured.</summary>
    [JsonPropertyName("state_bytes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? StateBytes { get; init; }

    /// <summary>The part of <see cref="StateBytes"/> held by the user stores.</summary>
    [JsonPropertyName("store_bytes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? StoreBytes { get; init; }

    [JsonPropertyName("allocated_bytes_per_event")]
    public double AllocatedBytesPerEvent => Ratio(AllocatedBytes);

    private double Ratio(long count) => EventsIn == 0 ? 0 : Math.Round((double)count / EventsIn, 4);
}
