using System.Text.Json.Serialization;

namespace StreamRec.Contracts.Outputs;

/// <summary>
/// An input record the pipeline could not use, kept with the reason so nothing is dropped silently.
/// Exactly one of <see cref="Raw"/> (valid UTF-8) or <see cref="RawBase64"/> (anything else) is set, except
/// for a Kafka tombstone (<see cref="Tombstone"/>), which had no value at all. A Kafka message's key is kept
/// the same way (<see cref="Key"/> or <see cref="KeyBase64"/>), so the DLQ copy can carry it again.
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

    /// <summary>The message's key when it had one and it is valid UTF-8.</summary>
    [JsonPropertyName("key")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }

    /// <summary>The message's key otherwise.</summary>
    [JsonPropertyName("key_base64")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyBase64 { get; init; }

    /// <summary>The message had a null value (a tombstone), which the DLQ keeps as null.</summary>
    [JsonPropertyName("tombstone")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Tombstone { get; init; }

    /// <summary>Size of the whole record when the raw field holds only a prefix of it.</summary>
    [JsonPropertyName("original_bytes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? OriginalBytes { get; init; }

    /// <summary>SHA-256 (hex) of the whole record when only a prefix is kept and the source could hash it.</summary>
    [JsonPropertyName("original_sha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OriginalSha256 { get; init; }
}
