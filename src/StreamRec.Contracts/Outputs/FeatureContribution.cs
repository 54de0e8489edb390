using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Outputs;

/// <summary>
/// One reason a room is where it is in a list: a feature's value and how much it moved the room's score against
/// the average of the user's scored candidates (positive: it lifted the room).
/// </summary>
public sealed record FeatureContribution(
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("contribution")] double Contribution);
