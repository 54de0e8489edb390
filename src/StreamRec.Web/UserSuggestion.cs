using System.Text.Json.Serialization;

namespace StreamRec.Web;

/// <summary>A user with a recent delta, so the user view has something to show first.</summary>
internal sealed record UserSuggestion([property: JsonPropertyName("user_id")] string? UserId);
