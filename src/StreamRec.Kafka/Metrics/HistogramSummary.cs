using System.Text.Json.Serialization;
using StreamRec.Pipeline.Metrics;

namespace StreamRec.Kafka.Metrics;

/// <summary>Percentiles of a histogram in milliseconds (within 3.1%: see <see cref="LogHistogram"/>); null when it holds nothing.</summary>
public sealed record HistogramSummary
{
    [JsonPropertyName("count")]
    public required long Count { get; init; }

    [JsonPropertyName("p50_ms")]
    public double? P50Ms { get; init; }

    [JsonPropertyName("p95_ms")]
    public double? P95Ms { get; init; }

    [JsonPropertyName("p99_ms")]
    public double? P99Ms { get; init; }

    [JsonPropertyName("max_ms")]
    public double? MaxMs { get; init; }

    public static HistogramSummary Of(HistogramReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (reading.Count == 0)
        {
            return new HistogramSummary { Count = 0 };
        }

        return new HistogramSummary
        {
            Count = reading.Count,
            P50Ms = Ms(reading.Quantile(0.50)),
            P95Ms = Ms(reading.Quantile(0.95)),
            P99Ms = Ms(reading.Quantile(0.99)),
            MaxMs = Ms(reading.Max),
        };
    }

    private static double Ms(double seconds) => Math.Round(seconds * 1000, 3);
}
