using System.Text.Json.Serialization;

namespace StreamRec.Kafka.Producing;

/// <summary>The one-line JSON summary <c>streamrec produce</c> prints last.</summary>
public sealed record EventLogProduceSummary(
    [property: JsonPropertyName("events")] long Events,
    [property: JsonPropertyName("by_topic")] IReadOnlyDictionary<string, long> ByTopic,
    [property: JsonPropertyName("unroutable")] long Unroutable,
    [property: JsonPropertyName("too_large")] long TooLarge,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("paced_ms")] long PacedMs,
    [property: JsonPropertyName("elapsed_ms")] long ElapsedMs,
    [property: JsonPropertyName("events_per_sec")] long EventsPerSec);
