using System.Text.Json.Serialization;

namespace StreamRec.Kafka.Metrics;

/// <summary>A histogram over the snapshot's interval and since the start.</summary>
public sealed record HistogramWindow(
    [property: JsonPropertyName("window")] HistogramSummary Window,
    [property: JsonPropertyName("total")] HistogramSummary Total);
