using System.Text.Json.Serialization;

namespace StreamRec.Cli.Commands;

/// <summary>The diversity controls <c>evaluate</c> applied to every method's top 10 (zeros: none).</summary>
internal sealed record DiversityReport(
    [property: JsonPropertyName("max_per_category")] int MaxPerCategory,
    [property: JsonPropertyName("min_exposure_share")] double MinExposureShare,
    [property: JsonPropertyName("low_popularity")] double LowPopularity);
