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
    [property: JsonPropertyName("allocated_bytes")] long AllocatedBytes)
{
    [JsonPropertyName("deltas_per_event")]
    public double DeltasPerEvent => Ratio(DeltasOut);

    [JsonPropertyName("reranks_per_event")]
    public double ReranksPerEvent => Ratio(Reranks);

    [JsonPropertyName("rows_per_event")]
    public double RowsPerEvent => Ratio(ScoredRows);

    [JsonPropertyName("allocated_bytes_per_event")]
    public double AllocatedBytesPerEvent => Ratio(AllocatedBytes);

    private double Ratio(long count) => EventsIn == 0 ? 0 : Math.Round((double)count / EventsIn, 4);
}
