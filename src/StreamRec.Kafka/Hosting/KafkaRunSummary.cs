using System.Text.Json.Serialization;

namespace StreamRec.Kafka.Hosting;

/// <summary>What a Kafka run did, reported when it ends.</summary>
public sealed record KafkaRunSummary(
    [property: JsonPropertyName("records_in")] long RecordsIn,
    [property: JsonPropertyName("valid")] long Valid,
    [property: JsonPropertyName("dead_lettered")] long DeadLettered,
    [property: JsonPropertyName("deltas_out")] long DeltasOut,
    [property: JsonPropertyName("elapsed_ms")] long ElapsedMs,
    [property: JsonPropertyName("events_per_sec")] long EventsPerSec);
