using System.Text.Json.Serialization;

namespace StreamRec.Cli.Commands.Bench;

/// <summary>
/// Every figure of one bench run, each next to the limit it is compared with (measured in the same run). A
/// figure that was not measured in this run is null, never a guess.
/// </summary>
internal sealed record BenchReport
{
    [JsonPropertyName("world")] public required string World { get; init; }

    [JsonPropertyName("events")] public long Events { get; init; }

    [JsonPropertyName("users")] public long Users { get; init; }

    [JsonPropertyName("partitions")] public int Partitions { get; init; }

    [JsonPropertyName("simulate_events_per_sec")] public double? SimulateEventsPerSec { get; init; }

    [JsonPropertyName("peak_live_rooms")] public int? PeakLiveRooms { get; init; }

    [JsonPropertyName("decode_events_per_sec")] public double DecodeEventsPerSec { get; init; }

    [JsonPropertyName("replay_events_per_sec")] public double ReplayEventsPerSec { get; init; }

    /// <summary>Replay with the baseline scorer over decoding alone: how close the pipeline is to its input's limit.</summary>
    [JsonPropertyName("replay_decode_ratio")] public double ReplayDecodeRatio { get; init; }

    [JsonPropertyName("replay_scored_events_per_sec")] public double ReplayScoredEventsPerSec { get; init; }

    [JsonPropertyName("onnx_raw_rows_per_sec")] public double OnnxRawRowsPerSec { get; init; }

    [JsonPropertyName("onnx_batch_rows")] public int OnnxBatchRows { get; init; }

    /// <summary>Model rows per second of the scored replay's wall time, over the raw figure.</summary>
    [JsonPropertyName("scoring_ratio")] public double ScoringRatio { get; init; }

    /// <summary>Model rows per second of the time spent inside the scorer, over the raw figure.</summary>
    [JsonPropertyName("scoring_ratio_in_scorer")] public double ScoringRatioInScorer { get; init; }

    [JsonPropertyName("kafka_events")] public long? KafkaEvents { get; init; }

    [JsonPropertyName("kafka_events_per_sec")] public double? KafkaEventsPerSec { get; init; }

    [JsonPropertyName("kafka_raw_events_per_sec")] public double? KafkaRawEventsPerSec { get; init; }

    [JsonPropertyName("kafka_ratio")] public double? KafkaRatio { get; init; }

    /// <summary>Events per second of the live run that measures freshness (half the Kafka pipeline rate).</summary>
    [JsonPropertyName("live_events_per_sec")] public double? LiveEventsPerSec { get; init; }

    /// <summary>Wall time from the arrival of the event that made a delta due to the delta being read back (see FreshnessMeasurement).</summary>
    [JsonPropertyName("freshness_p50_ms")] public double? FreshnessP50Ms { get; init; }

    [JsonPropertyName("freshness_p99_ms")] public double? FreshnessP99Ms { get; init; }

    [JsonPropertyName("freshness_max_ms")] public double? FreshnessMaxMs { get; init; }

    [JsonPropertyName("stop_to_delta_p99_ms")] public double? StopToDeltaP99Ms { get; init; }

    /// <summary>One broker hop with the live run's client settings (send → read), at the live rate: a delta's freshness holds two.</summary>
    [JsonPropertyName("hop_p50_ms")] public double? HopP50Ms { get; init; }

    [JsonPropertyName("hop_p99_ms")] public double? HopP99Ms { get; init; }

    [JsonPropertyName("state_bytes_per_user")] public double StateBytesPerUser { get; init; }

    [JsonPropertyName("store_bytes_per_user")] public double StoreBytesPerUser { get; init; }

    [JsonPropertyName("peak_rss_bytes")] public long PeakRssBytes { get; init; }

    [JsonPropertyName("peak_rss_scored_bytes")] public long PeakRssScoredBytes { get; init; }

    [JsonPropertyName("deltas_per_event")] public double DeltasPerEvent { get; init; }

    [JsonPropertyName("reranks_per_event")] public double ReranksPerEvent { get; init; }

    [JsonPropertyName("rows_per_event")] public double RowsPerEvent { get; init; }

    [JsonPropertyName("allocated_bytes_per_event")] public double AllocatedBytesPerEvent { get; init; }

    [JsonPropertyName("elapsed_ms")] public long ElapsedMs { get; init; }
}
