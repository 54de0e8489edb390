using System.Text.Json.Serialization;
using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Queries;

namespace StreamRec.Web;

/// <summary>The dashboard's user view: the user's list with its why, and their newest deltas.</summary>
internal sealed record UserView(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("explanation")] UserExplanation? Explanation,
    [property: JsonPropertyName("recent_deltas")] IReadOnlyList<RecommendationDelta> RecentDeltas);
