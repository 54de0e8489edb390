using System.Text.Json.Serialization;
using StreamRec.Pipeline.Metrics;

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

    public static MetricsSnapshot Of(string instanceId, PipelineMetrics metrics, IReadOnlyDictionary<string, long> lag, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return new MetricsSnapshot
        {
            InstanceId = instanceId,
            At = now.ToUnixTimeMilliseconds(),
            RecordsIn = metrics.RecordsIn,
            Valid = metrics.Valid,
            DeadLettered = metrics.DeadLettered,
            DeadLetteredByReason = new SortedDictionary<string, long>(metrics.DeadLettersByReason, StringComparer.Ordinal),
            Reranks = metrics.Reranks,
            ScoredRows = metrics.ScoredRows,
            DeltasOut = metrics.DeltasOut,
            EventTime = metrics.EventTime,
            ConsumerLag = new SortedDictionary<string, long>(lag.ToDictionary(), StringComparer.Ordinal),
        };
    }
}
