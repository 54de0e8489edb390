namespace StreamRec.Pipeline.Decoding;

/// <summary>Why a record was rejected: a <see cref="DeadLetterReason"/> code and a readable detail.</summary>
public readonly record struct DecodeError(string Reason, string Message);
