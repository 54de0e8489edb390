using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Outputs;

/// <summary>
/// An input record the pipeline could not use, kept with the reason so nothing is dropped silently.
/// Exactly one of <see cref="Raw"/> (valid UTF-8) or <see cref="RawBase64"/> (anything else) is set.
/// </summary>
public sealed record DeadLetter
{
    /// <summary>Short machine-readable reason code, e.g. <c>malformed_json</c>.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>Human-readable detail, e.g. which field is missing.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>Where the record came from: <c>file:line</c> or <c>topic[partition]@offset</c>.</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    [JsonPropertyName("raw")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Raw { get; init; }

    [JsonPropertyName("raw_base64")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RawBase64 { get; init; }
}
