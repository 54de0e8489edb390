namespace StreamRec.Pipeline.Input;

/// <summary>
/// What a message carried besides its value, kept so a dead letter can be written back as it came:
/// the key (null when the message had none), whether the value was null (a tombstone, not an empty
/// value), and, when only a prefix of an oversized value is kept, the SHA-256 of the whole value (hex),
/// so the original can still be identified. File lines have none of these (<c>default</c>).
/// </summary>
public readonly record struct RecordEnvelope(byte[]? Key, bool IsTombstone, string? OriginalSha256);
