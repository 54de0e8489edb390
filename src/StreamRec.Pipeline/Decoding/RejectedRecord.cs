using StreamRec.Pipeline.Input;

namespace StreamRec.Pipeline.Decoding;

/// <summary>
/// An input record that did not become an event: why, where it came from, and its bytes (a copy, so it
/// outlives the raw batch; only a prefix when <see cref="OriginalLength"/> is larger), with the message's
/// key and tombstone flag when it had them.
/// </summary>
public readonly record struct RejectedRecord(DecodeError Error, RecordOrigin Origin, byte[] Bytes, int OriginalLength, RecordEnvelope Envelope = default)
{
    public bool IsTruncated => OriginalLength > Bytes.Length;
}
