using System.Text.Json.Serialization;
using StreamRec.Pipeline.Online;

namespace StreamRec.Kafka.Metrics;

/// <summary>One published reading of an instance's counters (the value on <c>streamrec.metrics</c>).</summary>
public sealed record MetricsSnapshot
{
    [JsonPropertyName("instance_id")]
    public required string InstanceId { get; init; }

    /// <summary>Wall time of the reading, ms since the Unix epoch.</summary>
    [JsonPropertyName("at")]
    public required long At { get; init; }

    [JsonPropertyName("records_in")]
    public required long RecordsIn { get; init; }

    [JsonPropertyName("valid")]
    public required long Valid { get; init; }

    [JsonPropertyName("dead_lettered")]
    public required long DeadLettered { get; init; }

    [JsonPropertyName("dead_lettered_by_reason")]
    public required IReadOnlyDictionary<string, long> DeadLetteredByReason { get; init; }

    [JsonPropertyName("reranks")]
    public required long Reranks { get; init; }

    [JsonPropertyName("scored_rows")]
    public required long ScoredRows { get; init; }

    [JsonPropertyName("deltas_out")]
    public required long DeltasOut { get; init; }

    /// <summary>Newest event time applied, ms since the Unix epoch.</summary>
    [JsonPropertyName("event_time")]
    public required long EventTime { get; init; }

    /// <summary>Unprocessed records per input partition, keyed <c>topic[partition]</c>.</summary>
    [JsonPropertyName("consumer_lag")]
    public required IReadOnlyDictionary<string, long> ConsumerLag { get; init; }

    /// <summary>Valid events by kind (<c>type</c>), since the start.</summary>
    [JsonPropertyName("events_by_kind")]
    public IReadOnlyDictionary<string, long> EventsByKind { get; init; } = new Dictionary<string, long>();

    [JsonPropertyName("active_users")]
    public long ActiveUsers { get; init; }

    [JsonPropertyName("live_rooms")]
    public long LiveRooms { get; init; }

    /// <summary>Version of the model scoring now; null for the baseline scorer.</summary>
    [JsonPropertyName("model_version")]
    public string? ModelVersion { get; init; }

    [JsonPropertyName("model_swaps")]
    public long ModelSwaps { get; init; }

    /// <summary>Length of the interval the histograms' windows cover, ms.</summary>
    [JsonPropertyName("window_ms")]
    public long WindowMs { get; init; }

    /// <summary>Freshness, room_stop→delta and scoring time, by instrument name.</summary>
    [JsonPropertyName("histograms")]
    public IReadOnlyDictionary<string, HistogramWindow> Histograms { get; init; } = new Dictionary<string, HistogramWindow>();

    /// <summary>Wall time per step per batch, by step (decode, core, scoring, produce).</summary>
    [JsonPropertyName("step_durations")]
    public IReadOnlyDictionary<string, HistogramWindow> StepDurations { get; init; } = new Dictionary<string, HistogramWindow>();

    /// <summary>The online evaluation; null when it is off.</summary>
    [JsonPropertyName("online_evaluation")]
    public OnlineEvaluationReading? OnlineEvaluation { get; init; }
}
