using StreamRec.Pipeline.Input;

namespace StreamRec.Pipeline.Exchange;

/// <summary>An undecoded record of the exchange topic, as a source hands it to the decoding stage.</summary>
/// <param name="Value">The record's value (<see cref="ContributionCodec"/>'s layout).</param>
/// <param name="Origin">Where it was read, for its dead letter if it cannot be decoded.</param>
public readonly record struct ExchangedRecord(byte[] Value, RecordOrigin Origin);
